"""Slack ack latency of `/meet` under open-loop load, next to two baselines measured in the same run.

    .venv/bin/python bench/ack.py                 # 200 /meet per second for 20 s (the issue's figures)
    .venv/bin/python bench/ack.py --rate 50 --seconds 3 --variants meetbot   # a quick look

Processes, all on 127.0.0.1: the Meetings emulator (POST /rooms delayed by --delay-ms through its
fault API), the fake Slack Web API (noting when each card arrives), and per variant a server and
a separate load-generator process (bench/_load.py) that sends signed slash commands on a fixed
schedule. Variants: `bare` (aiohttp handler that only verifies the signature), `bolt-lazy`
(Bolt's lazy-listener pattern doing the same enqueue), `meetbot` (`python -m bot`, web and
worker in one process). For meetbot, command→card is card arrival at the fake minus send time,
matched by each command's unique title. Redis: one database (default 14), flushed before and
after. Prints a Markdown table; goals: ack p99 ≤ 10 ms, card p50 within 15 ms of the delay.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiohttp
import redis

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"  # noqa: S105 - a throwaway secret for local processes
BOT_TOKEN = "xoxb-bench-token"  # noqa: S105 - the fake Slack accepts any xoxb- token
VARIANTS = ("bare", "bolt-lazy", "meetbot")


class Processes:
    """Child processes with their output in files; all are terminated on the way out."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[asyncio.subprocess.Process] = []

    async def start(
        self, name: str, *args: str, env: dict[str, str] | None = None
    ) -> asyncio.subprocess.Process:
        with (self.logs / f"{name}.log").open("wb") as sink:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, *args, cwd=ROOT, env=env, stdout=sink, stderr=sink
            )
        self.running.append(proc)
        return proc

    async def stop(self, proc: asyncio.subprocess.Process | None = None) -> None:
        for each in [proc] if proc is not None else list(reversed(self.running)):
            if each is None or each not in self.running:
                continue
            self.running.remove(each)
            if each.returncode is None:
                each.terminate()
                try:
                    await asyncio.wait_for(each.wait(), 10)
                except TimeoutError:
                    each.kill()
                    await each.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(http: aiohttp.ClientSession, url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not ready after {seconds:.0f} s")
        await asyncio.sleep(0.1)


async def start_emulator(procs: Processes, delay_ms: int) -> dict[str, str]:
    """The emulator's env lines (MEETINGS_API_URL, ...), once it serves, with the delay set."""
    key = procs.logs / "meetings-key.pem"
    await procs.start("emulator", "-m", "bot.sandbox.meetings", "--port", "0",
                      "--private-key-path", str(key))  # fmt: skip
    out = procs.logs / "emulator.log"
    for _ in range(200):
        lines = [line for line in out.read_text().splitlines() if "=" in line]
        if len(lines) >= 3:
            break
        await asyncio.sleep(0.1)
    else:
        raise RuntimeError(f"emulator did not start; see {out}")
    env = dict(line.split("=", 1) for line in lines[:3])
    root = env["MEETINGS_API_URL"].split("/v1/", 1)[0]
    fault = {"method": "POST", "path": "/rooms", "delay_ms": delay_ms, "times": None}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{root}/_control/faults", json=fault) as r,
    ):
        r.raise_for_status()
    return env


async def load(procs: Processes, url: str, prefix: str, rate: float, seconds: float) -> list[Any]:
    """Run bench/_load.py in its own process; its per-request results."""
    out = procs.logs / f"{prefix}.json"
    args = ["--url", url, "--secret", SECRET, "--prefix", prefix]
    proc = await procs.start(f"load-{prefix}", "-m", "bench._load", *args, "--rate", str(rate),
                             "--seconds", str(seconds), "--out", str(out))  # fmt: skip
    await proc.wait()
    await procs.stop(proc)
    if not out.exists():
        raise RuntimeError(f"load generator failed; see {procs.logs}/load-{prefix}.log")
    return list(json.loads(out.read_text()))


async def cards(
    http: aiohttp.ClientSession, slack: str, titles: set[str], patience: float
) -> dict[str, float]:
    """Arrival times of the cards with these titles; waits while new ones keep arriving."""
    seen: dict[str, float] = {}
    last_progress = time.monotonic()
    while True:
        async with http.get(f"{slack}/_bench/cards") as response:
            arrived: dict[str, float] = await response.json()
        found = {title: at for title, at in arrived.items() if title in titles}
        if len(found) > len(seen):
            last_progress = time.monotonic()
        seen = found
        if len(seen) == len(titles) or time.monotonic() - last_progress > patience:
            return seen
        await asyncio.sleep(0.5)


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def bot_env(port: int, slack: str, redis_url: str, meetings: dict[str, str]) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - only if HOME is unset
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": redis_url,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{slack}/api/",
        **meetings,
    }


