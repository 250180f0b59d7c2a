"""The standup scheduler (I/O): every worker runs one; it claims due occurrences in batches and
fires them itself, from a bounded pool of tasks.

Why not one saq job per occurrence (the first design): a job costs about five Redis round
trips plus its own bookkeeping, and 10,000 standups due in the same minute took 38 s to start
through three workers (docs/benchmarks.md). Here a claim takes up to as many occurrences as
there are free slots in one round trip (`StandupStore.claim_due`), each starts firing at once,
the leases of everything in flight are renewed in one round trip every RENEW seconds, and
finished or failed claims are settled in batches. Per occurrence, the claim path costs
O(1/batch) round trips; the firing itself is `Firer.fire` (a card, a DM: bot.standups.tasks).

Crash recovery: a scheduler that dies stops renewing, its leases run out within LEASE seconds
and the next claim anywhere takes those occurrences over; the run resumes from its recorded
steps (bot.meet.service) instead of repeating them. A transient failure is retried with backoff as
long as the occurrence stays within LATE_LIMIT; a permanent one, or one that runs out of
attempts, is told to the owner once and the schedule moves on. An occurrence found more than
LATE_LIMIT after its time (every worker was down) is skipped and logged, never posted.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.errors import Unavailable
from bot.meet.service import is_permanent
from bot.standups.recurrence import next_occurrence
from bot.standups.store import Claimed, Settle, StandupStore
from bot.storage.redis import RedisDown

log = logging.getLogger(__name__)

TICK = 0.2  # the longest a scheduler sleeps between looks at the due set
CONCURRENCY = 256  # occurrences one scheduler fires at once (each mostly waits on Slack/Redis)
BATCH = 256  # at most this many claimed per round trip
LOW_WATER = 32  # with fewer free slots than this, wait for runs to finish before claiming more
# A claim not renewed for LEASE seconds belongs to a dead scheduler: taken over within
# LEASE + TICK (DESIGN §2: recovery within 10 s). RENEW leaves room for three missed renewals.
LEASE = 6.0
RENEW = 1.5
RETRIES = 8  # attempts per occurrence, take-overs included
RETRY_DELAY = 1.0  # doubled per attempt, capped at RETRY_BACKOFF
RETRY_BACKOFF = 60.0
LATE_LIMIT = timedelta(minutes=15)


class Firer(Protocol):
    """What firing an occurrence does (bot.standups.tasks.StandupFirer posts the card)."""

    async def fire(self, claim: Claimed, late_seconds: float) -> str:
        """Run (or resume) the occurrence; a word for the log. Raises to be retried."""

    async def give_up(self, claim: Claimed, exc: BaseException) -> None:
        """Tell the owner, once, that this occurrence could not be posted."""


@dataclass
class SchedulerStats:
    """Counters an operator (and the tests) can read: Redis round trips and outcomes."""

    claim_calls: int = 0
    claimed: int = 0
    settle_calls: int = 0
    fired: int = 0
    skipped: int = 0
    retried: int = 0
    failed: int = 0
    taken_over: int = 0


@dataclass
class _Firing:
    claim: Claimed
    started: datetime
    task: asyncio.Task[None] | None = field(default=None, repr=False)


class StandupScheduler:
    def __init__(
        self,
        store: StandupStore,
        firer: Firer,
        clock: Callable[[], datetime],
        *,
        tick: float = TICK,
        batch: int = BATCH,
        concurrency: int = CONCURRENCY,
        lease: float = LEASE,
        renew: float = RENEW,
    ) -> None:
        self.store = store
        self.firer = firer
        self.clock = clock
        self.tick_seconds = tick
        self.batch = batch
        self.concurrency = concurrency
        self.lease = lease
        self.renew_seconds = renew
        self.stats = SchedulerStats()
        self._instance = secrets.token_hex(4)
        self._claims = itertools.count(1)
        self._firing: dict[tuple[str, int], _Firing] = {}
        self._settles: list[Settle] = []
        self._settle_wanted = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._stopping = False

    # --- claiming ---------------------------------------------------------------------------

    async def claim_once(self) -> tuple[int, float]:
        """Claim what is due, as much as there is room for, and start firing it: how many were
        claimed, and how long to wait before looking again."""
        free = self.concurrency - len(self._firing)
        if self._firing and free < min(LOW_WATER, self.concurrency):
            return 0, self.tick_seconds  # woken early when a run finishes
        limit = min(self.batch, free)
        now = self.clock()
        token = f"{self._instance}.{next(self._claims)}"
        claimed, first = await self.store.claim_due(now, limit=limit, lease=self.lease, token=token)
        self.stats.claim_calls += 1
        self.stats.claimed += len(claimed)
        for claim in claimed:
            self._start(claim, now)
        if len(claimed) == limit:
            return len(claimed), 0.0  # there may be more: look again at once
        if first is None:
            return len(claimed), self.tick_seconds
        # Sleep until the earliest occurrence (or lease end) comes, but never past one tick.
        return len(claimed), min(max(first - now.timestamp(), 0.0), self.tick_seconds)

    def _start(self, claim: Claimed, now: datetime) -> None:
        key = (claim.schedule_id, claim.due)
        if (current := self._firing.get(key)) is not None:
            # Our own lease ran out while the run goes on (a stalled loop): carry on under the
            # new claim rather than start the occurrence a second time.
            current.claim = claim
            return
        firing = _Firing(claim, now)
        self._firing[key] = firing
        firing.task = asyncio.create_task(self._run(firing))

    async def _run(self, firing: _Firing) -> None:
        claim, now = firing.claim, firing.started
        late = now.timestamp() - claim.due
        try:
            if claim.schedule is None:
                outcome = "cancelled"
            elif late > LATE_LIMIT.total_seconds():
                log.warning(
                    "standup %s: occurrence at %s skipped, found %.0f s late (workers were down)",
                    claim.schedule_id,
                    _iso(claim.due),
                    late,
                )
                self.stats.skipped += 1
                outcome = "skipped"
            else:
                outcome = await self.firer.fire(claim, max(0.0, late))
                self.stats.fired += 1
            log.info("standup %s at %s: %s", claim.schedule_id, _iso(claim.due), outcome)
            self._advance(firing.claim, now)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # every failure is retried or told to the owner, never lost
            await self._failed(firing.claim, exc, now)
        finally:
            self._firing.pop((claim.schedule_id, claim.due), None)
            self._slot_freed.set()

    async def _failed(self, claim: Claimed, exc: Exception, now: datetime) -> None:
        retry_at = self.clock().timestamp() + min(
            RETRY_DELAY * 2 ** (claim.attempt - 1), RETRY_BACKOFF
        )
        too_late = retry_at - claim.due > LATE_LIMIT.total_seconds()
        if not (is_permanent(exc) or claim.attempt >= RETRIES or too_late):
            log.info(
                "standup %s at %s: attempt %d failed (%s); retrying",
                claim.schedule_id,
                _iso(claim.due),
                claim.attempt,
                type(exc).__name__,
            )
            self.stats.retried += 1
            self._queue(Settle(claim, retry_at, hold=True))
            return
        log.warning(
            "standup %s at %s: failed for good after %d attempt(s) (%s)",
            claim.schedule_id,
            _iso(claim.due),
            claim.attempt,
            type(exc).__name__,
        )
        self.stats.failed += 1
        try:
            await self.firer.give_up(claim, exc)
        except Exception:
            log.exception("standup %s: could not tell the owner", claim.schedule_id)
        self._advance(claim, now)

    def _advance(self, claim: Claimed, now: datetime) -> None:
        schedule = claim.schedule
        following = None
        if schedule is not None:
            # After downtime, occurrences older than the late window are not replayed one by one.
            after = max(datetime.fromtimestamp(claim.due, UTC), now - LATE_LIMIT)
            following = next_occurrence(
                schedule.rule, tz=schedule.tz, dtstart=schedule.dtstart, after=after
            )
        self._queue(Settle(claim, None if following is None else following.timestamp()))

    # --- settling and renewing --------------------------------------------------------------

    def _queue(self, settle: Settle) -> None:
        self._settles.append(settle)
        self._settle_wanted.set()

    async def flush(self) -> None:
        """Send every queued advance/retry in one round trip (kept for later if Redis fails:
        meanwhile the leases run out and the claims are taken over, which is safe)."""
        batch, self._settles = self._settles, []
        if not batch:
            return
        try:
            await self.store.settle(batch)
        except BaseException:
            self._settles = batch + self._settles
            raise
        self.stats.settle_calls += 1

    async def _settle_forever(self) -> None:
        while True:
            await self._settle_wanted.wait()
            self._settle_wanted.clear()
            try:
                await self.flush()
            except (Unavailable, *RedisDown):
                log.warning("standup scheduler: Redis unreachable; settling again shortly")
                await asyncio.sleep(self.tick_seconds)
                self._settle_wanted.set()

    async def renew_once(self) -> None:
        """Extend the lease of every occurrence in flight; stop those another scheduler took."""
        firings = list(self._firing.values())
        if not firings:
            return
        lease_end = self.clock().timestamp() + self.lease
        taken = await self.store.settle([Settle(f.claim, lease_end, hold=True) for f in firings])
        self.stats.settle_calls += 1
        for firing in firings:
            if firing.claim.schedule_id in taken and firing.task is not None:
                log.warning(
                    "standup %s at %s: taken over by another scheduler; stopping here",
                    firing.claim.schedule_id,
                    _iso(firing.claim.due),
                )
                self.stats.taken_over += 1
                firing.task.cancel()

    async def _renew_forever(self) -> None:
        while True:
            await asyncio.sleep(self.renew_seconds)
            try:
                await self.renew_once()
            except (Unavailable, *RedisDown):
                log.warning("standup scheduler: Redis unreachable; leases not renewed")

    # --- running ----------------------------------------------------------------------------

    async def run_once(self) -> int:
        """One look at the due set, its runs awaited and settled (tests and tools): how many
        occurrences were claimed."""
        claimed, _ = await self.claim_once()
        await asyncio.gather(*(f.task for f in list(self._firing.values()) if f.task))
        await self.flush()
        return claimed

    async def run_forever(self) -> None:
        helpers = [
            asyncio.create_task(self._renew_forever()),
            asyncio.create_task(self._settle_forever()),
        ]
        try:
            while not self._stopping:
                try:
                    _, wait = await self.claim_once()
                except (Unavailable, *RedisDown):
                    log.warning("standup scheduler: Redis unreachable; trying again")
                    wait = self.tick_seconds
                except Exception:
                    # One bad record must not stop standups for everyone; its lease runs out
                    # and it is taken again (and logged) later.
                    log.exception("standup scheduler: claiming failed")
                    wait = self.tick_seconds
                if wait > 0:
                    self._slot_freed.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._slot_freed.wait(), wait)
        finally:
            for helper in helpers:
                helper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await helper

    async def stop(self, grace: float) -> None:
        """Stop claiming, give runs in flight `grace` seconds, then hand what is left back at
        once (another scheduler takes it over now rather than after the lease)."""
        self._stopping = True
        self._slot_freed.set()
        tasks = [f.task for f in self._firing.values() if f.task is not None]
        if tasks and grace > 0:
            await asyncio.wait(tasks, timeout=grace)
        leftover = list(self._firing.values())
        for firing in leftover:
            if firing.task is not None:
                firing.task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        now = self.clock().timestamp()
        self._settles += [Settle(f.claim, now, hold=True) for f in leftover]
        try:
            await self.flush()
        except (Unavailable, *RedisDown):
            log.warning("standup scheduler: Redis unreachable at stop; leases will run out")


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat()
