"""`python -m bot` with no credentials, as a person runs it after cloning: the sandbox.

Not a fixture plugin: tests enter `running_sandbox(redis_url)` themselves, so only the tests
that need the whole process pay for starting it. `Page` is the sandbox's HTTP API as the page
uses it, for tests that mount the sandbox's routes beside an in-process bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.test_utils import unused_port
from meetbot_sandbox.demo.routes import Sandbox

STARTUP_SECONDS = 30


@dataclass
class Page:
    """The sandbox's HTTP API as the page uses it."""

    url: str
    http: aiohttp.ClientSession
    sandbox: Sandbox | None = None  # None when the page talks to a `python -m bot` process

    async def post(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        async with self.http.post(f"{self.url}/api/{path}", json=body) as response:
            return response.status, await response.json()

    async def state(self) -> dict[str, Any]:
        async with self.http.get(f"{self.url}/api/state") as response:
            return dict(await response.json())


@contextlib.asynccontextmanager
async def running_sandbox(redis_url: str, *command: str) -> AsyncIterator[str]:
    """Start `python -m <command>` (default: `bot`) with an environment holding no credential
    at all and yield the one line it prints (the page's URL); SIGTERM it afterwards and check
    it exited cleanly."""
    module, *args = command or ("bot",)
    port = unused_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),  # noqa: S108 - only a fallback for HOME
        "PORT": str(port),
        "REDIS_URL": redis_url,
    }
    if "PYTHONPATH" in os.environ:  # a worktree's own code, not the venv's installed copy
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", module, *args, env=env, stdout=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), STARTUP_SECONDS)
        assert line, f"python -m {module} exited with {await process.wait()} before printing a URL"
        yield line.decode().strip()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 15)
    rest = await process.stdout.read()
    assert code == 0, f"python -m {module} exited with {code}"
    assert not rest.strip(), f"the sandbox printed more than its URL: {rest!r}"
