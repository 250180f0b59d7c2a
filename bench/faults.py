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
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

if __package__ in (None, ""):  # `python bench/faults.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._load import title_for, user_id
from bench._procs import Processes, free_port, pct, wait_ready
from bot.sandbox.slack.signing import new_trigger_id, signed_headers, slash_command_body

SECRET = "bench-signing-secret"  # noqa: S105 - a throwaway secret for local processes
BOT_TOKEN = "xoxb-bench-token"  # noqa: S105 - the fake Slack accepts any xoxb- token
USERS = 1000


@dataclass
class Ack:
    title: str
    sent_at: float  # time.time()
    status: int  # 0: no answer
    seconds: float
    unavailable: bool


class Rig:
    """Redis, emulator, fake Slack, web and worker processes, and the HTTP session to drive them."""

    def __init__(self, procs: Processes, http: aiohttp.ClientSession) -> None:
        self.procs, self.http = procs, http
        self.redis_port = free_port()
        self.redis: asyncio.subprocess.Process | None = None
        self.web_port = free_port()
        self.url = f"http://127.0.0.1:{self.web_port}"
        self.slack = f"http://127.0.0.1:{free_port()}"
        self.meetings: dict[str, str] = {}
        self.worker: asyncio.subprocess.Process | None = None
        self.workers_started = 0
        self.response_url = ""

    async def start_redis(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is needed")
        with (self.procs.logs / "redis.log").open("ab") as sink:
            self.redis = await asyncio.create_subprocess_exec(
                binary, "--port", str(self.redis_port), "--bind", "127.0.0.1",
                "--dir", str(self.procs.logs), "--appendonly", "yes",
                "--appendfsync", "always", "--save", "", stdout=sink, stderr=sink,
            )  # fmt: skip
        reader = None
        for _ in range(100):
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.redis_port)
                writer.write(b"PING\r\n")
                if await reader.readline() == b"+PONG\r\n":
                    writer.close()
                    return
            except OSError:
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    async def kill_redis(self) -> None:
        if self.redis is not None:
            self.redis.kill()
            await self.redis.wait()
            self.redis = None

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", ""),
            "PORT": str(self.web_port),
            "PUBLIC_URL": self.url,
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": f"{self.slack}/api/",
            "RECONCILE_INTERVAL_SECONDS": "60",
            **self.meetings,
        }

    async def start(self, delay_ms: int) -> None:
        await self.start_redis()
        key = self.procs.logs / "meetings-key.pem"
        await self.procs.start("emulator", "-m", "bench.reliability_servers", "emulator",
                               "--port", str(free_port()), "--private-key-path", str(key))  # fmt: skip
        await self.procs.start("fake-slack", "-m", "bench.reliability_servers", "fake-slack",
                               "--port", self.slack.rsplit(":", 1)[1], "--users", str(USERS))  # fmt: skip
        out = self.procs.logs / "emulator.log"
        for _ in range(200):
            lines = [line for line in out.read_text().splitlines() if "=" in line]
            if len(lines) >= 3:
                break
            await asyncio.sleep(0.1)
        self.meetings = dict(line.split("=", 1) for line in lines[:3])
        if delay_ms:
            await self.meetings_fault(method="POST", path="/rooms", delay_ms=delay_ms, times=None)
        await wait_ready(self.http, f"{self.slack}/healthz")
        async with self.http.get(f"{self.slack}/_bench/response_url") as response:
            self.response_url = await response.text()
        await self.procs.start("web", "-m", "bot", "--role", "web", env=self.env())
        await self.start_worker()
        await wait_ready(self.http, f"{self.url}/readyz")

    async def start_worker(self) -> None:
        self.workers_started += 1
        self.worker = await self.procs.start(
            f"worker-{self.workers_started}", "-m", "bot", "--role", "worker", env=self.env()
        )

    async def kill_worker(self) -> None:
        """SIGKILL the worker; one that already died on its own is an error worth seeing."""
        assert self.worker is not None
        if self.worker.returncode is not None:
            raise RuntimeError(f"the worker exited by itself ({self.worker.returncode}); see logs")
        self.worker.kill()
        await self.worker.wait()
        self.procs.running.remove(self.worker)

    async def meetings_fault(self, **fault: Any) -> None:
        root = self.meetings["MEETINGS_API_URL"].split("/v1/", 1)[0]
        async with self.http.post(f"{root}/_control/faults", json=fault) as response:
            response.raise_for_status()

    async def slack_fault(self, method: str, times: int, status: int) -> None:
        body = {"method": method, "times": times, "status": status}
        async with self.http.post(f"{self.slack}/_bench/faults", json=body) as response:
            response.raise_for_status()

    async def counts(self) -> tuple[Counter[str], Counter[str], Counter[str], list[str]]:
        async with self.http.get(f"{self.slack}/_bench/posts") as response:
            posts = await response.json()
        root = self.meetings["MEETINGS_API_URL"].split("/v1/", 1)[0]
        async with self.http.get(f"{root}/_bench/rooms") as response:
            rooms = Counter(await response.json())
        return Counter(posts["cards"]), Counter(posts["dms"]), rooms, list(posts["notices"])

    async def card_times(self) -> dict[str, float]:
        async with self.http.get(f"{self.slack}/_bench/cards") as response:
            return dict(await response.json())


