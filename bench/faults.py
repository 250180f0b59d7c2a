"""Exactly-once under faults: /meet load while workers are SIGKILLed, Redis is killed and
restarted, and the Meetings API and Slack fail. Counts rooms, cards and host DMs per command.

    .venv/bin/python bench/faults.py kills     # 1,000 /meet at 50/s; worker SIGKILLed 6 times
    .venv/bin/python bench/faults.py redis     # 600 /meet at 50/s; Redis SIGKILLed for 3 s
    .venv/bin/python bench/faults.py upstream  # 400 /meet at 20/s; Meetings and Slack failing
    .venv/bin/python bench/faults.py kills --commands 100 --kills 2   # a quick look

Every process is real and on 127.0.0.1: a redis-server of its own (free port, append-only file
fsynced on every write; never the shared one), the Meetings emulator and fake Slack
(bench/reliability_servers.py), `python -m bot --role web` and `--role worker`. Commands are
signed slash commands from 1,000 people, sent open-loop at a fixed rate by this process; each
has a unique title, so rooms (emulator), cards and DMs (fake Slack) are counted per command.
"Acknowledged" is an ack that is not "temporarily unavailable": each must end with exactly one
room, card and host DM; a refused one with none. Prints a Markdown report.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

if __package__ in (None, ""):  # `python bench/faults.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._procs import Processes, pct
from bench.reliability_rig import Rig, load, settle, tally


async def scenario_kills(rig: Rig, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    seconds = args.commands / args.rate
    # Kills at random moments of the load's middle 80 %, at least 1.5 s apart.
    kill_at = sorted(rng.uniform(0.1, 0.9) * seconds for _ in range(args.kills))
    for i in range(1, len(kill_at)):
        kill_at[i] = max(kill_at[i], kill_at[i - 1] + 1.5)
    kills: list[float] = []

    async def killer(started: float) -> None:
        for at in kill_at:
            await asyncio.sleep(max(0.0, started + at - time.time()))
            await rig.kill_worker()
            kills.append(time.time())
            await rig.start_worker()  # a supervisor restarting it at once

    started = time.time()
    killing = asyncio.create_task(killer(started))
    acks = await load(rig, "Kill", args.commands, args.rate)
    await killing
    accepted = {a.title for a in acks if a.status == 200 and not a.unavailable}
    await settle(rig, accepted, patience=30)
    cards, dms, rooms, notices = await rig.counts()
    arrivals = await rig.card_times()
    sent = {a.title: a.sent_at for a in acks}
    recovery = []
    for at in kills:
        # In flight at the kill: sent before it, card after it (later kills may delay it more).
        # Their last card is when the kill's damage was repaired.
        inflight = [arrivals[t] - at for t in sent if sent[t] < at < arrivals.get(t, 0)]
        recovery.append((max(inflight, default=0.0), len(inflight)))
    latency = [arrivals[t] - sent[t] for t in sent if t in arrivals]
    return {**tally(acks, cards, dms, rooms), "kills": len(kills), "recovery": recovery,
            "card_p50": pct(latency, 50), "card_p99": pct(latency, 99),
            "card_max": max(latency, default=0.0), "notices": len(notices)}  # fmt: skip


async def scenario_redis(rig: Rig, args: argparse.Namespace) -> dict[str, Any]:
    seconds = args.commands / args.rate
    timeline: dict[str, float] = {}

    async def outage(started: float) -> None:
        await asyncio.sleep(max(0.0, started + seconds * 0.4 - time.time()))
        await rig.kill_redis()
        timeline["down"] = time.time()
        await asyncio.sleep(args.outage)
        await rig.start_redis()
        timeline["up"] = time.time()

    started = time.time()
    outing = asyncio.create_task(outage(started))
    acks = await load(rig, "Redis", args.commands, args.rate)
    await outing
    accepted = {a.title for a in acks if a.status == 200 and not a.unavailable}
    await settle(rig, accepted, patience=30)
    cards, dms, rooms, notices = await rig.counts()
    during = [a for a in acks if timeline["down"] <= a.sent_at < timeline["up"]]
    after = [
        a for a in acks if a.sent_at >= timeline["up"] and not a.unavailable and a.status == 200
    ]
    back = (min(a.sent_at for a in after) - timeline["up"]) if after else float("nan")
    return {**tally(acks, cards, dms, rooms), "outage": timeline["up"] - timeline["down"],
            "during": len(during), "during_refused": sum(1 for a in during if a.unavailable),
            "during_ack_max": max((a.seconds for a in during), default=0.0),
            "back_after": back, "notices": len(notices)}  # fmt: skip


async def scenario_upstream(rig: Rig, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    injected: Counter[str] = Counter()

    async def chaos(until: float) -> None:
        while time.time() < until:
            kind = rng.choice(["m500", "m429", "mdrop", "m503", "s500", "s429", "s503"])
            times = rng.randint(1, 3)
            injected[kind] += times
            if kind == "m500":
                await rig.meetings_fault(method="POST", path="/rooms", status=500, times=times)
            elif kind == "m503":
                await rig.meetings_fault(method="POST", path="/rooms", status=503, retry_after=1, times=times)  # fmt: skip
            elif kind == "m429":
                await rig.meetings_fault(method="POST", path="/rooms", status=429, retry_after=1, times=times)  # fmt: skip
            elif kind == "mdrop":
                await rig.meetings_fault(method="POST", path="/rooms", drop=True, times=times)
            else:
                method = rng.choice(["chat.postMessage", "conversations.open"])
                await rig.slack_fault(method, times, {"s500": 500, "s503": 503, "s429": 429}[kind])
            await asyncio.sleep(0.5)

    seconds = args.commands / args.rate
    # One request that hangs past the client's 30 s timeout: the emulator then makes the room
    # anyway, as a slow server would (the most ambiguous failure there is).
    await rig.meetings_fault(method="POST", path="/rooms", delay_ms=args.hang_ms, times=1)
    injected["mhang"] += 1
    chaotic = asyncio.create_task(chaos(time.time() + seconds))
    acks = await load(rig, "Upstream", args.commands, args.rate)
    await chaotic
    accepted = {a.title for a in acks if a.status == 200 and not a.unavailable}
    await settle(rig, accepted, patience=90 + args.hang_ms / 1000)
    cards, dms, rooms, notices = await rig.counts()
    return {**tally(acks, cards, dms, rooms), "injected": dict(injected), "notices": len(notices)}


SCENARIOS = {"kills": scenario_kills, "redis": scenario_redis, "upstream": scenario_upstream}
DEFAULTS = {"kills": (1000, 50.0), "redis": (600, 50.0), "upstream": (400, 20.0)}


def report(name: str, r: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"`bench/faults.py {' '.join(sys.argv[1:])}`: {r['sent']} /meet at {args.rate:g}/s, "
        f"POST /rooms delayed {args.delay_ms} ms; {os.cpu_count()} cores, load average "
        f"{os.getloadavg()[0]:.1f} at the end",
        "",
        "| sent | accepted | refused (unavailable) | no answer | rooms lost/dup | cards lost/dup "
        "| DMs lost/dup | refused with effects | ack p99 | ack max |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r['sent']} | {r['accepted']} | {r['refused']} | {r['no_answer']} "
        f"| {r['rooms_lost']}/{r['rooms_dup']} | {r['cards_lost']}/{r['cards_dup']} "
        f"| {r['dms_lost']}/{r['dms_dup']} | {r['refused_with_effects']} "
        f"| {r['ack_p99'] * 1000:.1f} ms | {r['ack_max'] * 1000:.1f} ms |",
        "",
    ]
    if r["incomplete"]:
        lines += [f"Not exactly once (first 10): {', '.join(r['incomplete'])}", ""]
    if name == "kills":
        lines.append(f"{r['kills']} SIGKILLs of the worker, each restarted at once. Per kill: the "
                     "commands in flight (sent before it, card after it) and when the last of "
                     "their cards arrived, after the kill:")  # fmt: skip
        lines += [f"- {n} in flight, all done {b:.1f} s after" for b, n in r["recovery"]]
        lines.append(f"Command→card: p50 {r['card_p50']:.2f} s, p99 {r['card_p99']:.2f} s, "
                     f"max {r['card_max']:.2f} s. Failure notices: {r['notices']}.")  # fmt: skip
    elif name == "redis":
        lines.append(f"Redis SIGKILLed for {r['outage']:.1f} s: {r['during']} commands sent meanwhile, "
                     f"{r['during_refused']} answered \"temporarily unavailable\" (slowest "
                     f"{r['during_ack_max'] * 1000:.0f} ms); first command accepted "
                     f"{r['back_after']:.2f} s after Redis was back. Failure notices: {r['notices']}.")  # fmt: skip
    else:
        lines.append(f"Faults injected (failing answers): {r['injected']}. "
                     f"Failure notices sent to users: {r['notices']}.")  # fmt: skip
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        procs = Processes(Path(args.logs) if args.logs else Path(tmp))
        procs.logs.mkdir(parents=True, exist_ok=True)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10),
                                         connector=aiohttp.TCPConnector(limit=0)) as http:  # fmt: skip
            rig = Rig(procs, http)
            try:
                await rig.start(args.delay_ms)
                result = await SCENARIOS[args.scenario](rig, args)
            finally:
                await procs.stop()
                await rig.kill_redis()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--commands", type=int, default=None)
    parser.add_argument("--rate", type=float, default=None, help="commands per second")
    parser.add_argument("--kills", type=int, default=6, help="kills: how many SIGKILLs (6)")
    parser.add_argument("--outage", type=float, default=3.0, help="redis: seconds down (3)")
    parser.add_argument("--delay-ms", type=int, default=200, help="POST /rooms delay (200)")
    parser.add_argument("--hang-ms", type=int, default=31_000,
                        help="upstream: one POST /rooms answered this late (31000)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--logs", default=None, help="keep process logs in this directory")
    parser.add_argument("--json", default=None, help="also write the raw result here")
    args = parser.parse_args(argv)
    commands, rate = DEFAULTS[args.scenario]
    args.commands = args.commands or commands
    args.rate = args.rate or rate
    result = asyncio.run(main_async(args))
    print(report(args.scenario, result, args))
    if args.json:
        Path(args.json).write_text(json.dumps(result, default=str))


if __name__ == "__main__":
    main()
