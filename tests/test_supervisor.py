"""`python -m bot` as two supervised processes (issue 20): what an operator relies on when the
default command runs the web and worker roles apart."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import unused_port

from bot.supervisor import Supervisor
from tests.plugins.bot import bot_env
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its new parent) counts as gone.
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "\nState:\tZ" not in status.read_text()


async def _until(condition: object, seconds: float = 15) -> None:
    assert callable(condition)
    for _ in range(int(seconds * 10)):
        if condition():
            return
        await asyncio.sleep(0.1)  # polling processes we do not control; nothing to await on
    raise AssertionError("condition never held")


async def _healthy(url: str) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(f"{url}/healthz") as resp:
            return resp.status == 200
    except aiohttp.ClientConnectionError:
        return False


async def _wait_healthy(url: str) -> None:
    for _ in range(150):
        if await _healthy(url):
            return
        await asyncio.sleep(0.1)
    raise AssertionError("never healthy")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
async def test_python_m_bot_runs_two_roles_restarts_a_dead_one_and_none_outlives_it(
    emulator: EmulatorHandle, slack_api: FakeSlack, redis_url: str, redis: object
) -> None:
    port = unused_port()
    env = {**os.environ, **bot_env(emulator, slack_api, redis_url, port)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, stderr=asyncio.subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_healthy(url)
        await _until(lambda: len(_children(process.pid)) == 2)
        web, worker = sorted(_children(process.pid))
        # Kill one child hard: the supervisor notices, says so and starts another.
        os.kill(web, signal.SIGKILL)
        await _until(lambda: len(_children(process.pid) - {web, worker}) == 1)
        await _wait_healthy(url)
        survivors = _children(process.pid)
        # The supervisor itself killed with SIGKILL: the kernel stops its children.
        process.kill()
        await process.wait()
        await _until(lambda: not any(_alive(pid) for pid in survivors))
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.stderr is not None
    said = (await process.stderr.read()).decode()
    assert "role exited with 137; restarting in 1 s" in said


async def test_sigterm_stops_both_roles_and_the_exit_code_is_zero(
    emulator: EmulatorHandle, slack_api: FakeSlack, redis_url: str, redis: object
) -> None:
    port = unused_port()
    env = {**os.environ, **bot_env(emulator, slack_api, redis_url, port)}
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", env=env)
    await _wait_healthy(f"http://127.0.0.1:{port}")
    children = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 20) == 0
    assert not any(_alive(pid) for pid in children)


def _sleep_forever() -> int:
    time.sleep(60)
    return 0


def test_a_child_refusing_its_configuration_is_not_restarted_and_its_code_is_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.supervisor"):
        code = Supervisor({"web": _sleep_forever, "worker": lambda: 2}, backoff_first=0.1).run()
    assert code == 2
    assert "worker role exited with 2 (configuration); stopping" in caplog.text


def test_a_crashing_child_is_restarted_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    marker = tmp_path / "ran"

    def crashes_once() -> int:
        if not marker.exists():
            marker.write_text("1")
            raise RuntimeError("boom")  # printed to stderr, exit code 1
        os.kill(os.getppid(), signal.SIGTERM)  # second run: ask the supervisor to stop
        return _sleep_forever()

    with caplog.at_level(logging.INFO, logger="bot.supervisor"):
        code = Supervisor({"worker": crashes_once}, backoff_first=0.1).run()
    assert "worker role exited with 1; restarting in 0 s" in caplog.text
    assert caplog.text.count("worker role started") == 2
    assert code == 0, "ended by the SIGTERM it was sent: a clean stop"
