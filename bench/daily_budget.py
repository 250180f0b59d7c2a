"""1,000 `/meet` in 10 s on Daily, against the Daily emulator enforcing Daily's published limits.

    .venv/bin/python bench/daily_budget.py                     # both modes, the issue's figures
    .venv/bin/python bench/daily_budget.py --meets 100 --seconds 2 --modes budget   # a quick look

Per mode, all on 127.0.0.1, each in its own process: the Daily emulator (`python -m
meetbot_sandbox.daily --rate-limits`: Daily's REST limits, 20 requests a second or 100 per 5 s
for most endpoints, answered 429 `rate-limit-error` past them), the fake Slack Web API (noting
each card; bench/_servers.py), the web role (`python -m bot --role web`), three worker
processes and the load generator (bench/_load.py, signed slash commands on a fixed schedule).
Redis: one database (default 14), flushed before each mode and after.

Modes:
- `budget`: the bot as shipped, `python -m bot --role worker` x3: tokens self-signed, one REST
  call per /meet, every call taken from the Daily budget shared in Redis.
- `rest-tokens`: the code before issue 15 in the same run: tokens from `POST /meeting-tokens`
  (three calls per /meet) and no budget, only the retry policy (429 with backoff). Its workers
  are this script (`--worker rest-tokens`), built from the same parts.

Printed per mode: REST calls per /meet (goal 1), 429s the bot received (goal 0), rooms lost
(/meet whose meeting never got its room and links: the job gave up; goal 0), and the achieved
room rate as a share of what Daily's limit allows (20 rooms a second at one call each; goal
>= 0.9), from the emulator's own record of when each room was made. A /meet counts as served
once its meeting record in Redis holds the room's links (the card follows at Slack's pace: one
message per second per channel, bot.slack.pacing, so 1,000 cards in one channel take minutes
whatever the provider). The reconcile sweep is slowed to once an hour so that only /meet's
calls are counted. Not part of the test suite; nothing here asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiohttp
import redis

if __package__ in (None, ""):  # `python bench/daily_budget.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._procs import Processes, free_port, wait_ready

SECRET = "bench-signing-secret"  # noqa: S105 - a throwaway secret for local processes
BOT_TOKEN = "xoxb-bench-token"  # noqa: S105 - the fake Slack accepts any xoxb- token
MODES = ("budget", "rest-tokens")
USERS = 1000
DAILY_ROOMS_PER_SECOND = 20.0  # https://docs.daily.co/reference/rest-api, "Rate limits"
Row = dict[str, Any]


async def start_emulator(procs: Processes, name: str) -> dict[str, str]:
    """A fresh Daily emulator with Daily's limits on; its DAILY_* lines."""
    port = free_port()
    await procs.start(f"{name}-daily", "-m", "meetbot_sandbox.daily", "--port", str(port),
                      "--webhook-url", "", "--rate-limits")  # fmt: skip
    out = procs.logs / f"{name}-daily.log"
    for _ in range(200):
        lines = [
            line for line in out.read_text().splitlines() if line.startswith(("ROOM_", "DAILY_"))
        ]
        if len(lines) >= 4:
            return dict(line.split("=", 1) for line in lines[:4])
        await asyncio.sleep(0.1)
    raise RuntimeError(f"Daily emulator did not start; see {out}")


