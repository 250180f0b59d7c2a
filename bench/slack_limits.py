"""300 standups of one workspace due at the same minute in 30 channels, against a fake Slack
that enforces Slack's published rate limits: does every card get posted, once, without
collecting 429s, and how close to the fastest the limits allow is the last card?

Processes, all on 127.0.0.1: the Meetings emulator (bench/_servers.py), the sandbox's fake
Slack with its tier limits on (`state.tiers.enforce()`, meetbot_sandbox.slack.rate_limits)
plus a middleware noting when each card arrived and every 429 it answered, and `--workers`
real `python -m bot --role worker` processes sharing one Redis DB (flushed before and after).
Each of the 30 channels has 10 standups, owned by its own lead (30 owners), so each occurrence
posts its card in its channel and DMs its owner the host link, as in production.

The figure is the ratio of the time from the due second to the last card over the minimum the
fake's limits allow for the burst of cards: the tightest bucket's `(cards - burst) * interval`
(the workspace's 300 posts a minute with a burst of 31, next to each channel's 1 per second
with a burst of 2). Goal (issue 14): <= 1.2x, 300 cards, none twice.

    .venv/bin/python bench/slack_limits.py [--workers 2] [--redis-url redis://127.0.0.1:6379/14]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import re
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from aiohttp.typedefs import Handler

if __package__ in (None, ""):  # `python bench/slack_limits.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from meetbot_sandbox.slack.app import STATE_KEY, create_fake_slack_app
from meetbot_sandbox.slack.rate_limits import POST_PER_CHANNEL, POST_PER_WORKSPACE
from meetbot_sandbox.slack.state import FakeSlackState

from bench._procs import Processes, free_port, pct, wait_ready
from bench.ack import bot_env
from bot.standups.store import Schedule, StandupStore

CHANNELS = 30
PER_CHANNEL = 10
LEAD = 12.0  # seconds between seeding and the due second: every worker is up by then
TEAM = "T0FAKE001"  # the fake's default workspace: the bench token's
CARD_TITLE = re.compile(r"Standup (s\d{3})")
NOTES = web.AppKey("bench_notes", dict[str, Any])


def channel(n: int) -> str:
    return f"C0CH{n:02d}"


def owner(n: int) -> str:
    return f"U0LEAD{n:02d}"


def fake_slack(port: int) -> None:
    """The fake Slack with Slack's limits on, noting card arrivals and 429s."""
    state = FakeSlackState()
    state.base_url = f"http://127.0.0.1:{port}"
    for n in range(CHANNELS):
        state.add_channel(channel(n), f"team-{n:02d}")
        state.add_user(owner(n), f"lead{n:02d}", "UTC")
    state.tiers.enforce()

    @web.middleware
    async def note(request: web.Request, handler: Handler) -> web.StreamResponse:
        arrived = time.time()
        response = await handler(request)
        notes = request.app[NOTES]
        method = request.path.removeprefix("/api/")
        if response.status == 429:
            notes["limited"][method] = notes["limited"].get(method, 0) + 1
        elif method == "chat.postMessage" and isinstance(response, web.Response):
            answer = json.loads(response.body) if isinstance(response.body, bytes) else {}
            text = str(answer.get("message", {}).get("text", ""))
            found = CARD_TITLE.search(text)
            if answer.get("ok") and str(answer.get("channel", "")).startswith("C0CH") and found:
                notes["cards"].setdefault(found.group(1), []).append(arrived)
            elif answer.get("ok") and str(answer.get("channel", "")).startswith("D"):
                notes["dms"].append(arrived)
        return response

    async def stats(request: web.Request) -> web.Response:
        notes: dict[str, Any] = request.app[NOTES]
        body = {**notes, "refused": state.tiers.refused}
        return web.json_response(body)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = create_fake_slack_app(state)
    assert app[STATE_KEY] is state
    notes: dict[str, Any] = {"cards": {}, "dms": [], "limited": {}}
    app[NOTES] = notes
    app.middlewares.append(note)
    app.router.add_get("/_bench/stats", stats)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def seed(redis_url: str, due: datetime) -> None:
    redis = aioredis.Redis.from_url(redis_url)
    await redis.flushdb()
    store = StandupStore(redis)
    rule = f"FREQ=DAILY;BYHOUR={due.hour};BYMINUTE={due.minute};BYSECOND={due.second}"
    for n in range(CHANNELS * PER_CHANNEL):
        lead = n % CHANNELS
        schedule = Schedule(
            id=f"s{n:03d}",
            key=f"bench-{n}",
            team_id=TEAM,
            owner_id=owner(lead),
            channel_id=channel(lead),
            title=f"Standup s{n:03d}",
            rule=rule,
            description="every day",
            tz="UTC",
            dtstart=due.replace(hour=0, minute=0, second=0, tzinfo=None),
        )
        assert await store.create(schedule, due)
    await redis.aclose()


