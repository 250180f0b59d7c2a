"""10,000 standups due in the same second, 3 worker processes: how late does each start, how
late is its card, and does any fire twice or never?

Three variants, each on a flushed Redis DB:

- `meetbot`: each process runs the real `StandupScheduler` (batched atomic claims that also
  mark each occurrence fired, leases, batched settles) with a bench `Firer` that notes when
  the occurrence's work began. **Fire delay = that start - due**: the occurrence is claimed,
  marked and its work has begun. The 1 s goal applies to this figure. Duplicates: an
  occurrence whose work began twice.
- `cards`: three real `python -m bot --role worker` processes against the Meetings emulator and
  a fake Slack (bench/_servers.py's, plus a middleware noting each card's arrival): each
  occurrence creates its long-term room, posts its card and DMs the host link. **Card delay
  = card arrival at the fake Slack - due**; duplicates are second cards for a schedule.
- `bare`: three processes ZPOPMIN-ing the same members off one sorted set (0.2 s look
  interval): what any Redis-based scheduler pays before doing anything.

    python bench/standups.py [--schedules 10000] [--workers 3] [--redis-url redis://.../12]
        [--variants meetbot,bare,cards]

Flushes the Redis DB it is given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from aiohttp.typedefs import Handler

if __package__ in (None, ""):  # `python bench/standups.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from meetbot_sandbox.slack.__main__ import demo_state
from meetbot_sandbox.slack.app import create_fake_slack_app

from bench._procs import Processes, free_port, pct, wait_ready
from bench.ack import bot_env
from bot.domain.clock import utc_now
from bot.standups.scheduler import TICK, StandupScheduler
from bot.standups.store import Claimed, Schedule, StandupStore
from bot.storage.redis import connect_redis

RESULTS = "bench:standups:fired"
BARE_DUE = "bench:standups:bare"
LEAD = 6.0  # seconds between seeding and the due time: every process is up by then
CHANNEL = "C0GENERAL"
OWNER = "U0ALICE"  # in the fake Slack's demo workspace
CARDS_KEY = web.AppKey("bench_cards", dict[str, list[float]])
CARD_TITLE = re.compile(r"Card (s\d{5})")


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def _until_stopped(*tasks: asyncio.Task[Any]) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for task in tasks:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


class BenchFirer:
    """The bench's occurrence: a note of when its work began (the claim has already marked it
    fired, atomically), sent to Redis in bulk so the measuring does not cost a round trip each."""

    def __init__(self) -> None:
        self.rows: list[str] = []

    async def fire(self, claim: Claimed, late_seconds: float) -> str:
        self.rows.append(f"{claim.schedule_id} {claim.due} {time.time():.6f} {claim.attempt}")
        return "noted"

    async def give_up(self, claim: Claimed, exc: BaseException) -> None:
        print(f"gave up {claim.schedule_id}: {exc!r}", flush=True)

    async def send_forever(self, redis: aioredis.Redis) -> None:
        while True:
            await asyncio.sleep(0.2)
            rows, self.rows = self.rows, []
            if rows:
                await redis.rpush(RESULTS, *rows)


async def worker(redis_url: str) -> None:
    redis = connect_redis(redis_url, max_connections=320)
    firer = BenchFirer()
    scheduler = StandupScheduler(StandupStore(redis), firer, utc_now)
    await _until_stopped(
        asyncio.create_task(scheduler.run_forever()), asyncio.create_task(firer.send_forever(redis))
    )
    print(scheduler.stats, flush=True)


async def bare(redis_url: str, due: float) -> None:
    """The baseline: pop due members off one sorted set, 500 at a time, record when."""
    redis = aioredis.Redis.from_url(redis_url)

    async def loop() -> None:
        while True:
            if time.time() >= due:
                popped = await redis.zpopmin(BARE_DUE, 500)
                if popped:
                    now = time.time()
                    names = [_text(pair[0]) for pair in popped]
                    await redis.rpush(RESULTS, *(f"{name} {due} {now:.6f} 1" for name in names))
                    continue
            await asyncio.sleep(TICK)

    await _until_stopped(asyncio.create_task(loop()))


def fake_slack(port: int) -> None:
    """The sandbox's fake Slack, noting when each standup card arrived and how many came."""

    @web.middleware
    async def note_cards(request: web.Request, handler: Handler) -> web.StreamResponse:
        arrived = time.time()
        response = await handler(request)
        if request.path == "/api/chat.postMessage" and isinstance(response, web.Response):
            answer = json.loads(response.body) if isinstance(response.body, bytes) else {}
            found = CARD_TITLE.search(str(answer.get("message", {}).get("text", "")))
            if answer.get("ok") and answer.get("channel") == CHANNEL and found:
                request.app[CARDS_KEY].setdefault(found.group(1), []).append(arrived)
        return response

    async def cards(request: web.Request) -> web.Response:
        return web.json_response(request.app[CARDS_KEY])

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = create_fake_slack_app(demo_state(f"http://127.0.0.1:{port}"))
    app[CARDS_KEY] = {}
    app.middlewares.append(note_cards)
    app.router.add_get("/_bench/cards", cards)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


