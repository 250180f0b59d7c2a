"""meetbot's state in Redis, one part per seam: meeting records, job steps, the watchlist of
cards that may still change, Home viewers and locks. Key names and TTLs: `bot.storage.keys`.

Standup schedules (`bot.standups.store`) and Slack installations (`bot.slack.installations`)
keep their own stores beside their features, on the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis.asyncio as aioredis

from bot.domain.clock import Clock
from bot.storage.home_viewers import HomeViewers
from bot.storage.keys import Keys
from bot.storage.locks import Locks
from bot.storage.records import MeetingRecords
from bot.storage.redis import reachable
from bot.storage.steps import StepLog
from bot.storage.watchlist import Watchlist


@dataclass(frozen=True)
class Store:
    redis: aioredis.Redis
    keys: Keys
    records: MeetingRecords
    steps: StepLog
    watchlist: Watchlist
    home_viewers: HomeViewers
    locks: Locks

    @classmethod
    def open(cls, redis: aioredis.Redis, *, clock: Clock, keys: Keys | None = None) -> Store:
        keys = keys or Keys()
        steps = StepLog(redis, keys)
        return cls(
            redis=redis,
            keys=keys,
            records=MeetingRecords(redis, keys=keys, steps=steps, clock=clock),
            steps=steps,
            watchlist=Watchlist(redis, keys=keys, steps=steps),
            home_viewers=HomeViewers(redis, keys=keys),
            locks=Locks(redis, keys=keys),
        )

    async def ping(self) -> bool:
        return await reachable(self.redis)
