"""The fakes bench/faults.py runs, each in its own process, with a counting window into them:
`python -m bench.reliability_servers ROLE --port N`.

- `fake-slack`: bench/_servers.py's fake Slack (card arrival times at /_bench/cards) plus
  `GET /_bench/posts`: for every title, how many successful chat.postMessage calls carried it,
  to the channel (`cards`) and to DMs (`dms`); and the text of every response_url post
  (`notices`: failure notices; the commands share one response_url);
  `POST /_bench/faults {"method", "times", "status"}`: the next `times` calls of `method` answer
  429 (`status` 429, Retry-After 1) or that 5xx.
- `emulator`: bench/_servers.py's emulator (room cap lifted) plus `GET /_bench/rooms`: how many
  rooms were created with each title.

Titles are what bench/faults.py sends: `PREFIX-NNNNNN`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import uuid
from collections import Counter
from pathlib import Path

from aiohttp import web
from meetbot_sandbox.meetings.__main__ import env_lines
from meetbot_sandbox.meetings.keys import API_PREFIX, STATE_KEY
from meetbot_sandbox.slack.app import STATE_KEY as SLACK_STATE_KEY

from bench._servers import emulator_app, fake_slack_app

TITLE = re.compile(r"[A-Za-z]+-\d{6}")


def counting_slack(host: str, port: int, users: int) -> web.Application:
    app = fake_slack_app(host, port, users)
    state = app[SLACK_STATE_KEY]

    async def posts(_: web.Request) -> web.Response:
        counts: dict[str, Counter[str]] = {"cards": Counter(), "dms": Counter()}
        for call in state.calls_to("chat.postMessage"):
            if call.ok:
                kind = "dms" if str(call.response.get("channel", "")).startswith("D") else "cards"
                counts[kind].update(set(TITLE.findall(str(call.params.get("text", "")))))
        notices = [post.body.get("text", "") for post in state.response_posts]
        return web.json_response({**counts, "notices": notices})

    async def faults(request: web.Request) -> web.Response:
        body = await request.json()
        if body["status"] == 429:
            state.set_rate_limit(body["method"], times=body["times"], retry_after=1)
        else:
            state.server_errors.set(body["method"], times=body["times"], status=body["status"])
        return web.json_response({"ok": True})

    app.router.add_get("/_bench/posts", posts)
    app.router.add_post("/_bench/faults", faults)
    return app


def counting_emulator(key_path: Path, application_id: str) -> web.Application:
    app = emulator_app(key_path, application_id)

    async def rooms(_: web.Request) -> web.Response:
        made = Counter(room.display_name for room in app[STATE_KEY].rooms.values())
        return web.json_response(made)

    app.router.add_get("/_bench/rooms", rooms)
    return app


async def serve(args: argparse.Namespace) -> None:
    application_id = str(uuid.uuid4())
    if args.role == "emulator":
        app = counting_emulator(args.private_key_path, application_id)
    else:
        app = counting_slack(args.host, args.port, args.users)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, args.host, args.port).start()
    if args.role == "emulator":
        url = f"http://{args.host}:{args.port}{API_PREFIX}"
        print("\n".join(env_lines(url, application_id, args.private_key_path)), flush=True)
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability_servers")
    parser.add_argument("role", choices=["fake-slack", "emulator"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=0)
    parser.add_argument("--private-key-path", type=Path, default=Path("meetings-key.pem"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
