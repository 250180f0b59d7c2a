"""The standup scheduler (I/O): every worker runs one; each due occurrence becomes one saq job.

A tick claims due schedules (`StandupStore.claim_due`, atomic, so schedulers never share an
occurrence), enqueues `fire_standup` keyed `standup:{id}:{due}`, then moves each schedule to
its next occurrence (`bot.schedule.next_occurrence`, pure). An occurrence found more than
LATE_LIMIT after its time (every worker was down) is skipped and logged, never posted.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.errors import Unavailable
from bot.jobs import Jobs
from bot.schedule import next_occurrence
from bot.standup_store import Claimed, StandupStore
from bot.store import RedisDown

log = logging.getLogger(__name__)

TICK = 0.2  # seconds between looks at the due set: the most a due standup waits to be seen
BATCH = 500  # occurrences claimed per look; a full batch looks again at once
LEASE = 30.0  # a claim not advanced within this (its scheduler died) is taken again
LATE_LIMIT = timedelta(minutes=15)
ENQUEUE_CONCURRENCY = 32


class StandupScheduler:
    def __init__(
        self,
        store: StandupStore,
        jobs: Jobs,
        clock: Callable[[], datetime],
        *,
        tick: float = TICK,
        batch: int = BATCH,
        lease: float = LEASE,
    ) -> None:
        self.store = store
        self.jobs = jobs
        self.clock = clock
        self.tick_seconds = tick
        self.batch = batch
        self.lease = lease

    async def tick(self) -> int:
        """Claim, enqueue and advance what is due now; how many occurrences were claimed."""
        now = self.clock()
        claimed = await self.store.claim_due(now, limit=self.batch, lease=self.lease)
        limit = asyncio.Semaphore(ENQUEUE_CONCURRENCY)

        async def one(claim: Claimed) -> None:
            async with limit:
                await self._fire(claim, now)

        await asyncio.gather(*(one(claim) for claim in claimed))
        return len(claimed)

    async def _fire(self, claim: Claimed, now: datetime) -> None:
        schedule, due = claim.schedule, claim.due
        if schedule is None:  # cancelled between being due and being claimed
            await self.store.advance(claim.schedule_id, due, None)
            return
        late = now.timestamp() - due
        if late > LATE_LIMIT.total_seconds():
            log.warning(
                "standup %s: occurrence at %s skipped, found %.0f s late (workers were down)",
                schedule.id,
                datetime.fromtimestamp(due, UTC).isoformat(),
                late,
            )
        else:
            await self.jobs.enqueue(
                "fire_standup",
                f"standup:{schedule.id}:{due}",
                schedule_id=schedule.id,
                due=due,
                late_seconds=max(0.0, late),
            )
        # After downtime, occurrences older than the late window are not replayed one by one.
        after = max(datetime.fromtimestamp(due, UTC), now - LATE_LIMIT)
        following = next_occurrence(
            schedule.rule, tz=schedule.tz, dtstart=schedule.dtstart, after=after
        )
        await self.store.advance(schedule.id, due, following)

    async def run_forever(self) -> None:
        while True:
            try:
                claimed = await self.tick()
            except (Unavailable, *RedisDown):
                log.warning("standup scheduler: Redis unreachable; trying again")
                claimed = 0
            except Exception:
                # One bad record must not stop standups for everyone; its lease runs out and
                # it is retried (and logged) again.
                log.exception("standup scheduler tick failed")
                claimed = 0
            if claimed < self.batch:
                await asyncio.sleep(self.tick_seconds)
