"""Open-loop load generator for bench/ack.py: signed `/meet` requests at a fixed schedule.

Run as its own process (`python -m bench._load ...`) so the server under test never shares
an event loop or a core's time slice with the client that times it. Request `i` is due at
`start + i / rate` whether or not earlier ones were answered (open loop: a slow server gets
more concurrent requests, as with Slack, instead of a politely slower client). Bodies and
signatures are made before the clock starts; each result records when the request went out
(wall clock, to match against card arrival in another process), how late it went out against
its schedule, and the ack latency (monotonic clock).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import aiohttp
from meetbot_sandbox.slack.signing import new_trigger_id, signed_headers, slash_command_body


@dataclass
class Sent:
    title: str
    sent_at: float  # time.time() just before the request was written
    lag: float  # seconds behind schedule when it went out
    status: int  # HTTP status, 0 if no answer
    ack: float  # seconds from send to the whole response read


def user_id(i: int) -> str:
    """The i-th of the people sending commands (200 a second come from many people)."""
    return f"UB{i:06d}"


def team_id(i: int) -> str:
    return f"TB{i:06d}"


def channel_id(i: int) -> str:
    return f"CB{i:06d}"


def title_for(prefix: str, i: int) -> str:
    return f"{prefix}-{i:06d}"


def prepare(args: argparse.Namespace, count: int) -> list[tuple[str, bytes, dict[str, str]]]:
    requests = []
    for i in range(count):
        title = title_for(args.prefix, i)
        body = slash_command_body(
            text=title,
            user_id=user_id(i % args.users),
            user_name=f"bench{i % args.users}",
            # Person i speaks in their own channel of their own workspace: 200 cards a second
            # in one channel (or workspace) is beyond what Slack lets any app post, and the
            # bot's pacing (bot.slack.pacing) would queue them; this is how such load looks.
            channel_id=channel_id(i % args.users),
            channel_name=f"bench{i % args.users}",
            team_id=team_id(i % args.users),
            trigger_id=new_trigger_id(),
            response_url=args.response_url,
        )
        requests.append((title, body, signed_headers(args.secret, body)))
    return requests


async def send(
    session: aiohttp.ClientSession,
    url: str,
    request: tuple[str, bytes, dict[str, str]],
    due: float,
) -> Sent:
    title, body, headers = request
    lag = time.perf_counter() - due
    sent_at, started = time.time(), time.perf_counter()
    try:
        async with session.post(url, data=body, headers=headers) as response:
            await response.read()
            return Sent(title, sent_at, lag, response.status, time.perf_counter() - started)
    except (aiohttp.ClientError, TimeoutError):
        return Sent(title, sent_at, lag, 0, time.perf_counter() - started)


async def run(args: argparse.Namespace) -> list[Sent]:
    rate = args.rate
    requests = prepare(args, round(rate * args.seconds))
    connector = aiohttp.TCPConnector(limit=0)  # open loop: never queue behind our own pool
    timeout = aiohttp.ClientTimeout(total=10)
    gc.collect()
    gc.freeze()  # keep collector pauses out of the client's timings
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks: list[asyncio.Task[Sent]] = []
        start = time.perf_counter() + 0.05
        for i, request in enumerate(requests):
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            tasks.append(asyncio.create_task(send(session, args.url, request, due)))
        return list(await asyncio.gather(*tasks))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench._load", description=__doc__)
    parser.add_argument("--url", required=True, help="the Request URL (…/slack/events)")
    parser.add_argument("--secret", required=True, help="Slack signing secret")
    parser.add_argument("--prefix", required=True, help="title prefix; titles are PREFIX-NNNNNN")
    parser.add_argument("--rate", type=float, required=True, help="requests per second")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--response-url", required=True, help="for failure notices")
    parser.add_argument(
        "--users",
        type=int,
        required=True,
        help="command i is by user i % N, in their channel, of their workspace",
    )
    parser.add_argument("--out", type=Path, required=True, help="results (JSON)")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args))
    cpu = time.process_time()  # this process's CPU, preparation included
    args.out.write_text(json.dumps({"cpu": cpu, "results": [asdict(r) for r in results]}))


if __name__ == "__main__":
    main()
