"""Meetings callback ingest of the web role alone: HTTP in → 204 with the job stored in Redis.

    .venv/bin/python bench/callbacks.py                          # 3,000/s for 10 s, 3 runs each
    .venv/bin/python bench/callbacks.py --rate 500 --seconds 3 --repeat 1   # a quick look

Processes, all on 127.0.0.1: per run one server and `--clients` load generators (this file
re-run with `--load`) that POST pre-built `session:participant:joined` bodies on a fixed
open-loop schedule over keep-alive connections, to the callback URLs of `--meetings` rooms;
every body is a distinct event, so every 204 is a new job. Variants, run in turn:

* `meetbot`: `python -m bot --role web` (no worker): token → meeting id, body checked by
  `parse_callback`, a saq `room_event` job enqueued, 204;
* `bare`: an aiohttp handler (this file, `--serve-bare`) doing the same Redis work with no
  checks and no saq: GET the token's key, then SET the body + RPUSH its key (MULTI).

Jobs left in Redis are counted after each run, so a 204 that stored nothing would show. Redis:
one database (default 13), flushed and re-seeded before each run. Prints a Markdown table;
results and how to read them: docs/benchmarks.md, "Callback ingest".
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any
from urllib.parse import urlparse

import aiohttp
import redis
import redis.asyncio as aioredis
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if __package__ in (None, ""):  # `python bench/callbacks.py`: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._procs import Processes, cpu_seconds, free_port, pct, wait_ready
from bot.domain.meeting import Meeting
from bot.storage.keys import Keys
from bot.storage.store import Store

VARIANTS = ("bare", "meetbot")
BARE_QUEUE = "bench:bare:queued"
CONNECTIONS = 64  # keep-alive connections across all client processes
MEDIANS = ("rate", "p50", "p99", "cpu")


def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


async def seed(redis_url: str, count: int) -> list[dict[str, str]]:
    """`count` meetings with a callback token each, saved as the service saves them."""
    client = aioredis.Redis.from_url(redis_url)
    store = Store.open(client, clock=lambda: datetime.now(UTC))
    rooms = []
    for i in range(count):
        token, room_id = secrets.token_urlsafe(24), f"room-{i:04d}"
        await store.records.save(
            Meeting(
                id=f"bench-{i:04d}",
                team_id="T0BENCH",
                creator_id="U0BENCH",
                title=f"Bench {i}",
                channel_id="C0BENCH",
                room_id=room_id,
                callback_token=token,
                created_at=datetime.now(UTC),
            )
        )
        rooms.append({"token": token, "room_id": room_id})
    await client.aclose()
    return rooms


# --- load generator (its own process) ------------------------------------------------------
# A minimal HTTP/1.1 client on asyncio's Protocol: requests are bytes built before the clock
# starts and a 204 is one status line to read, so a request costs the client ~70 µs of CPU
# against ~190 µs through aiohttp's client (measured here). Client and server share the
# machine's cores; every microsecond the client spends is taken from the server.


def requests(rooms: list[dict[str, str]], count: int, tag: str) -> list[bytes]:
    made = []
    for i in range(count):
        room = rooms[i % len(rooms)]
        payload = {
            "event": "session:participant:joined",
            "participant_id": f"{tag}-p{i:07d}",
            "session_id": f"2_MX40bench-{room['room_id']}-fg",
            "room_id": room["room_id"],
            "name": f"Person {i}",
            "type": "Guest",
            "is_host": False,
        }
        body = json.dumps(payload).encode()
        head = (
            f"POST /callbacks/meetings/{room['token']} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        made.append(head.encode() + body)
    return made


class Connection(asyncio.Protocol):
    """One keep-alive connection, one request at a time; `request` returns the status (0: lost)."""

    def __init__(self) -> None:
        self.buffer = b""
        self.answer: asyncio.Future[int] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].lower()
        at = head.find(b"content-length:")
        length = int(head[at + 15 :].split(b"\r\n", 1)[0]) if at >= 0 else 0
        if len(self.buffer) < end + 4 + length:
            return
        status, self.buffer = int(head[9:12]), self.buffer[end + 4 + length :]
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(status)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(0)

    async def request(self, data: bytes) -> int:
        assert self.transport is not None
        self.answer = asyncio.get_running_loop().create_future()
        self.transport.write(data)
        return await self.answer


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


async def load(args: argparse.Namespace) -> None:
    """Send this client's share on an open-loop schedule; write (status, lag, latency, done)."""
    if args.pin:
        os.sched_setaffinity(0, set(range(1, os.cpu_count() or 2)))
    rooms = json.loads(Path(args.rooms).read_text())  # noqa: ASYNC240 - before the clock starts
    rate = args.rate / args.of
    work = requests(rooms, round(rate * args.seconds), Path(args.out).stem)
    url = urlparse(args.base)
    loop = asyncio.get_running_loop()
    # A bounded pool of keep-alive connections: a server that falls behind shows as lag and
    # latency, instead of the client opening thousands of sockets.
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(max(1, CONNECTIONS // args.of)):
        _, connection = await loop.create_connection(Connection, url.hostname, url.port)
        idle.put_nowait(connection)
    results: list[tuple[int, float, float, float]] = []

    async def send(data: bytes, due: float) -> None:
        connection = await idle.get()
        lag, started = time.time() - due, time.perf_counter()
        status = await connection.request(data)
        results.append((status, lag, time.perf_counter() - started, time.time()))
        if status:
            idle.put_nowait(connection)

    gc.collect()
    gc.freeze()
    # Clients start together and interleave: client k sends at start + (i + k/of) / rate.
    start = args.start + args.index / args.of / rate
    tasks = []
    for i, data in enumerate(work):
        due = start + i / rate
        # Sleep only when ahead by a millisecond or more: a timer per request would cost
        # more than the request, and the lag column shows any lateness that results.
        if (wait := due - time.time()) > 0.001:
            await asyncio.sleep(wait)
        tasks.append(asyncio.create_task(send(data, due)))
    await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    Path(args.out).write_text(json.dumps(results))  # noqa: ASYNC240 - after the clock stops


# --- the bare baseline server (its own process) --------------------------------------------


def bare_app(redis_url: str) -> web.Application:
    client = aioredis.Redis.from_url(redis_url, max_connections=64)
    keys = Keys()

    async def callback(request: web.Request) -> web.Response:
        body = await request.read()
        meeting_id = await client.get(keys.callback_token(request.match_info["token"]))
        if meeting_id is None:
            return web.json_response({"error": "unknown callback token"}, status=404)
        job_key = f"bench:bare:job:{secrets.token_hex(8)}"
        async with client.pipeline(transaction=True) as pipe:
            pipe.set(job_key, body)
            pipe.rpush(BARE_QUEUE, job_key)
            await pipe.execute()
        return web.Response(status=204)

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/callbacks/meetings/{token}", callback)
    app.router.add_get("/healthz", healthz)
    return app


# --- the orchestrator ----------------------------------------------------------------------


async def run_variant(variant: str, procs: Processes, args: argparse.Namespace) -> dict[str, Any]:
    """One run: a clean database with fresh rooms, the server, a warm-up second, the load."""
    with redis.Redis.from_url(args.redis_url) as flush:
        flush.flushdb()  # no job keys left over: every callback of the run is a new job
    rooms_file = procs.logs / "rooms.json"
    rooms_file.write_text(json.dumps(await seed(args.redis_url, args.meetings)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    if variant == "meetbot":
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - only if HOME is unset
            "PORT": str(port),
            "PUBLIC_URL": base,
            "REDIS_URL": args.redis_url,
            "LOG_LEVEL": args.log_level,
            "SLACK_SIGNING_SECRET": "bench-signing-secret",
            "SLACK_BOT_TOKEN": "xoxb-bench",
            # Nothing listens there: the web role never calls Slack on this path.
            "SLACK_API_URL": f"http://127.0.0.1:{free_port()}/api/",
            "VONAGE_APPLICATION_ID": "00000000-0000-4000-8000-000000000000",
            "VONAGE_PRIVATE_KEY": private_key_pem(),
            "MEETINGS_API_URL": f"http://127.0.0.1:{free_port()}/v1/meetings",
        }
        server = await procs.start("meetbot", "-m", "bot", "--role", "web", env=env)
    else:
        server = await procs.start(
            "bare", "-m", "bench.callbacks", "--serve-bare", "--port", str(port),
            "--redis-url", args.redis_url,
        )  # fmt: skip
    async with aiohttp.ClientSession() as http:
        await wait_ready(http, f"{base}/healthz")
    if args.pin:
        os.sched_setaffinity(server.pid, {0})
    results: list[list[float]] = []
    cpu = 0.0
    for phase, seconds in (("warm", 2.0), ("run", args.seconds)):
        rate = args.rate  # the warm-up at full rate grows the server's Redis pool, too
        start = time.time() + 1.0  # every client has built its bodies by then
        outs = [procs.logs / f"{variant}-{phase}-{k}.json" for k in range(args.clients)]
        common = ["--pin"] if args.pin else []
        common += ["--base", base, "--rooms", str(rooms_file), "--rate", str(rate),
                  "--seconds", str(seconds), "--start", str(start), "--of", str(args.clients)]  # fmt: skip
        loaders = [
            await procs.start(
                f"load-{variant}-{phase}-{k}",
                *["-m", "bench.callbacks", "--load", *common, "--index", str(k), "--out", str(out)],
            )
            for k, out in enumerate(outs)
        ]
        cpu_before = cpu_seconds(server)
        for loader in loaders:
            await loader.wait()
        cpu = cpu_seconds(server) - cpu_before
        await procs.stop(*loaders)
        stored = count_stored(variant, args.redis_url)
        if phase == "run":
            results = [row for out in outs for row in json.loads(out.read_text())]
    await procs.stop(server)
    ok = [r for r in results if r[0] == 204]
    latencies = [r[2] for r in ok]
    span = max(r[3] for r in ok) - min(r[3] - r[2] for r in ok) if ok else float("nan")
    return {
        "variant": variant,
        "sent": len(results),
        "ok": len(ok),
        "stored": stored,
        "rate": len(ok) / span if ok else 0.0,
        "p50": pct(latencies, 50),
        "p99": pct(latencies, 99),
        "max": max(latencies, default=float("nan")),
        "lag_p99": pct([r[1] for r in results], 99),
        "cpu": cpu / (args.seconds + 1.0),  # the server's cores in use, start delay included
    }


def count_stored(variant: str, redis_url: str) -> int:
    """Jobs waiting in Redis after a phase, then a clean slate for the next."""
    client = redis.Redis.from_url(redis_url)
    key = "saq:meetbot:queued" if variant == "meetbot" else BARE_QUEUE
    stored = int(client.llen(key))
    client.delete(key)
    client.close()
    return stored


def report(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        f"`{' '.join(['bench/callbacks.py', *sys.argv[1:]])}` — {args.rate:g} callbacks/s "
        f"offered for {args.seconds:g} s by {args.clients} client processes, "
        f"{args.meetings} rooms, LOG_LEVEL={args.log_level}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the end",
        "",
        "| variant | sent | 204 | jobs stored | achieved /s | p50 ms | p99 ms | max ms"
        " | client lag p99 ms | server CPU (cores) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        cells = [r["variant"], r["sent"], r["ok"], r["stored"], f"{r['rate']:,.0f}",
                 ms(r["p50"]), ms(r["p99"]), ms(r["max"]), ms(r["lag_p99"]), f"{r['cpu']:.2f}"]  # fmt: skip
        lines.append("| " + " | ".join(map(str, cells)) + " |")
    lines.append("")
    by = {
        variant: {k: median(r[k] for r in rows if r["variant"] == variant) for k in MEDIANS}
        for variant in dict.fromkeys(r["variant"] for r in rows)
    }
    for variant, m in by.items():
        lines.append(
            f"- {variant}, median of {args.repeat}: {m['rate']:,.0f}/s, p50 {ms(m['p50'])} ms, "
            f"p99 {ms(m['p99'])} ms, server CPU {m['cpu']:.2f} cores"
        )
    if "meetbot" in by and "bare" in by:
        ours, bare = by["meetbot"], by["bare"]
        lines.append(
            f"- meetbot / bare (medians): rate {ours['rate'] / bare['rate']:.2f}x, "
            f"p50 {ours['p50'] / bare['p50']:.2f}x, p99 {ours['p99'] / bare['p99']:.2f}x, "
            f"CPU per callback {ours['cpu'] / ours['rate'] / (bare['cpu'] / bare['rate']):.2f}x"
        )
    if "meetbot" in by:
        # Issue 20: ingest stays ≥ 3,000/s with p99 < 10 ms. "Achieved" runs from the first
        # request to the last answer, so an offered rate kept up reads ~0.5 % under it: kept up
        # means every callback answered 204 and stored, at ≥ 99 % of the offered rate.
        ours, runs = by["meetbot"], [r for r in rows if r["variant"] == "meetbot"]
        kept_up = all(r["ok"] == r["sent"] == r["stored"] for r in runs)
        met = args.rate >= 3000 and kept_up and ours["rate"] >= 0.99 * args.rate
        lines.append(
            f"- goal ≥ 3,000/s kept up (every callback 204 and stored): {'met' if met else 'MISSED'}"
            f"; p99 < 10 ms (median): {'met' if ours['p99'] < 0.010 else 'MISSED'}"
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> None:
    flush = redis.Redis.from_url(args.redis_url)
    flush.flushdb()
    with tempfile.TemporaryDirectory(prefix="bench-callbacks-") as tmp:
        procs = Processes(Path(args.logs) if args.logs else Path(tmp))
        procs.logs.mkdir(parents=True, exist_ok=True)
        try:
            rows = []
            for repeat in range(args.repeat):  # interleaved, so a drift hits every variant
                for variant in args.variants:
                    rows.append(await run_variant(variant, procs, args))
                    print(f"{variant} #{repeat + 1}: done", file=sys.stderr, flush=True)
            print(report(rows, args))
        finally:
            await procs.stop()
            flush.flushdb()
            flush.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=3000, help="callbacks per second (3000)")
    parser.add_argument("--seconds", type=float, default=10, help="load duration (10)")
    parser.add_argument("--clients", type=int, default=1, help="load processes (1)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (3)")
    parser.add_argument("--pin", action="store_true",
                        help="server on CPU 0, load generators on the others (Linux)")  # fmt: skip
    parser.add_argument("--meetings", type=int, default=100, help="rooms called back (100)")
    parser.add_argument("--log-level", default="INFO", help="meetbot's LOG_LEVEL (INFO)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13",
                        help="a Redis DB this benchmark may flush (not 0, 14 or 15)")  # fmt: skip
    parser.add_argument("--variants", type=lambda s: s.split(","), default=list(VARIANTS),
                        help="comma-separated subset of " + ",".join(VARIANTS))  # fmt: skip
    parser.add_argument("--logs", default=None, help="keep process logs in this directory")
    # Internal roles, run as child processes.
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    for name in ("--base", "--rooms", "--out"):
        parser.add_argument(name, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--index", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--of", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        web.run_app(bare_app(args.redis_url), host="127.0.0.1", port=args.port, print=None)
        return
    if args.load:
        asyncio.run(load(args))
        return
    db = int(urlparse(args.redis_url).path.strip("/") or 0)
    if db in (0, 14, 15):
        parser.error("--redis-url: use a database of its own (not 0, 14 or 15)")
    if unknown := set(args.variants) - set(VARIANTS):
        parser.error(f"--variants: unknown {sorted(unknown)}")
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
