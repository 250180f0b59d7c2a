"""Signatures of verified Slack requests, each remembered once while it could still verify
(the replay guard of `bot.slack.request_guard`)."""

from __future__ import annotations

import redis.asyncio as aioredis

from bot.storage.keys import SLACK_REPLAY_TTL, Keys
from bot.storage.redis import unavailable_on_failure


class SeenRequests:
    def __init__(
        self, redis: aioredis.Redis, *, keys: Keys | None = None, ttl: int = SLACK_REPLAY_TTL
    ) -> None:
        self._redis = redis
        self._keys = keys or Keys()
        self._ttl = ttl

    @unavailable_on_failure
    async def first_sighting(self, signature: str) -> bool:
        """True unless this signature was seen before (`SET NX`). Raises Unavailable."""
        key = self._keys.slack_request(signature)
        return bool(await self._redis.set(key, b"1", nx=True, ex=self._ttl))
