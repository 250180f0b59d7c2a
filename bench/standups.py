"""10,000 standups due in the same second, 3 worker processes: how late does each fire, and does
any fire twice or never?

Each worker process runs what `python -m bot --role worker` runs for standups: the real
`StandupScheduler` (claim, enqueue `fire_standup`, advance) and a saq worker. Only the job body
differs: instead of posting a card, it takes the occurrence's fired key (the real guard) and
records when it started. "Fire delay" is that start time minus the due time. Baseline: three
processes popping the same 10,000 members off a bare Redis sorted set (ZPOPMIN, same 0.2 s
look interval), i.e. what any Redis-based scheduler pays before doing anything.

    python bench/standups.py [--schedules 10000] [--workers 3] [--redis-url redis://.../12]

Flushes the Redis DB it is given.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis.asyncio as aioredis

if __package__ in (None, ""):  # `python bench/standups.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._procs import Processes, pct
from bot.app import connect_redis, utc_now
from bot.jobs import CONCURRENCY, Jobs, make_worker
from bot.queue import make_queue
from bot.standup_scheduler import TICK, StandupScheduler
from bot.standup_store import Schedule, StandupStore
from bot.store import Store

RESULTS = "bench:standups:fired"
BARE_DUE = "bench:standups:bare"
LEAD = 6.0  # seconds between seeding and the due time: every process is up by then


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


async def worker(redis_url: str) -> None:
    redis = connect_redis(redis_url, max_connections=CONCURRENCY + 64)
    queue = make_queue(connect_redis(redis_url, max_connections=CONCURRENCY + 64))
    await queue.connect()
    standups = StandupStore(redis)
    jobs = Jobs(queue, store=Store(redis, clock=utc_now), clock=utc_now)

    async def fire_standup(
        ctx: dict[str, Any], *, schedule_id: str, due: int, late_seconds: float = 0.0
    ) -> None:
        started = time.time()
        job = ctx["job"]
        first = await standups.mark_fired(schedule_id, due, f"{job.key}:{job.queued}")
        await redis.rpush(RESULTS, f"{schedule_id} {due} {started:.6f} {int(first)}")

    saq_worker = make_worker(queue, {"fire_standup": fire_standup}, shutdown_grace=0)
    scheduler = StandupScheduler(standups, jobs, utc_now)
    await _until_stopped(
        asyncio.create_task(saq_worker.start()), asyncio.create_task(scheduler.run_forever())
    )


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
                owner_id=f"U{i:05d}",
                channel_id=f"C{i % 100:03d}",
                title=f"Standup {i}",
                rule=rule,
                description="every day",
                tz="UTC",
                dtstart=due.replace(hour=0, minute=0, second=0, tzinfo=None),
            )
            await store.create(schedule, due)
    await redis.aclose()


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
    duplicates = duplicate_jobs = 0
    for schedule_id, due_at, at, took in rows:
        if took == "1":
            if schedule_id in first:
                duplicates += 1
            first[schedule_id] = float(at) - float(due_at)
        else:
            duplicate_jobs += 1
    delays = sorted(first.values())
    return {
        "variant": name,
        "fired": len(first),
        "duplicates": duplicates,
        "duplicate_jobs_stopped": duplicate_jobs,
        "misses": args.schedules - len(first),
        "p50": pct(delays, 50),
        "p99": pct(delays, 99),
        "max": delays[-1] if delays else float("nan"),
    }


async def main_async(args: argparse.Namespace) -> None:
    procs = Processes(Path(args.logs))
    try:
        ours = await run_variant("meetbot", args, procs)
        base = await run_variant("bare", args, procs)
    finally:
        await procs.stop()
    print(
        f"{args.schedules} schedules due in the same second, {args.workers} worker processes\n"
        "| variant | fired | duplicates | misses | p50 | p99 | max |\n|---|---|---|---|---|---|---|"
    )
    for row in (ours, base):
        print(
            f"| {row['variant']} | {row['fired']} | {row['duplicates']} | {row['misses']} |"
            f" {row['p50'] * 1000:.0f} ms | {row['p99'] * 1000:.0f} ms | {row['max'] * 1000:.0f} ms |"
        )
    print(f"duplicate jobs stopped by the fired key: {ours['duplicate_jobs_stopped']}")
    if base["p99"] > 0:
        print(f"p99 ratio meetbot / bare ZPOPMIN: {ours['p99'] / base['p99']:.1f}x")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("worker", "bare"):
        role, redis_url, due = argv[0], argv[1], float(argv[2])
        asyncio.run(worker(redis_url) if role == "worker" else bare(redis_url, due))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--logs", default=tempfile.mkdtemp(prefix="meetbot-bench-standups-"))
    asyncio.run(main_async(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