async def seed(redis_url: str, count: int, due: datetime, *, bare_set: bool) -> None:
    redis = aioredis.Redis.from_url(redis_url)
    await redis.flushdb()
    if bare_set:
        await redis.zadd(BARE_DUE, {f"s{i:05d}": due.timestamp() for i in range(count)})
    else:
        store = StandupStore(redis)
        rule = f"FREQ=DAILY;BYHOUR={due.hour};BYMINUTE={due.minute};BYSECOND={due.second}"
        for i in range(count):
            schedule = Schedule(
                id=f"s{i:05d}",
                key=f"bench-{i}",
                team_id="T0BENCH",
                owner_id=OWNER,
                channel_id=CHANNEL,
                title=f"Card s{i:05d}",
                rule=rule,
                description="every day",
                tz="UTC",
                dtstart=due.replace(hour=0, minute=0, second=0, tzinfo=None),
            )
            await store.create(schedule, due)
    await redis.aclose()


def summary(name: str, count: int, first: dict[str, float], **extra: int) -> dict[str, Any]:
    delays = sorted(first.values())
    return {
        "variant": name,
        "fired": len(first),
        "misses": count - len(first),
        "p50": pct(delays, 50),
        "p99": pct(delays, 99),
        "max": delays[-1] if delays else float("nan"),
        "duplicates": 0,
        **extra,
    }


async def run_variant(name: str, args: argparse.Namespace, procs: Processes) -> dict[str, Any]:
    due = datetime.fromtimestamp(int(time.time() + LEAD + (10 if name == "meetbot" else 1)), UTC)
    await seed(args.redis_url, args.schedules, due, bare_set=name == "bare")
    role = "worker" if name == "meetbot" else "bare"
    started = [
        await procs.start(
            f"{name}-{i}", "bench/standups.py", role, args.redis_url, str(due.timestamp())
        )
        for i in range(args.workers)
    ]
    redis = aioredis.Redis.from_url(args.redis_url)
    deadline = due.timestamp() + 60
    # Polling a list other processes fill: there is nothing in this process to wait on.
    while await redis.llen(RESULTS) < args.schedules and time.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.5)
    await asyncio.sleep(2)  # let any late duplicate show up
    await procs.stop(*started)
    rows = [_text(r).split() for r in await redis.lrange(RESULTS, 0, -1)]
    await redis.aclose()
    first: dict[str, float] = {}
    duplicates = 0
    for schedule_id, due_at, at, _ in rows:
        if schedule_id in first:
            duplicates += 1  # its work began a second time
        else:
            first[schedule_id] = float(at) - float(due_at)
    return summary(name, args.schedules, first, duplicates=duplicates)