async def send(rig: Rig, title: str, i: int) -> Ack:
    body = slash_command_body(text=title, user_id=user_id(i % USERS), user_name=f"bench{i % USERS}",
                              trigger_id=new_trigger_id(), response_url=rig.response_url)  # fmt: skip
    sent_at, started = time.time(), time.perf_counter()
    try:
        async with rig.http.post(
            f"{rig.url}/slack/events", data=body, headers=signed_headers(SECRET, body)
        ) as response:
            text = await response.text()
            status = response.status
    except (aiohttp.ClientError, TimeoutError):
        text, status = "", 0
    seconds = time.perf_counter() - started
    return Ack(title, sent_at, status, seconds, "temporarily unavailable" in text)


async def load(rig: Rig, prefix: str, count: int, rate: float) -> list[Ack]:
    tasks, start = [], time.perf_counter()
    for i in range(count):
        wait = start + i / rate - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(send(rig, title_for(prefix, i), i)))
    return list(await asyncio.gather(*tasks))


async def settle(rig: Rig, expected: set[str], patience: float) -> None:
    """Wait while cards and DMs for `expected` keep arriving (or all have)."""
    last, seen = time.monotonic(), -1
    while time.monotonic() - last < patience:
        cards, dms, _, _ = await rig.counts()
        done = sum(1 for t in expected if cards[t] and dms[t])
        if done == len(expected):
            return
        if done > seen:
            last, seen = time.monotonic(), done
        await asyncio.sleep(1)


def tally(
    acks: list[Ack], cards: Counter[str], dms: Counter[str], rooms: Counter[str]
) -> dict[str, Any]:
    accepted = [a.title for a in acks if a.status == 200 and not a.unavailable]
    refused = [a.title for a in acks if a.unavailable]
    per = {
        name: [c[t] for t in accepted]
        for name, c in (("rooms", rooms), ("cards", cards), ("dms", dms))
    }
    return {
        "sent": len(acks),
        "accepted": len(accepted),
        "refused": len(refused),
        "no_answer": sum(1 for a in acks if a.status != 200),
        **{f"{n}_lost": sum(1 for x in v if x == 0) for n, v in per.items()},
        **{f"{n}_dup": sum(1 for x in v if x > 1) for n, v in per.items()},
        "refused_with_effects": sum(1 for t in refused if rooms[t] or cards[t] or dms[t]),
        "incomplete": sorted(t for t in accepted if not (rooms[t] == cards[t] == dms[t] == 1))[:10],
        "ack_p99": pct([a.seconds for a in acks], 99),
        "ack_max": max((a.seconds for a in acks), default=0.0),
    }


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
