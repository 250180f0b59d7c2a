"""Shared fixtures: a real Redis on its own DB, an RSA key pair, and the HTTP fakes (plugins/)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from urllib.parse import urlparse

import pytest
import redis.asyncio as aioredis
from meetbot_sandbox.meetings.keypair import KeyPair, new_key_pair

pytest_plugins = [
    "tests.plugins.emulator",
    "tests.plugins.meetings",
    "tests.plugins.slack",
    "tests.plugins.bot",
    "tests.plugins.daily",
    "tests.plugins.providers",
]

# Tests own one DB of the Redis at REDIS_URL (make test starts one if none answers) and flush
# it: DB 15 unless MEETBOT_TEST_REDIS_DB says otherwise (two suites running side by side).
TEST_REDIS_DB = int(os.environ.get("MEETBOT_TEST_REDIS_DB", "15"))


def _test_redis_url() -> str:
    base = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return f"redis://{base.hostname or '127.0.0.1'}:{base.port or 6379}/{TEST_REDIS_DB}"


@pytest.fixture
def redis_url() -> str:
    return _test_redis_url()


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
