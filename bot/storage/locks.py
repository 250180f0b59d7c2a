"""Named locks across replicas (one reconciliation sweep at a time)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as aioredis

from bot.storage.keys import Keys

_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


class Locks:
    def __init__(self, redis: aioredis.Redis, *, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    @asynccontextmanager
    async def exclusive(self, name: str, *, ttl: float) -> AsyncIterator[bool]:
        """Yield True if this process holds the named lock."""
        key, token = self.keys.lock(name), secrets.token_hex(8)
        held = bool(await self.redis.set(key, token, nx=True, px=int(ttl * 1000)))
        try:
            yield held
        finally:
            if held:
                # Release only our own lock: compare-and-delete in one step.
                await self.redis.eval(_RELEASE, 1, key, token)
