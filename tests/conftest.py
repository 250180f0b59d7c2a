"""Shared fixtures: a real Redis of the suite's own, an RSA key pair, and the HTTP fakes (plugins/)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import unused_port
from meetbot_sandbox.meetings.keypair import KeyPair, new_key_pair

pytest_plugins = [
    "tests.plugins.emulator",
    "tests.plugins.meetings",
    "tests.plugins.slack",
    "tests.plugins.bot",
    "tests.plugins.daily",
    "tests.plugins.providers",
]


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server of this test session's own, on a free port of 127.0.0.1, keeping
    nothing on disk: the suite never reads or flushes a Redis of the person running it, and two
    suites can run side by side. Stopped when the session ends."""
    binary = shutil.which("redis-server")
    assert binary is not None, "the tests need redis-server (make test installs it)"
    port = unused_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_pong(port)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_pong(port: int) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.05)  # the server is starting: poll, there is nothing to await
    raise RuntimeError("the suite's redis-server did not start")


@pytest.fixture
def redis_url(redis_server: str) -> str:
    return f"{redis_server}/0"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.aclose()


@pytest.fixture(scope="session")
def rsa_keypair() -> KeyPair:
    return new_key_pair()
