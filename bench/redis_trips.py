"""Redis round trips and commands per `/meet`, per role: where each role's Redis traffic goes.

    .venv/bin/python bench/redis_trips.py                 # 100 /meet per s for 10 s
    .venv/bin/python bench/redis_trips.py --rate 50 --seconds 4
    .venv/bin/python bench/redis_trips.py --warm-seconds 20    # people met before (steady)

Runs meetbot as the Procfile does (`--role web` and `--role worker`), each talking to Redis
through its own counting proxy in this process, with bench/ack.py's emulator, fake Slack and
load generator. The proxy counts every chunk a client writes as one round trip (redis-py never
has two requests in flight on one connection; a pipeline or a script call is one write) and
parses RESP to count commands by name (a Lua script's inner commands are the server's, not
counted); a new connection's HELLO, CLIENT SETINFO and SELECT are counted as a connection.
Counted from the start of the load until the last card, after a warm-up (`--warm-seconds 20`:
every person's first /meet, with its users.info and conversations.open, is in the warm-up,
so the run shows the steady state; the default 1 s shows first meetings); the worker's
idle dequeue polls (BLMOVE timing out every second, for each of the few slots allowed to wait in
Redis: bot.storage.queue.DEQUEUERS) are included, as they cost.
CPU time is the processes' own (as bench/ack.py). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import aiohttp
import redis

if __package__ in (None, ""):  # `python bench/redis_trips.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._procs import Processes, cpu_seconds, free_port, wait_ready
from bench.ack import bot_env, cards, load, start_helpers

# What redis-py sends on each new connection: counted as connections, not as round trips.
SETUP = {"HELLO", "CLIENT", "SELECT"}


class Counted:
    """One role's traffic: round trips, and commands by name."""

    def __init__(self) -> None:
        self.trips = 0
        self.commands: Counter[str] = Counter()
        self.on = False


def _command_names(buf: bytearray) -> tuple[list[str], int]:
    """Names of the complete RESP commands at the start of `buf`, and how many bytes they take."""
    names: list[str] = []
    pos = 0
    while True:
        end = buf.find(b"\r\n", pos)
        if end < 0 or buf[pos : pos + 1] != b"*":
            return names, pos
        count, at, name = int(buf[pos + 1 : end]), end + 2, ""
        for i in range(count):
            line = buf.find(b"\r\n", at)
            if line < 0:
                return names, pos
            size = int(buf[at + 1 : line])
            if len(buf) < line + 2 + size + 2:
                return names, pos
            if i == 0:
                name = buf[line + 2 : line + 2 + size].decode().upper()
            at = line + 2 + size + 2
        names.append(name)
        pos = at


async def _pipe(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counted: Counted | None
) -> None:
    pending = bytearray()
    try:
        while chunk := await reader.read(1 << 16):
            if counted is not None:
                pending += chunk
                names, used = _command_names(pending)
                del pending[:used]
                if counted.on and names:
                    counted.trips += not SETUP.issuperset(names)
                    counted.commands.update(names)
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def proxy(upstream: tuple[str, int], counted: Counted) -> tuple[asyncio.Server, int]:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(*upstream)
        await asyncio.gather(_pipe(reader, up_writer, counted), _pipe(up_reader, writer, None))

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    return server, int(server.sockets[0].getsockname()[1])


async def run(args: argparse.Namespace) -> str:
    url = urlparse(args.redis_url)
    upstream = (url.hostname or "127.0.0.1", url.port or 6379)
    roles = {"web": Counted(), "worker": Counted()}
    servers = {}
    for name, counted in roles.items():
        server, port = await proxy(upstream, counted)
        servers[name] = (server, f"redis://127.0.0.1:{port}{url.path}")
    with tempfile.TemporaryDirectory(prefix="bench-trips-") as tmp:
        procs = Processes(Path(tmp))
        try:
            others, slack, meetings = await start_helpers(procs, "trips", args.delay_ms)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            bots = [
                await procs.start(
                    f"meetbot-{name}",
                    *("-m", "bot", "--role", name),
                    env=bot_env(port, slack, servers[name][1], meetings),
                )
                for name in roles
            ]
            async with aiohttp.ClientSession() as http:
                await wait_ready(http, f"{base}/healthz")
                async with http.get(f"{slack}/_bench/response_url") as response:
                    response_url = await response.text()
                target = f"{base}/slack/events"
                warm, _ = await load(procs, target, response_url, "warm", 50, args.warm_seconds)
                await cards(http, slack, {r["title"] for r in warm}, patience=10)
                before = [cpu_seconds(p) for p in bots]
                for counted in roles.values():
                    counted.on = True
                results, _ = await load(procs, target, response_url, "run", args.rate, args.seconds)
                arrived = await cards(http, slack, {r["title"] for r in results}, patience=15)
                for counted in roles.values():
                    counted.on = False
                cpu = [cpu_seconds(p) - b for p, b in zip(bots, before, strict=True)]
            await procs.stop(*bots, *others)
        finally:
            await procs.stop()
            for server, _ in servers.values():
                server.close()
    n = len(results)
    lines = [
        f"{args.rate:g} /meet per s for {args.seconds:g} s: {n} sent, {len(arrived)} cards",
        "",
        "| role | round trips / meet | commands / meet | new connections | CPU ms / meet "
        "| commands by name, per meet |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for (name, counted), seconds in zip(roles.items(), cpu, strict=True):
        commands = Counter({c: k for c, k in counted.commands.items() if c not in SETUP})
        top = ", ".join(f"{c} {k / n:.2f}" for c, k in commands.most_common() if k / n >= 0.01)
        lines.append(
            f"| {name} | {counted.trips / n:.2f} | {commands.total() / n:.2f} "
            f"| {counted.commands['HELLO']} | {seconds / n * 1000:.2f} | {top} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=100, help="commands per second (100)")
    parser.add_argument("--seconds", type=float, default=10, help="load duration (10)")
    parser.add_argument("--warm-seconds", type=float, default=1,
                        help="warm-up at 50 /s (1); 20 s has each of the 1,000 people start a "
                        "meeting once, so that Slack's answers about them are cached")  # fmt: skip
    parser.add_argument("--delay-ms", type=int, default=500, help="POST /rooms delay (500)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14",
                        help="a Redis DB this benchmark may flush (not 0; 15 is the tests')")  # fmt: skip
    args = parser.parse_args()
    if int(urlparse(args.redis_url).path.strip("/") or 0) in (0, 15):
        parser.error("--redis-url: use a database of its own (not 0, not the tests' 15)")
    flush = redis.Redis.from_url(args.redis_url)
    flush.flushdb()
    try:
        print(asyncio.run(run(args)))
    finally:
        flush.flushdb()
        flush.close()


if __name__ == "__main__":
    main()