def bot_env(port: int, slack: str, redis_url: str, daily: dict[str, str]) -> dict[str, str]:
    """Only what meetbot reads (nothing inherited but PATH)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": redis_url,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{slack}/api/",
        "RECONCILE_INTERVAL_SECONDS": "3600",
        "LOG_LEVEL": "WARNING",
        **daily,
    }


async def load(procs: Processes, url: str, response_url: str, prefix: str,
               rate: float, seconds: float) -> list[Any]:  # fmt: skip
    out = procs.logs / f"{prefix}.json"
    proc = await procs.start(f"load-{prefix}", "-m", "bench._load", "--url", url,
                             "--secret", SECRET, "--prefix", prefix, "--response-url", response_url,
                             "--users", str(USERS), "--rate", str(rate),
                             "--seconds", str(seconds), "--out", str(out))  # fmt: skip
    await proc.wait()
    await procs.stop(proc)
    if not out.exists():
        raise RuntimeError(f"load generator failed; see {procs.logs}/load-{prefix}.log")
    return list(json.loads(out.read_text())["results"])


def served(flush: redis.Redis, prefix: str) -> dict[str, float]:
    """Titles (of this run) whose meeting holds its room's links, with the record's creation."""
    found: dict[str, float] = {}
    keys = list(flush.scan_iter(match="meetbot:meeting:*", count=1000))
    for raw in flush.mget(keys) if keys else []:
        if not raw:
            continue
        meeting = json.loads(raw)
        if str(meeting.get("title", "")).startswith(prefix) and meeting.get("host_url"):
            found[meeting["title"]] = time.time()
    return found


async def wait_served(flush: redis.Redis, prefix: str, sent: int, *, patience: float,
                      deadline: float) -> int:  # fmt: skip
    """How many /meet of the run got their room: until all, none new for `patience` s, or
    `deadline` (monotonic)."""
    count, last_progress = 0, time.monotonic()
    while True:
        now_served = len(served(flush, prefix))
        if now_served > count:
            count, last_progress = now_served, time.monotonic()
        now = time.monotonic()
        if count == sent or now - last_progress > patience or now > deadline:
            return count
        await asyncio.sleep(0.5)


async def stats(http: aiohttp.ClientSession, daily: dict[str, str]) -> dict[str, Any]:
    root = daily["DAILY_API_URL"].rsplit("/v1", 1)[0]
    async with http.get(f"{root}/_control/stats") as response:
        return dict(await response.json())


async def run_mode(mode: str, procs: Processes, args: argparse.Namespace) -> Row:
    flush = redis.Redis.from_url(args.redis_url)
    daily = await start_emulator(procs, mode)
    slack = f"http://127.0.0.1:{free_port()}"
    await procs.start(f"{mode}-fake-slack", "-m", "bench._servers", "fake-slack",
                      "--port", slack.rsplit(":", 1)[1], "--users", str(USERS))  # fmt: skip
    port = free_port()
    env = bot_env(port, slack, args.redis_url, daily)
    await procs.start(f"{mode}-web", "-m", "bot", "--role", "web", env=env)
    for n in range(args.workers):
        if mode == "budget":
            await procs.start(f"{mode}-worker-{n}", "-m", "bot", "--role", "worker", env=env)
        else:
            await procs.start(f"{mode}-worker-{n}", "-m", "bench.daily_budget", "--worker",
                              "rest-tokens", env=env)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        await wait_ready(http, f"{slack}/healthz")
        await wait_ready(http, f"{base}/healthz")
        async with http.get(f"{slack}/_bench/response_url") as response:
            response_url = await response.text()
        url = f"{base}/slack/events"
        # Warm-up: the workers are up and the domain id is known once these are served; then
        # Daily's windows (at most 30 s) drain before the run.
        warm = f"warm-{mode}"
        await load(procs, url, response_url, warm, args.workers, 1)
        await wait_served(flush, warm, args.workers, patience=30, deadline=time.monotonic() + 60)
        await asyncio.sleep(args.drain)
        before = await stats(http, daily)
        started = time.time()
        run = f"run-{mode}"
        results = await load(procs, url, response_url, run, args.meets / args.seconds,
                             args.seconds)  # fmt: skip
        got = await wait_served(flush, run, len(results), patience=args.patience,
                                deadline=time.monotonic() + args.deadline)  # fmt: skip
        finished = time.time()
        after = await stats(http, daily)
    await procs.stop()
    flush.close()
    return summarize(mode, results, got, before, after, started, finished)


def summarize(mode: str, results: list[Any], got: int, before: dict[str, Any],
              after: dict[str, Any], started: float, finished: float) -> Row:  # fmt: skip
    sent = len(results)
    calls = {
        route: count - before["requests"].get(route, 0)
        for route, count in after["requests"].items()
        if count - before["requests"].get(route, 0)
    }
    made = [at for at in after["rooms_created_at"] if at >= started]
    span = made[-1] - made[0] if len(made) > 1 else float("nan")
    room_rate = (len(made) - 1) / span if len(made) > 1 else float("nan")
    return {
        "mode": mode,
        "sent": sent,
        "acked": sum(1 for r in results if r["status"] == 200),
        "calls": calls,
        "calls_per_meet": sum(calls.values()) / sent,
        "rate_limited": (limited := after["rate_limited"] - before["rate_limited"]),
        "sent_per_meet": (sum(calls.values()) + limited) / sent,
        "rooms": len(made),
        "lost": sent - got,
        "room_rate": room_rate,
        "share": room_rate / DAILY_ROOMS_PER_SECOND,
        "last_room": (made[-1] - started) if made else float("nan"),
        "waited": finished - started,
    }


def report(rows: list[Row], args: argparse.Namespace) -> str:
    lines = [
        f"`{' '.join(['bench/daily_budget.py', *sys.argv[1:]])}`: {args.meets} /meet in "
        f"{args.seconds:g} s, {args.workers} worker processes + 1 web, Daily emulator with "
        f"Daily's REST limits; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
        "",
        "| mode | /meet sent | acked | REST calls per /meet (with 429s) | 429s received | rooms lost "
        "| rooms made | room rate (/s) | share of Daily's limit | last room after (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells = [r["mode"], r["sent"], r["acked"],
                 f"{r['calls_per_meet']:.2f} ({r['sent_per_meet']:.2f})",
                 r["rate_limited"], r["lost"], r["rooms"], f"{r['room_rate']:.1f}",
                 f"{r['share']:.2f}", f"{r['last_room']:.1f}"]  # fmt: skip
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines.append("")
    for r in rows:
        calls = ", ".join(f"{route} {n}" for route, n in sorted(r["calls"].items()))
        lines.append(f"- {r['mode']}: calls answered {calls}; waited {r['waited']:.0f} s")
    goals = {r["mode"]: r for r in rows}
    if "budget" in goals:
        r = goals["budget"]
        met = [
            ("1 call per /meet", round(r["calls_per_meet"], 2) <= 1.0),
            ("0 429s", r["rate_limited"] == 0),
            ("0 rooms lost", r["lost"] == 0),
            ("room rate >= 0.9 of the limit", r["share"] >= 0.9),
        ]
        lines.append("- goals (budget): " + "; ".join(f"{g} {'met' if ok else 'MISSED'}"
                                                    for g, ok in met))  # fmt: skip
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    flush = redis.Redis.from_url(args.redis_url)
    flush.flushdb()
    with tempfile.TemporaryDirectory(prefix="bench-daily-budget-") as tmp:
        procs = Processes(Path(args.logs) if args.logs else Path(tmp))
        procs.logs.mkdir(parents=True, exist_ok=True)
        try:
            rows = []
            for mode in args.modes:
                rows.append(await run_mode(mode, procs, args))
                flush.flushdb()
                print(f"{mode}: done", file=sys.stderr, flush=True)
            print(report(rows, args))
        finally:
            await procs.stop()
            flush.flushdb()
            flush.close()


async def rest_tokens_worker() -> None:
    """`--worker rest-tokens`: the worker role as before issue 15 (tokens over REST, no budget)."""
    from bot.app import build
    from bot.config import Settings
    from bot.domain.clock import utc_now
    from bot.providers.daily.client import DailyClient
    from bot.providers.daily.provider import DailyProvider
    from bot.run import run_until_stopped
    from bot.storage.jobs import CONCURRENCY

    settings = Settings.from_env(os.environ)
    assert settings.daily_api_key is not None
    http = aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=30),
        connector=aiohttp.TCPConnector(limit=CONCURRENCY + 64),
    )
    client = DailyClient(http, base_url=settings.daily_api_url, api_key=settings.daily_api_key)
    provider = DailyProvider(
        client, name_key=settings.daily_api_key.encode(), clock=utc_now, self_sign=False
    )
    components = await build(settings, http=http, provider=provider)
    await run_until_stopped(components, web_app=None, worker=True, host="127.0.0.1")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--meets", type=int, default=1000, help="/meet commands (1000)")
    parser.add_argument("--seconds", type=float, default=10, help="over this long (10)")
    parser.add_argument("--workers", type=int, default=3, help="worker processes (3)")
    parser.add_argument("--patience", type=float, default=120,
                        help="stop waiting after this long with no /meet served (120)")  # fmt: skip
    parser.add_argument("--deadline", type=float, default=900,
                        help="stop waiting this long after the load (900)")  # fmt: skip
    parser.add_argument("--drain", type=float, default=31,
                        help="seconds between warm-up and run, for Daily's windows (31)")  # fmt: skip
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                        help="a Redis DB this benchmark may flush (not 0; 15 is the tests')")  # fmt: skip
    parser.add_argument("--modes", type=lambda s: s.split(","), default=list(MODES),
                        help="comma-separated subset of " + ",".join(MODES))  # fmt: skip
    parser.add_argument("--logs", default=None, help="keep process logs in this directory")
    parser.add_argument("--worker", choices=["rest-tokens"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        from bot.logs import configure
        from bot.run import run_loop

        configure("WARNING")
        run_loop(rest_tokens_worker())
        return
    db = int(urlparse(args.redis_url).path.strip("/") or 0)
    if db in (0, 15):
        parser.error("--redis-url: use a database of its own (not 0, not the tests' 15)")
    if unknown := set(args.modes) - set(MODES):
        parser.error(f"--modes: unknown {sorted(unknown)}")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
