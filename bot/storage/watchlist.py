"""Meetings whose card may still change, each with the time of its next check: what the
reconciliation sweep (`bot.cards.reconcile`) works through when callbacks are lost."""

from __future__ import annotations

from datetime import datetime

import redis.asyncio as aioredis

from bot.storage.keys import Keys
from bot.storage.redis import text
from bot.storage.steps import JobSteps, StepLog


class Watchlist:
    def __init__(self, redis: aioredis.Redis, *, keys: Keys, steps: StepLog) -> None:
        self.redis = redis
        self.keys = keys
        self.steps = steps

    async def mark_active(self, meeting_id: str, check_at: datetime) -> None:
        await self.redis.zadd(self.keys.active_meetings(), {meeting_id: check_at.timestamp()})

    async def watch(
        self, meeting_id: str, check_at: datetime, *, steps: JobSteps | None = None
    ) -> None:
        """Check the meeting no later than `check_at` (never postpones an earlier check); with
        `steps`, their noted results are written in the same round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            written = self.steps.stage(pipe, steps)
            pipe.zadd(self.keys.active_meetings(), {meeting_id: check_at.timestamp()}, lt=True)
            await pipe.execute()
        if steps is not None:
            steps.written(written)

    async def mark_settled(self, meeting_id: str) -> None:
        await self.redis.zrem(self.keys.active_meetings(), meeting_id)

    async def due(self, now: datetime, *, limit: int = 200) -> list[str]:
        ids = await self.redis.zrangebyscore(
            self.keys.active_meetings(), "-inf", now.timestamp(), start=0, num=limit
        )
        return [text(i) for i in ids]
