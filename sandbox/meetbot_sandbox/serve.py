"""Run one emulator standalone until Ctrl-C or SIGTERM: what every `python -m meetbot_sandbox.X`
shares (bind, announce the environment lines that point meetbot at it, wait, clean up)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterable

from aiohttp import web


def display_host(host: str) -> str:
    """The host to print in URLs: a wildcard bind is reachable as 127.0.0.1 from this machine."""
    return "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104 - display only


async def serve_until_stopped(
    app: web.Application, *, host: str, port: int, announce: Callable[[str], Iterable[str]]
) -> None:
    """Serve `app` on host:port (0 picks a free port), print `announce(root_url)` once
    listening (root_url is `http://host:port`, the port actually bound), and run until
    SIGINT or SIGTERM."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound = runner.addresses[0][1]
        for line in announce(f"http://{display_host(host)}:{bound}"):
            print(line, flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(signum, stop.set)
        await stop.wait()
    finally:
        await runner.cleanup()
