"""Slack ack latency of `/meet` under open-loop load, next to two baselines measured in the same run.

    .venv/bin/python bench/ack.py              # 200 /meet per second for 20 s (the issue's figures)
    .venv/bin/python bench/ack.py --rate 50 --seconds 3 --variants meetbot   # a quick look

Processes, all on 127.0.0.1, per variant: its server, a separate load-generator process
(bench/_load.py) sending signed slash commands from 1,000 people on a fixed schedule, and for
meetbot a fresh Meetings emulator (POST /rooms delayed by --delay-ms through its fault API)
and fake Slack Web API (noting when each card arrives; bench/_servers.py). Variants: `bare` (aiohttp handler that only verifies the signature), `bolt-lazy`
(Bolt's lazy-listener pattern doing the same enqueue), `meetbot` (`python -m bot` as deployed by
default: since issue 20 a supervisor running the web and worker roles as two child processes;
its CPU is shown per process, supervisor + web + worker) and `meetbot-split` (`--role web` and `--role worker` started apart,
as the Procfile does). For meetbot, command→card is the card's arrival at the fake Slack
minus the command's send time, matched by each command's unique title. Redis: one database
(default 14), flushed before, between variants and after. Prints a Markdown table.
Goals (issue 20): ack p99 ≤ 5 ms and ≤ 0.5x Bolt's lazy listener; card p50 within 10 ms of the
upstream delay; worker CPU per /meet ≤ 2.5 ms; 0 lost, 0 doubled. Each is printed met or MISSED,
with the Slack Web API calls per /meet the fake Slack counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import aiohttp
import redis

if __package__ in (None, ""):  # `python bench/ack.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._procs import (
    Processes,
    cpu_seconds,
    free_port,
    pct,
    pid_cpu_seconds,
    tree,
    wait_ready,
)

SECRET = "bench-signing-secret"  # noqa: S105 - a throwaway secret for local processes
BOT_TOKEN = "xoxb-bench-token"  # noqa: S105 - the fake Slack accepts any xoxb- token
VARIANTS = ("bare", "bolt-lazy", "meetbot", "meetbot-split")
USERS = 1000  # commands come from this many people, in turn (App Home renders their meetings)
Row = dict[str, Any]


async def start_helpers(
    procs: Processes, name: str, delay_ms: int
) -> tuple[list[asyncio.subprocess.Process], str, dict[str, str]]:
    """A fresh emulator (its create slows as rooms pile up) and fake Slack, once both serve:
    the two processes, the fake's URL, and the emulator's env lines (MEETINGS_API_URL, ...)."""
    key = procs.logs / f"{name}-meetings-key.pem"
    emulator = await procs.start(f"{name}-emulator", "-m", "bench._servers", "emulator",
                                 "--port", str(free_port()), "--private-key-path", str(key))  # fmt: skip
    slack = f"http://127.0.0.1:{free_port()}"
    fake = await procs.start(f"{name}-fake-slack", "-m", "bench._servers", "fake-slack",
                             "--port", slack.rsplit(":", 1)[1], "--users", str(USERS))  # fmt: skip
    out = procs.logs / f"{name}-emulator.log"
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
        http.post(f"{root}/_control/faults", json=fault) as response,
    ):
        response.raise_for_status()
        await wait_ready(http, f"{slack}/healthz")
    return [emulator, fake], slack, env


async def load(procs: Processes, url: str, response_url: str, prefix: str,
               rate: float, seconds: float) -> tuple[list[Any], float]:  # fmt: skip
    """Run bench/_load.py in its own process: its per-request results and its CPU seconds."""
    out = procs.logs / f"{prefix}.json"
    proc = await procs.start(f"load-{prefix}", "-m", "bench._load", "--url", url,
                             "--secret", SECRET, "--prefix", prefix, "--response-url", response_url,
                             "--users", str(USERS),
                             "--rate", str(rate), "--seconds", str(seconds), "--out", str(out))  # fmt: skip
    await proc.wait()
    await procs.stop(proc)
    if not out.exists():
        raise RuntimeError(f"load generator failed; see {procs.logs}/load-{prefix}.log")
    data = json.loads(out.read_text())
    return list(data["results"]), float(data["cpu"])


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


async def slack_calls(http: aiohttp.ClientSession, slack: str) -> dict[str, int]:
    """How many times the fake Slack has been called, by Web API method."""
    async with http.get(f"{slack}/_bench/calls") as response:
        return dict(await response.json())


def role_pids(procs: Processes, name: str, proc: asyncio.subprocess.Process) -> list[int]:
    """`python -m bot`'s processes: the supervisor, then its roles in the order the supervisor's
    log names them ("web role started (pid N)"), so each role's CPU is counted apart."""
    started = re.findall(
        r"(\w+) role started \(pid (\d+)\)", (procs.logs / f"{name}.log").read_text()
    )
    return [proc.pid, *(int(pid) for _, pid in started)]


