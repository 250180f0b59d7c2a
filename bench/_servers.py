"""The other servers bench/ack.py runs, each in its own process: `python -m bench._servers ROLE`.

- `bare`: an aiohttp handler that verifies the Slack signature and answers 200, nothing else:
  the floor for any Slack app on this machine.
- `bolt-lazy`: Bolt's documented lazy-listener pattern (`process_before_response=False`, the
  default; `ack` answers, `lazy=[...]` does the work after): the listener acks at once and the
  same enqueue meetbot does runs lazily, onto the same Redis queue.
- `fake-slack`: the sandbox's fake Slack Web API, plus a middleware noting when each successful
  chat.postMessage to #general arrived (wall clock), by card title: `GET /_bench/cards`; and
  `GET /_bench/response_url`, one response_url the fake accepts, for the commands to carry;
  `GET /_bench/calls`, how many times each Web API method was called (and "doubled cards":
  how many cards arrived for a title that already had one);
  `--users N` adds the people who send them.
- `emulator`: the Meetings API emulator as `python -m meetbot_sandbox.meetings` runs it (same app,
  same printed env lines), except that the account's cap of 1,000 available rooms is lifted:
  200 commands a second for 20 s create 4,000 instant rooms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import time
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from cryptography.hazmat.primitives import serialization
from meetbot_sandbox.meetings.__main__ import env_lines, load_or_create_key
from meetbot_sandbox.meetings.app import create_emulator_app
from meetbot_sandbox.meetings.keys import API_PREFIX
from meetbot_sandbox.slack.__main__ import demo_state
from meetbot_sandbox.slack.app import create_fake_slack_app
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier

from bench._load import channel_id, team_id, user_id
from bot.domain.clock import utc_now
from bot.domain.inputs import StartMeeting, Workspace
from bot.storage.jobs import Jobs
from bot.storage.queue import make_queue
from bot.storage.redis import connect_redis
from bot.storage.store import Store

CHANNEL = "C0GENERAL"
CARDS_KEY = web.AppKey("bench_cards", dict[str, float])
CALLS_KEY = web.AppKey("bench_calls", dict[str, int])


async def healthz(_: web.Request) -> web.Response:
    return web.Response(text="ok")


def bare_app(secret: str) -> web.Application:
    verifier = SignatureVerifier(secret)

    async def events(request: web.Request) -> web.Response:
        body = await request.text()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return web.Response(status=401)
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/slack/events", events)
    app.router.add_get("/healthz", healthz)
    return app


async def bolt_lazy_app(secret: str, redis_url: str) -> web.Application:
    redis = connect_redis(redis_url)
    queue = make_queue(redis)
    await queue.connect()
    jobs = Jobs(queue, home_viewers=Store.open(redis, clock=utc_now).home_viewers, clock=utc_now)

    async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-0")  # noqa: S106

    bolt = AsyncApp(signing_secret=secret, authorize=authorize)

    async def ack_now(ack: AsyncAck) -> None:
        await ack()

    async def start_meeting(command: dict[str, Any]) -> None:
        await jobs.start_meeting(
            StartMeeting(
                key=command["trigger_id"],
                workspace=Workspace(team_id=command["team_id"]),
                user_id=command["user_id"],
                channel_id=command["channel_id"],
                title=command["text"],
                response_url=command.get("response_url"),
            )
        )

    bolt.command("/meet")(ack=ack_now, lazy=[start_meeting])

    async def disconnect(_: web.Application) -> None:
        await queue.disconnect()

    app = bolt.web_app(path="/slack/events")
    app.router.add_get("/healthz", healthz)
    app.on_cleanup.append(disconnect)
    return app


def fake_slack_app(host: str, port: int, users: int) -> web.Application:
    @web.middleware
    async def note_cards(request: web.Request, handler: Handler) -> web.StreamResponse:
        arrived = time.time()
        if request.path.startswith("/api/"):
            calls = request.app[CALLS_KEY]
            calls[request.path[5:]] = calls.get(request.path[5:], 0) + 1
        response = await handler(request)
        if request.path == "/api/chat.postMessage" and isinstance(response, web.Response):
            # Read the answer, not the request: the handler must be the one to read the body.
            answer = json.loads(response.body) if isinstance(response.body, bytes) else {}
            text = str(answer.get("message", {}).get("text", ""))
            channel = str(answer.get("channel", ""))
            if answer.get("ok") and channel.startswith(("CB", CHANNEL)) and ":" in text:
                title = text.split(":", 1)[0]
                if title in request.app[CARDS_KEY]:  # a card posted twice
                    request.app[CALLS_KEY]["doubled cards"] = (
                        request.app[CALLS_KEY].get("doubled cards", 0) + 1
                    )
                request.app[CARDS_KEY].setdefault(title, arrived)
        return response

    async def cards(request: web.Request) -> web.Response:
        return web.json_response(request.app[CARDS_KEY], dumps=json.dumps)

    state = demo_state(f"http://{host}:{port}")
    for i in range(users):
        # Person i is a member of their own workspace (the commands of bench/_load.py say so).
        state.add_user(user_id(i), f"bench{i}").team_id = team_id(i)
        state.add_channel(channel_id(i), f"bench{i}")
    response_url = state.response_url()

    async def calls(request: web.Request) -> web.Response:
        return web.json_response(request.app[CALLS_KEY], dumps=json.dumps)

    async def get_response_url(_: web.Request) -> web.Response:
        return web.Response(text=response_url)

    app = create_fake_slack_app(state)
    app[CARDS_KEY] = {}
    app[CALLS_KEY] = {}
    app.middlewares.append(note_cards)
    app.router.add_get("/_bench/cards", cards)
    app.router.add_get("/_bench/response_url", get_response_url)
    app.router.add_get("/_bench/calls", calls)
    app.router.add_get("/healthz", healthz)
    return app


def emulator_app(key_path: Path, application_id: str) -> web.Application:
    _, key = load_or_create_key(key_path)
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return create_emulator_app(
        application_id=application_id, public_key_pem=public_pem.decode(), room_cap=10**6
    )


async def serve(args: argparse.Namespace) -> None:
    application_id = str(uuid.uuid4())
    if args.role == "bare":
        app = bare_app(args.secret)
    elif args.role == "bolt-lazy":
        app = await bolt_lazy_app(args.secret, args.redis_url)
    elif args.role == "emulator":
        app = emulator_app(args.private_key_path, application_id)
    else:
        app = fake_slack_app(args.host, args.port, args.users)
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
    parser = argparse.ArgumentParser(prog="python -m bench._servers", description=__doc__)
    parser.add_argument("role", choices=["bare", "bolt-lazy", "fake-slack", "emulator"])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--users", type=int, default=0, help="fake-slack: people UB000000...")
    parser.add_argument("--private-key-path", type=Path, default=Path("meetings-key.pem"))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)  # the fake logs every call at INFO otherwise
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
