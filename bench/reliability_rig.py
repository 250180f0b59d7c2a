"""The rig bench/faults.py drives: its own Redis, the fakes, the bot's web and worker processes,
and an open-loop sender of signed `/meet` commands, each with a unique title to count by.

Redis is a `redis-server` of its own on a free port, with an append-only file fsynced on every
write (never the shared one at 6379), so a SIGKILL loses nothing acknowledged.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import aiohttp
from meetbot_sandbox.slack.signing import new_trigger_id, signed_headers, slash_command_body

from bench._load import title_for, user_id
from bench._procs import Processes, free_port, pct, wait_ready

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