def bot_env(port: int, slack: str, redis_url: str, meetings: dict[str, str]) -> dict[str, str]:
    """Only what meetbot reads (nothing inherited: no stray SLACK_APP_TOKEN, no socket mode)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": redis_url,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": f"{slack}/api/",
        **meetings,
    }


async def start_server(variant: str, procs: Processes, port: int, args: argparse.Namespace,
                       slack: str, meetings: dict[str, str]) -> list[asyncio.subprocess.Process]:  # fmt: skip
    if variant == "meetbot":
        env = bot_env(port, slack, args.redis_url, meetings)
        return [await procs.start("meetbot", "-m", "bot", env=env)]
    if variant == "meetbot-split":
        env = bot_env(port, slack, args.redis_url, meetings)
        return [await procs.start("meetbot-web", "-m", "bot", "--role", "web", env=env),
                await procs.start("meetbot-worker", "-m", "bot", "--role", "worker", env=env)]  # fmt: skip
    return [await procs.start(variant, "-m", "bench._servers", variant, "--port", str(port),
                              "--secret", SECRET, "--redis-url", args.redis_url)]  # fmt: skip


async def run_variant(variant: str, procs: Processes, args: argparse.Namespace) -> Row:
    with_cards = variant.startswith("meetbot")
    others: list[asyncio.subprocess.Process] = []
    slack, meetings = "", dict[str, str]()
    if with_cards:
        others, slack, meetings = await start_helpers(procs, variant, args.delay_ms)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    servers = await start_server(variant, procs, port, args, slack, meetings)
    run = f"{variant}-{int(time.time())}"
    async with aiohttp.ClientSession() as http:
        await wait_ready(http, f"{base}/healthz")
        url = f"{base}/slack/events"
        response_url = "http://127.0.0.1:9/unused"  # bare and bolt-lazy never call it
        if with_cards:
            async with http.get(f"{slack}/_bench/response_url") as response:
                response_url = await response.text()
        # Warm-up: connections, JWT, code paths; for meetbot, the worker is up once cards arrive,
        # and every bench user has used /meet once, as in a workspace in use (the first /meet of
        # someone never looked up answers through the response_url instead: bot.meet.late_reply).
        warm_rate = args.rate if with_cards else min(args.rate, 50)
        warm_for = math.ceil(USERS / warm_rate) if with_cards else 1
        warm, _ = await load(procs, url, response_url, f"warm-{run}", warm_rate, warm_for)
        if with_cards:
            await cards(http, slack, {r["title"] for r in warm}, patience=10)
        # The default deployment's CPU per process (supervisor, web, worker); else per server.
        pids = role_pids(procs, variant, servers[0]) if variant == "meetbot" else []
        measured = [[pid] for pid in pids] or [tree(p.pid) for p in servers]
        cpu_servers, cpu_others = [pid_cpu_seconds(*m) for m in measured], cpu_seconds(*others)
        calls = await slack_calls(http, slack) if with_cards else {}
        results, cpu_load = await load(procs, url, response_url, run, args.rate, args.seconds)
        arrived = await cards(http, slack, {r["title"] for r in results}, 15) if with_cards else {}
        cpu_servers = [pid_cpu_seconds(*m) - c for m, c in zip(measured, cpu_servers, strict=True)]
        cpu_others = cpu_seconds(*others) - cpu_others + cpu_load
        if with_cards:
            after = await slack_calls(http, slack)
            calls = {m: after[m] - calls.get(m, 0) for m in after if after[m] > calls.get(m, 0)}
    await procs.stop(*servers, *others)
    card = [arrived[r["title"]] - r["sent_at"] for r in results if r["title"] in arrived]
    acks = [r["ack"] for r in results if r["status"] == 200]
    n = len(results)
    return {
        "variant": variant,
        "sent": n,
        "ok": len(acks),
        "ack_p50": pct(acks, 50),
        "ack_p99": pct(acks, 99),
        "ack_max": max(acks, default=math.nan),
        "lag_p99": pct([r["lag"] for r in results], 99),
        "cpu_servers": [cpu / n for cpu in cpu_servers],
        "cpu_others": cpu_others / n,
        "cards": len(card),
        "card_p50": pct(card, 50),
        "card_p99": pct(card, 99),
        "slack_calls": calls,
    }


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(rows: list[Row], args: argparse.Namespace) -> str:
    delay = args.delay_ms / 1000
    lines = [
        f"`{' '.join(['bench/ack.py', *sys.argv[1:]])}`: {args.rate:g} /meet per s for "
        f"{args.seconds:g} s, POST /rooms delayed {args.delay_ms} ms; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| variant | sent | ok | ack p50 | ack p99 | ack max | card p50 | card p99 "
        "| card p50 - delay | CPU ms/cmd: server | others¹ |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        card = [ms(r["card_p50"]), ms(r["card_p99"]), ms(r["card_p50"] - delay)]
        if not r["cards"]:
            card = ["", "", ""]
        elif r["cards"] < r["sent"]:
            card[0] += f" ({r['cards']} cards)"
        cells = [r["variant"], r["sent"], r["ok"], ms(r["ack_p50"]), ms(r["ack_p99"]),
                 ms(r["ack_max"]), *card, " + ".join(f"{c * 1000:.2f}" for c in r["cpu_servers"]),
                 f"{r['cpu_others'] * 1000:.2f}"]  # fmt: skip
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines += [
        "",
        "Latencies in ms. CPU: from the start of the load to the last card; meetbot's is "
        "supervisor + web + worker, meetbot-split's web + worker. ¹ emulator + fake Slack + "
        "load generator (Redis not counted). "
        f"Load generator lag p99: {', '.join(ms(r['lag_p99']) for r in rows)} ms.",
    ]
    for r in rows:
        if r["slack_calls"]:
            n = r["sent"]
            each = sorted(r["slack_calls"].items(), key=lambda kv: -kv[1])
            each = [(method, count) for method, count in each if method != "doubled cards"]
            lines.append(
                f"- {r['variant']}: Slack Web API calls per /meet "
                f"{sum(count for _, count in each) / n:.2f} ("
                + ", ".join(f"{method} {count / n:.2f}" for method, count in each)
                + ")"
            )
    by = {r["variant"]: r for r in rows}
    for ours in (by[v] for v in ("meetbot", "meetbot-split") if v in by):
        name = ours["variant"]
        ratios = [f"{name}/{b} {ours['ack_p99'] / by[b]['ack_p99']:.1f}x"
                  for b in ("bare", "bolt-lazy") if b in by]  # fmt: skip
        ack_met = "met" if ours["ack_p99"] <= 0.005 else "MISSED"
        lazy = by.get("bolt-lazy")
        vs_lazy = ""
        if lazy is not None:
            half = ours["ack_p99"] <= 0.5 * lazy["ack_p99"]
            vs_lazy = f"; ≤ 0.5x bolt-lazy {'met' if half else 'MISSED'}"
        card_met = "met" if ours["card_p50"] - delay <= 0.010 else "MISSED"
        worker = ours["cpu_servers"][-1] * 1000  # the worker is the last process of both
        cpu_met = "met" if worker <= 2.5 else "MISSED"
        lost = ours["sent"] - min(ours["ok"], ours["cards"])
        doubled = ours["slack_calls"].get("doubled cards", 0)
        lines.append(
            f"- {name}: ack p99 ≤ 5 ms {ack_met}{vs_lazy}; card p50 ≤ delay + 10 ms {card_met}"
            f"; worker CPU {worker:.2f} ms/meet ≤ 2.5 {cpu_met}; {lost} lost, {doubled} doubled"
            + (f"; ack p99 ratio {', '.join(ratios)}" if ratios else "")
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    flush = redis.Redis.from_url(args.redis_url)
    flush.flushdb()
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp:
        procs = Processes(Path(args.logs) if args.logs else Path(tmp))
        procs.logs.mkdir(parents=True, exist_ok=True)
        try:
            rows = []
            for variant in args.variants:
                rows.append(await run_variant(variant, procs, args))
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
