"""Shared fixtures: a real Redis on its own DB, an RSA key pair, and the HTTP fakes (plugins/)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
import redis.asyncio as aioredis
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

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


@dataclass(frozen=True)
class KeyPair:
    private_pem: str
    public_pem: str


@pytest.fixture(scope="session")
def rsa_keypair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return KeyPair(private_pem=private_pem, public_pem=public_pem)