async def run_cards(args: argparse.Namespace, procs: Processes) -> dict[str, Any]:
    """The real worker role posting real cards to the fake Slack, rooms from the emulator."""
    key = procs.logs / "cards-meetings-key.pem"
    emulator = await procs.start("cards-emulator", "-m", "bench._servers", "emulator",
                                 "--port", str(free_port()), "--private-key-path", str(key))  # fmt: skip
    slack_port = free_port()
    slack = f"http://127.0.0.1:{slack_port}"
    fake = await procs.start("cards-fake-slack", "bench/standups.py", "fake-slack", str(slack_port))
    out = procs.logs / "cards-emulator.log"
    for _ in range(200):
        lines = [line for line in out.read_text().splitlines() if "=" in line]
        if len(lines) >= 3:
            break
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError(f"emulator did not start; see {out}")
    meetings = dict(line.split("=", 1) for line in lines[:3])
    async with aiohttp.ClientSession() as http:
        await wait_ready(http, f"{slack}/healthz")
        due = datetime.fromtimestamp(int(time.time() + LEAD + 10), UTC)
        await seed(args.redis_url, args.schedules, due, bare_set=False)
        workers = [
            await procs.start(
                f"cards-worker-{i}",
                "-m",
                "bot",
                "--role",
                "worker",
                env=bot_env(free_port(), slack, args.redis_url, meetings),
            )
            for i in range(args.workers)
        ]
        arrived: dict[str, list[float]] = {}
        last_progress = time.time()
        # Wait while cards keep coming (a minute without one ends it), at most 10 minutes.
        while time.time() < due.timestamp() + 600:
            await asyncio.sleep(2)
            async with http.get(f"{slack}/_bench/cards") as response:
                now_arrived: dict[str, list[float]] = await response.json()
            if len(now_arrived) > len(arrived):
                last_progress = time.time()
            arrived = now_arrived
            if len(arrived) >= args.schedules or time.time() - last_progress > 60:
                break
        await asyncio.sleep(5)  # let any late duplicate show up
        async with http.get(f"{slack}/_bench/cards") as response:
            arrived = await response.json()
    await procs.stop(*workers, fake, emulator)
    first = {sid: min(times) - due.timestamp() for sid, times in arrived.items()}
    duplicates = sum(len(times) - 1 for times in arrived.values())
    return summary("cards", args.schedules, first, duplicates=duplicates)


async def main_async(args: argparse.Namespace) -> None:
    procs = Processes(Path(args.logs))
    rows: list[dict[str, Any]] = []
    try:
        for variant in args.variants.split(","):
            if variant == "cards":
                rows.append(await run_cards(args, procs))
            else:
                rows.append(await run_variant(variant, args, procs))
    finally:
        await procs.stop()
    print(
        f"{args.schedules} schedules due in the same second, {args.workers} worker processes"
        f" (logs: {args.logs})\n"
        "| variant | measured | fired | duplicates | misses | p50 | p99 | max |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    measured = {"meetbot": "work begun", "bare": "popped", "cards": "card posted"}
    for row in rows:
        print(
            f"| {row['variant']} | {measured[row['variant']]} | {row['fired']} |"
            f" {row['duplicates']} | {row['misses']} | {row['p50'] * 1000:.0f} ms |"
            f" {row['p99'] * 1000:.0f} ms | {row['max'] * 1000:.0f} ms |"
        )
    by_name = {row["variant"]: row for row in rows}
    if "meetbot" in by_name and "bare" in by_name and by_name["bare"]["p99"] > 0:
        ratio = by_name["meetbot"]["p99"] / by_name["bare"]["p99"]
        print(f"p99 ratio meetbot / bare ZPOPMIN: {ratio:.1f}x")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("worker", "bare"):
        role, redis_url, due = argv[0], argv[1], float(argv[2])
        asyncio.run(worker(redis_url) if role == "worker" else bare(redis_url, due))
        return
    if argv and argv[0] == "fake-slack":
        fake_slack(int(argv[1]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--variants", default="meetbot,bare,cards")
    parser.add_argument("--logs", default=tempfile.mkdtemp(prefix="meetbot-bench-standups-"))
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
