"""Rooms created per second against the Daily emulator: our Daily client vs a bare aiohttp loop.

    .venv/bin/python bench/daily_create.py [--rooms 2000] [--concurrency 64] [--repeat 3]

The emulator (`python -m meetbot_sandbox.daily`) runs in its own process, fresh for every run, over
plain HTTP. Both clients send the same `POST /rooms` body (a named private room with `exp` and
`eject_at_room_exp`), 64 asyncio tasks each:

* ours: `DailyClient.create_room` (the shared transport: error mapping, retry policy, typed
  `DailyRoom`);
* bare: `session.post(json=...)` + `response.json()` with the bearer header.

Runs are interleaved and each starts with a 100-room warm-up; figures are medians of
`--repeat`. The goal (issue 9): our time per room at most 1.3x the bare loop's, i.e.
bare/ours <= 1.3. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import aiohttp

from bot.providers.daily.client import DailyClient

EXP = datetime.now(UTC) + timedelta(days=1)
WARM_UP = 100


def body(name: str) -> dict[str, object]:
    properties = {"exp": int(EXP.timestamp()), "eject_at_room_exp": True}
    return {"name": name, "privacy": "private", "properties": properties}


async def run_tasks(
    rooms: int, concurrency: int, prefix: str, create: Callable[[str], Awaitable[None]]
) -> float:
    for n in range(WARM_UP):
        await create(f"{prefix}-warm-{n}")
    counter = iter(range(rooms))

    async def worker() -> None:
        for n in counter:
            await create(f"{prefix}-{n}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return rooms / (time.perf_counter() - started)


async def ours(env: dict[str, str], rooms: int, concurrency: int) -> float:
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = DailyClient(session, base_url=env["url"], api_key=env["key"])

        async def create(name: str) -> None:
            await client.create_room(name, exp=EXP, record=False)

        return await run_tasks(rooms, concurrency, "ours", create)


async def bare(env: dict[str, str], rooms: int, concurrency: int) -> float:
    headers = {"Authorization": f"Bearer {env['key']}"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def create(name: str) -> None:
            async with session.post(env["url"] + "/rooms", json=body(name), headers=headers) as r:
                r.raise_for_status()
                await r.json()

        return await run_tasks(rooms, concurrency, "bare", create)


@contextmanager
def emulator_process() -> Iterator[dict[str, str]]:
    """A fresh emulator per run, so neither client pays for rooms the other left behind."""
    command = [sys.executable, "-m", "meetbot_sandbox.daily", "--port", "0", "--webhook-url", ""]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        lines = dict(server.stdout.readline().strip().split("=", 1) for _ in range(4))
        yield {"url": lines["DAILY_API_URL"], "key": lines["DAILY_API_KEY"]}
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_once(kind: str, rooms: int, concurrency: int) -> float:
    with emulator_process() as env:
        measure = ours if kind == "ours" else bare
        return asyncio.run(measure(env, rooms, concurrency))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rates: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(args.repeat):  # interleaved, so drift in the machine hits both alike
        for kind in rates:
            rates[kind].append(run_once(kind, args.rooms, args.concurrency))
    results = {kind: statistics.median(values) for kind, values in rates.items()}
    print(
        f"Daily rooms created per second ({args.rooms} rooms, concurrency {args.concurrency}, "
        f"median of {args.repeat}, {os.cpu_count()} CPUs, emulator in its own process)"
    )
    print(f"  ours (DailyClient.create_room)     {results['ours']:8.0f} rooms/s")
    print(f"  bare aiohttp loop                  {results['bare']:8.0f} rooms/s")
    ratio = results["bare"] / results["ours"]
    print(f"  time per room, ours/bare = {ratio:.2f} (goal <= 1.3)")


if __name__ == "__main__":
    main()