def minimum_seconds(cards: int) -> float:
    """The earliest the last of `cards` cards can go after the first, by the fake's limits."""
    per_channel = math.ceil(cards / CHANNELS)
    return max(
        (cards - POST_PER_WORKSPACE.burst) * POST_PER_WORKSPACE.interval,
        (per_channel - POST_PER_CHANNEL.burst) * POST_PER_CHANNEL.interval,
    )


async def emulator_env(procs: Processes) -> dict[str, str]:
    key = procs.logs / "meetings-key.pem"
    await procs.start("emulator", "-m", "bench._servers", "emulator",
                      "--port", str(free_port()), "--private-key-path", str(key))  # fmt: skip
    out = procs.logs / "emulator.log"
    for _ in range(200):
        lines = [line for line in out.read_text().splitlines() if "=" in line]
        if len(lines) >= 3:
            return dict(line.split("=", 1) for line in lines[:3])
        await asyncio.sleep(0.1)
    raise RuntimeError(f"emulator did not start; see {out}")


async def start_worker(
    procs: Processes, name: str, env: dict[str, str], bot_root: str | None
) -> None:
    """`python -m bot --role worker`, from this checkout or (`--bot-root`, to compare) another
    one: `-m` finds `bot` in the working directory first."""
    if bot_root is None:
        await procs.start(name, "-m", "bot", "--role", "worker", env=env)
        return
    with (procs.logs / f"{name}.log").open("wb") as sink:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--role", "worker",
            cwd=bot_root, env=env, stdout=sink, stderr=sink,
        )  # fmt: skip
    procs.running.append(proc)


async def run(args: argparse.Namespace, procs: Processes) -> dict[str, Any]:
    meetings = await emulator_env(procs)
    slack_port = free_port()
    slack = f"http://127.0.0.1:{slack_port}"
    await procs.start("fake-slack", "bench/slack_limits.py", "fake-slack", str(slack_port))
    total = CHANNELS * PER_CHANNEL
    async with aiohttp.ClientSession() as http:
        await wait_ready(http, f"{slack}/healthz")
        due = datetime.fromtimestamp(int(time.time() + LEAD), UTC)
        await seed(args.redis_url, due)
        for i in range(args.workers):
            env = bot_env(free_port(), slack, args.redis_url, meetings)
            await start_worker(procs, f"worker-{i}", env, args.bot_root)
        notes: dict[str, Any] = {}
        deadline = due.timestamp() + args.timeout
        while time.time() < deadline:
            await asyncio.sleep(1)
            async with http.get(f"{slack}/_bench/stats") as response:
                notes = await response.json()
            if len(notes["cards"]) >= total and len(notes["dms"]) >= total:
                break
        await asyncio.sleep(3)  # let any late duplicate show up
        async with http.get(f"{slack}/_bench/stats") as response:
            notes = await response.json()
    redis = aioredis.Redis.from_url(args.redis_url)
    await redis.flushdb()
    await redis.aclose()
    first = {sid: min(times) - due.timestamp() for sid, times in notes["cards"].items()}
    delays = sorted(first.values())
    last = delays[-1] if delays else math.nan
    minimum = minimum_seconds(total)
    return {
        "cards": len(first),
        "doubled": sum(len(t) - 1 for t in notes["cards"].values()),
        "dms": len(notes["dms"]),
        "limited": notes["limited"],
        "refused": notes["refused"],
        "first": delays[0] if delays else math.nan,
        "p50": pct(delays, 50),
        "last": last,
        "last_dm": max(notes["dms"], default=math.nan) - due.timestamp(),
        "minimum": minimum,
        "ratio": last / minimum,
    }


async def main_async(args: argparse.Namespace) -> None:
    procs = Processes(Path(args.logs))
    try:
        row = await run(args, procs)
    finally:
        await procs.stop()
    limited = sum(Counter(row["limited"]).values())
    print(
        f"{CHANNELS * PER_CHANNEL} standups due in the same second, {CHANNELS} channels,"
        f" {args.workers} worker processes, Slack's limits enforced (logs: {args.logs})\n"
        "| cards posted | doubled | host DMs | 429s received | first card | p50 card |"
        " last card | minimum the limits allow | ratio | last DM |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
        f"| {row['cards']} | {row['doubled']} | {row['dms']} | {limited} |"
        f" {row['first']:.2f} s | {row['p50']:.2f} s | {row['last']:.2f} s |"
        f" {row['minimum']:.2f} s | {row['ratio']:.2f}x | {row['last_dm']:.2f} s |"
    )
    if limited:
        print(f"429s by method: {row['limited']}")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "fake-slack":
        fake_slack(int(argv[1]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--bot-root", help="run the workers from this checkout (a before/after)")
    parser.add_argument("--logs", default=tempfile.mkdtemp(prefix="meetbot-bench-slack-limits-"))
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
