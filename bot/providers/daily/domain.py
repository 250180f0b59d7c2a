"""The Daily domain id, fetched once (`GET /`) and kept: self-signed tokens carry it as `d`.

A domain's id never changes for its API key, so one request serves the process for good and,
through Redis when there is one, every replica for a day (`Keys.daily_domain`): a fleet of
workers starting together asks Daily once, not once each. Concurrent first callers wait for
the same request.
"""

from __future__ import annotations

import asyncio
import contextlib

import redis.asyncio as aioredis

from bot.providers.daily.client import DailyClient
from bot.storage.keys import DAILY_DOMAIN_TTL, Keys
from bot.storage.redis import RedisDown


class DomainId:
    """Args:
    client: asks Daily (`GET /`) when nobody knows the id yet.
    redis, keys, account: the shared copy (`Keys.daily_domain(account)`); optional.
    """

    def __init__(
        self,
        client: DailyClient,
        *,
        redis: aioredis.Redis | None = None,
        keys: Keys | None = None,
        account: str = "",
    ) -> None:
        self._client = client
        self._redis = redis
        self._key = (keys or Keys()).daily_domain(account)
        self._value: str | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        if self._value is not None:
            return self._value
        async with self._lock:
            if self._value is None:
                self._value = await self._shared() or await self._fetch()
        return self._value

    async def _shared(self) -> str | None:
        if self._redis is None:
            return None
        try:
            raw = await self._redis.get(self._key)
        except RedisDown:
            return None
        return raw.decode() if isinstance(raw, bytes) else None

    async def _fetch(self) -> str:
        domain_id = (await self._client.domain_config()).domain_id
        if self._redis is not None:
            with contextlib.suppress(*RedisDown):  # the next process asks Daily once more
                await self._redis.set(self._key, domain_id, ex=DAILY_DOMAIN_TTL)
        return domain_id
