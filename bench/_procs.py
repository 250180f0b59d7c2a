"""Process plumbing for bench/ack.py: start, await readiness, account CPU, stop; percentiles."""

from __future__ import annotations

import asyncio
import math
import os
import socket
import sys
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent


class Processes:
    """Child processes (run from the repository root) with their output in files under `logs`;
    `stop()` terminates whatever is still running, newest first."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[asyncio.subprocess.Process] = []

    async def start(
        self, name: str, *args: str, env: dict[str, str] | None = None
    ) -> asyncio.subprocess.Process:
        with (self.logs / f"{name}.log").open("wb") as sink:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, *args, cwd=ROOT, env=env, stdout=sink, stderr=sink
            )
        self.running.append(proc)
        return proc

    async def stop(self, *procs: asyncio.subprocess.Process) -> None:
        for proc in procs or tuple(reversed(self.running)):
            if proc not in self.running:
                continue
            self.running.remove(proc)
            if proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_ready(http: aiohttp.ClientSession, url: str, seconds: float = 20) -> None:
    """Poll `url` until it answers 200."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not ready after {seconds:.0f} s")
        await asyncio.sleep(0.1)


def tree(pid: int) -> list[int]:
    """`pid` and its live descendants (Linux /proc): `python -m bot` supervises two children."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in tree(int(child)))]


def cpu_seconds(*procs: asyncio.subprocess.Process) -> float:
    """User + system CPU time used so far by these live processes and their children (Linux
    /proc; else NaN)."""
    return pid_cpu_seconds(*(p for proc in procs for p in tree(proc.pid)))


def pid_cpu_seconds(*pids: int) -> float:
    """User + system CPU time used so far by these live processes alone (Linux /proc; else NaN)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return math.nan
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]
