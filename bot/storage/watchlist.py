"""Meetings whose card may still change, each with the time of its next check: what the
reconciliation sweep (`bot.cards.reconcile`) works through when callbacks are lost."""

from __future__ import annotations

from datetime import datetime

import redis.asyncio as aioredis

from bot.storage.keys import STEP_TTL, Keys
from bot.storage.redis import text
from bot.storage.steps import JobSteps, StepLog


class Watchlist:
    def __init__(self, redis: aioredis.Redis, *, keys: Keys, steps: StepLog) -> None:
        self.redis = redis
        self.keys = keys
        self.steps = steps
        self._watch = redis.register_script(_WATCH)

    async def mark_active(self, meeting_id: str, check_at: datetime) -> None:
        await self.redis.zadd(self.keys.active_meetings(), {meeting_id: check_at.timestamp()})

    async def watch(
        self,
        meeting_id: str,
        check_at: datetime,
        *,
        steps: JobSteps | None = None,
        viewer: tuple[str, str] | None = None,
    ) -> bool:
        """Check the meeting no later than `check_at` (never postpones an earlier check); with
        `steps`, their noted results are written in the same round trip (one Lua call: as a
        pipeline it cost half as much again in client CPU: docs/benchmarks.md, issue 20).
        With `viewer` (team id, user id): whether that person has opened App Home lately
        (`HomeViewers.seen`), asked in the same round trip; else False."""
        values = steps.pending if steps is not None else {}
        if viewer is None and (steps is None or not values):
            await self.redis.zadd(
                self.keys.active_meetings(), {meeting_id: check_at.timestamp()}, lt=True
            )
            return False
        keys = [self.keys.active_meetings(), self.keys.steps(steps.key if steps else "-")]
        if viewer is not None:
            keys.append(self.keys.home_viewer(*viewer))
        seen = await self._watch(
            keys=keys,
            args=[
                repr(check_at.timestamp()),
                meeting_id,
                STEP_TTL,
                *(item for pair in values.items() for item in pair),
            ],
            client=self.redis,
        )
        if steps is not None:
            steps.written(values)
        return bool(seen)

    async def mark_settled(self, meeting_id: str) -> None:
        await self.redis.zrem(self.keys.active_meetings(), meeting_id)

    async def due(self, now: datetime, *, limit: int = 200) -> list[str]:
        ids = await self.redis.zrangebyscore(
            self.keys.active_meetings(), "-inf", now.timestamp(), start=0, num=limit
        )
        return [text(i) for i in ids]


# watch with steps. KEYS: the watchlist, the job's steps, optionally a home viewer's key.
# ARGV: when to check, the meeting id, the steps' TTL, then step names and values (if any).
# Returns whether the home viewer's key exists (0 without one).
_WATCH = """
redis.call('ZADD', KEYS[1], 'LT', ARGV[1], ARGV[2])
if #ARGV > 3 then
  redis.call('HSET', KEYS[2], unpack(ARGV, 4))
  redis.call('EXPIRE', KEYS[2], ARGV[3])
end
if KEYS[3] then return redis.call('EXISTS', KEYS[3]) end
return 0
"""