async def run_variant(
    variant: str, procs: Processes, args: argparse.Namespace, slack: str, meetings: dict[str, str]
) -> dict[str, Any]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if variant == "meetbot":
        env = bot_env(port, slack, args.redis_url, meetings)
        server = await procs.start("meetbot", "-m", "bot", env=env)
    else:
        server = await procs.start(variant, "-m", "bench._servers", variant, "--port", str(port),
                                   "--secret", SECRET, "--redis-url", args.redis_url)  # fmt: skip
    run = f"{variant}-{int(time.time())}"
    async with aiohttp.ClientSession() as http:
        await wait_ready(http, f"{base}/healthz")
        url = f"{base}/slack/events"
        # Warm-up (connections, JWT, code paths; meetbot: the worker is up once cards arrive).
        warm = await load(procs, url, f"warm-{run}", min(args.rate, 50), 1)
        if variant == "meetbot":
            await cards(http, slack, {r["title"] for r in warm}, patience=10)
        results = await load(procs, url, run, args.rate, args.seconds)
        arrived: dict[str, float] = {}
        if variant == "meetbot":
            arrived = await cards(http, slack, {r["title"] for r in results}, patience=15)
    await procs.stop(server)
    card = [arrived[r["title"]] - r["sent_at"] for r in results if r["title"] in arrived]
    acks = [r["ack"] for r in results if r["status"] == 200]
    return {
        "variant": variant,
        "sent": len(results),
        "ok": len(acks),
        "ack_p50": pct(acks, 50),
        "ack_p99": pct(acks, 99),
        "ack_max": max(acks, default=math.nan),
        "lag_p99": pct([r["lag"] for r in results], 99),
        "cards": len(card),
        "card_p50": pct(card, 50),
        "card_p99": pct(card, 99),
    }


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"`{' '.join(['bench/ack.py', *sys.argv[1:]])}` — {args.rate:g} /meet per s for "
        f"{args.seconds:g} s, POST /rooms delayed {args.delay_ms} ms, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| variant | sent | ok | ack p50 ms | ack p99 ms | ack max ms | client lag p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells = [r["variant"], r["sent"], r["ok"], *map(ms, (r["ack_p50"], r["ack_p99"])),
                 ms(r["ack_max"]), ms(r["lag_p99"])]  # fmt: skip
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    by = {r["variant"]: r for r in rows}
    ours = by.get("meetbot")
    if ours is None:
        return "\n".join(lines)
    lines.append("")
    for other in ("bare", "bolt-lazy"):
        if other in by:
            lines.append(
                f"- ack p99 meetbot / {other}: {ours['ack_p99'] / by[other]['ack_p99']:.2f}"
            )
    delay = args.delay_ms / 1000
    lines += [
        f"- command→card ({ours['cards']}/{ours['sent']} cards): p50 {ms(ours['card_p50'])} ms, "
        f"p99 {ms(ours['card_p99'])} ms; minus the {args.delay_ms} ms upstream delay: "
        f"p50 {ms(ours['card_p50'] - delay)} ms, p99 {ms(ours['card_p99'] - delay)} ms",
        f"- goal ack p99 ≤ 10 ms: {'met' if ours['ack_p99'] <= 0.010 else 'MISSED'}; "
        f"goal card p50 ≤ delay + 15 ms: "
        f"{'met' if ours['card_p50'] - delay <= 0.015 else 'MISSED'}",
    ]
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    flush = redis.Redis.from_url(args.redis_url)
    flush.flushdb()
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp:
        procs = Processes(Path(args.logs) if args.logs else Path(tmp))
        procs.logs.mkdir(parents=True, exist_ok=True)
        try:
            meetings = await start_emulator(procs, args.delay_ms)
            slack_port = free_port()
            slack = f"http://127.0.0.1:{slack_port}"
            await procs.start("fake-slack", "-m", "bench._servers", "fake-slack",
                              "--port", str(slack_port))  # fmt: skip
            async with aiohttp.ClientSession() as http:
                await wait_ready(http, f"{slack}/healthz")
            rows = []
            for variant in args.variants:
                rows.append(await run_variant(variant, procs, args, slack, meetings))
                flush.flushdb()  # bolt-lazy's jobs must not reach meetbot's worker
                print(f"{variant}: done", file=sys.stderr, flush=True)
            print(report(rows, args))
        finally:
            await procs.stop()
            flush.flushdb()
            flush.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=200, help="commands per second (200)")
    parser.add_argument("--seconds", type=float, default=20, help="load duration (20)")
    parser.add_argument("--delay-ms", type=int, default=500, help="POST /rooms delay (500)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                        help="a Redis DB this benchmark may flush (not 0; 15 is the tests')")  # fmt: skip
    parser.add_argument("--variants", type=lambda s: s.split(","), default=list(VARIANTS),
                        help="comma-separated subset of " + ",".join(VARIANTS))  # fmt: skip
    parser.add_argument("--logs", default=None, help="keep process logs in this directory")
    args = parser.parse_args(argv)
    db = int(urlparse(args.redis_url).path.strip("/") or 0)
    if db in (0, 15):
        parser.error("--redis-url: use a database of its own (not 0, not the tests' 15)")
    if unknown := set(args.variants) - set(VARIANTS):
        parser.error(f"--variants: unknown {sorted(unknown)}")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
