"""Who has opened meetbot's Home tab lately: only their Home is re-published when their
meetings change (a Home nobody opened is built when first opened)."""

from __future__ import annotations

import redis.asyncio as aioredis

from bot.storage.keys import HOME_VIEWER_TTL, Keys
from bot.storage.redis import unavailable_when_down


class HomeViewers:
    def __init__(self, redis: aioredis.Redis, *, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    async def mark(self, team_id: str, user_id: str) -> None:
        await self.redis.set(self.keys.home_viewer(team_id, user_id), 1, ex=HOME_VIEWER_TTL)

    async def seen(self, team_id: str, user_id: str) -> bool:
        """Raises Unavailable when Redis is down (asked on the ack path)."""
        with unavailable_when_down():
            return bool(await self.redis.exists(self.keys.home_viewer(team_id, user_id)))
