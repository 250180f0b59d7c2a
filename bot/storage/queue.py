"""saq's Redis queue with a sweep that recovers dead workers' jobs fast and never a live one's.

saq's stock sweep holds a 60 s lock and then aborts and retries every job on the active list
whose status is not ACTIVE. A worker moves a job onto that list (BLMOVE) and only marks it
ACTIVE a GET and a SET later; under load that gap reaches hundreds of milliseconds, and a
sweep landing in it ran the job twice (bench/standups.py: 112 of 10,000 occurrences). Here a
job seen on the active list but not ACTIVE is only a suspect: it is swept once it has stayed so
for `DEQUEUE_GRACE` seconds, which only a worker that died between the two steps leaves behind.
Suspects are kept in Redis beside saq's own keys, so whichever worker sweeps next knows them.
Upstream: tobymao/saq#277. This overrides saq internals (`sweep`, `_update`), which is why
pyproject.toml pins saq to the minor range we test.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Iterable
from typing import Any

import redis.asyncio as aioredis
from saq import Job
from saq.job import TERMINAL_STATUSES, Status
from saq.queue.redis import RedisQueue
from saq.types import ListenCallback
from saq.utils import now

log = logging.getLogger(__name__)

QUEUE_NAME = "meetbot"
SWEEP_EVERY = 1  # seconds between sweeps (also the sweep lock, so one sweeper at a time)
# A dequeued job is marked ACTIVE within milliseconds by a live worker; one still not ACTIVE
# after this long belongs to a worker that died in between. Recovery stays within DESIGN's 10 s.
DEQUEUE_GRACE = 4.0
# Blocking dequeues (BLMOVE) a process has in flight at once; its other idle job slots wait
# their turn in memory. saq gives every slot its own BLMOVE, and with 256 slots each timing out
# every second an idle worker made 256 round trips a second, 1.3 per /meet at 200 /s
# (docs/benchmarks.md, issue 20, third round). A job is still taken the moment it arrives as
# long as fewer than this many arrive within one round trip; a burst drains at this many
# dequeues per round trip.
DEQUEUERS = 8

# The active list, taken only by the one process holding the sweep lock (as saq's own script).
_LIST_ACTIVE_UNDER_LOCK = """
local id_jobs = {}
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('SETEX', KEYS[1], ARGV[1], 1)
    for i, v in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
        id_jobs[i] = {v, redis.call('GET', v)}
    end
end
return id_jobs
"""

# Each running job's new record, written only if the stored one is still that run of it.
_TOUCH_IF_STILL_OURS = """
local runs = cjson.decode(ARGV[1])
for i, id in ipairs(KEYS) do
    local raw = redis.call('GET', id)
    if raw then
        local stored = cjson.decode(raw)
        if stored.status == 'active' and stored.worker_id == runs[i][1]
                and stored.attempts == runs[i][2] then
            redis.call('SET', id, ARGV[i + 1])
        end
    end
end
return 0
"""

# saq's finish (a MULTI, then a PUBLISH: two round trips) as one call. KEYS: the active list,
# the incomplete set, the job. ARGV: the job's TTL (s; 0 keeps it, < 0 deletes it), its record,
# its status for the job's channel.
_FINISH = """
redis.call('LREM', KEYS[1], 1, KEYS[3])
redis.call('ZREM', KEYS[2], KEYS[3])
local ttl = tonumber(ARGV[1])
if ttl > 0 then redis.call('SET', KEYS[3], ARGV[2], 'EX', ttl)
elseif ttl == 0 then redis.call('SET', KEYS[3], ARGV[2])
else redis.call('DEL', KEYS[3]) end
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 0
"""


class MeetbotQueue(RedisQueue):
    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        name: str = QUEUE_NAME,
        grace: float = DEQUEUE_GRACE,
        dequeuers: int = DEQUEUERS,
    ) -> None:
        super().__init__(redis, name=name)
        self.grace_ms = int(grace * 1000)
        self.dequeuers = dequeuers
        self._turns: asyncio.Semaphore | None = None  # made in the loop that dequeues
        self._closing = False
        self._suspects = self.namespace("sweep_suspects")
        self._list_active = self.redis.register_script(_LIST_ACTIVE_UNDER_LOCK)
        self._touch = self.redis.register_script(_TOUCH_IF_STILL_OURS)
        self._finish_job = self.redis.register_script(_FINISH)

    async def dequeue(
        self,
        timeout: float = 0.0,  # noqa: ASYNC109 - saq's signature
        poll_interval: float = 0.0,
    ) -> Job | None:
        """saq's dequeue, at most `dequeuers` at a time: the other idle slots wait in memory
        instead of each holding a connection in BLMOVE and polling Redis once a second.
        A worker that stops (`stop_dequeuing`) has its waiting slots return None at once."""
        if self._turns is None:
            self._turns = asyncio.Semaphore(self.dequeuers)
        if self._closing:
            return None
        async with self._turns:
            if self._closing:
                return None  # woken by stop_dequeuing; leaving wakes the next one
            return await super().dequeue(timeout, poll_interval)

    def start_dequeuing(self) -> None:
        """A worker starts: slots take their turns again (a fresh gate for this loop)."""
        self._closing = False
        self._turns = None

    def stop_dequeuing(self) -> None:
        """A worker stops: slots waiting for a turn give up without asking Redis; the ones in
        BLMOVE end within its timeout, as in saq."""
        self._closing = True
        if self._turns is not None and self._turns.locked():
            self._turns.release()  # each slot leaving wakes the next, so all return

    async def sweep(self, lock: int = SWEEP_EVERY, abort: float = 0.2) -> list[str]:
        id_jobs: list[tuple[bytes, bytes | None]] = await self._list_active(
            keys=[self._sweep, self._active], args=[lock], client=self.redis
        )
        if not id_jobs:
            return []  # another process holds the lock, or nothing is running
        seen_since = {
            job_id: int(ms) for job_id, ms in (await self.redis.hgetall(self._suspects)).items()
        }
        current = now()
        suspects: dict[bytes, int] = {}
        swept: list[str] = []
        recover: list[Job] = []
        for job_id, job_bytes in id_jobs:
            job = self.deserialize(job_bytes)
            if job is None:
                await self._forget_missing(job_id)
            elif job.status not in (Status.ACTIVE, Status.ABORTING):
                since = seen_since.get(job_id, current)
                if current - since < self.grace_ms:
                    suspects[job_id] = since
                    continue
                recover.append(job)
            elif job.stuck:  # a running job whose heartbeat stopped: its worker is gone
                recover.append(job)
            else:
                continue
            swept.append(job_id.decode())
        # All at once: each waits `abort` seconds for a live worker to let go, and a killed
        # worker leaves hundreds (one by one, 391 jobs took 80 s to come back: bench/faults.py).
        failed = await asyncio.gather(
            *(self._recover(job, abort) for job in recover), return_exceptions=True
        )
        for error in failed:
            if isinstance(error, BaseException):
                raise error  # the others are done; the next sweep takes the rest
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._suspects)
            if suspects:
                pipe.hset(self._suspects, mapping=suspects)  # type: ignore[arg-type]
            await pipe.execute()
        return swept

    async def _recover(self, job: Job, abort: float) -> None:
        """What saq's sweep does with a job it gives up on: abort, then retry or fail it.

        saq's `abort` also takes the job off the active list, so a Redis error before the retry
        (a pooled connection that died with a restarted Redis) left it on no list at all, lost
        (bench/faults.py redis). Here the abort only marks it ABORTING, which tells a live
        worker to cancel it; the retry moves it off the active list, atomically, and until then
        the next sweep still finds it (an ABORTING job whose heartbeat stopped is `stuck`).
        """
        log.info("sweeping job %s (%s)", job.key, job.status)
        job.status, job.error = Status.ABORTING, self.swept_error_message
        await self.redis.set(job.id, self.serialize(job))
        await self.notify(job)
        try:
            await job.refresh(abort)
        except TimeoutError:
            log.info("could not abort job %s", job.key)
        if job.retryable:
            await self.retry(job, error=self.swept_error_message)
        else:
            await self.finish(job, Status.ABORTED, error=self.swept_error_message)

    async def touch(self, jobs: list[Job]) -> None:
        """Refresh the heartbeat of running jobs in one round trip (`MeetbotWorker`'s keep-alive).

        A job is touched only while its stored record is still this run of it (ACTIVE, same
        worker, same attempt): one that finished, was swept or was taken by another worker
        meanwhile is left as it is. No PUBLISH: only terminal statuses are waited on.
        """
        if not jobs:
            return
        current = now()
        records = []
        for job in jobs:
            job.touched = current
            records.append(self.serialize(job))
        await self._touch(
            keys=[job.id for job in jobs],
            args=[json.dumps([[job.worker_id, job.attempts] for job in jobs]), *records],
            client=self.redis,
        )

    async def _update(self, job: Job, status: Status | None = None, **kwargs: Any) -> None:
        """saq's update with the status given (a job made ACTIVE): one SET, published only when
        the status is final, since only `Job.refresh(until_complete=)` listens and it waits
        for a final one (saq's own also reads the stored status first and publishes every
        change: three round trips where this takes one; bench/redis_trips.py). Without a
        status, saq's own."""
        if status is None:
            await super()._update(job, status, **kwargs)
            return
        job.status = status
        if status not in TERMINAL_STATUSES:
            await self.redis.set(job.id, self.serialize(job))
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.set(job.id, self.serialize(job))
            pipe.publish(job.id, job.status)
            await pipe.execute()

    async def _finish(
        self, job: Job, status: Status, *, result: Any = None, error: str | None = None
    ) -> None:
        """saq's finish in one round trip instead of two (bench/redis_trips.py): off the active
        list and the incomplete set, the final record kept for `ttl`, its status published."""
        await self._finish_job(
            keys=[self._active, self._incomplete, job.id],
            args=[int(job.ttl), self.serialize(job), Status(job.status).value],
            client=self.redis,
        )

    async def listen(
        self,
        job_keys: Iterable[str],
        callback: ListenCallback,
        timeout: float | None = 10,  # noqa: ASYNC109 - saq's signature
        poll_interval: float = 0.5,
    ) -> None:
        """saq's listen, and a look at the jobs every `poll_interval` seconds as well.

        saq subscribes in a background task and `Job.refresh(until_complete=)` reads the job
        before it listens: a job finishing in that gap was never heard (its final status is
        published once, with the record since `_finish` is one call), and the wait ran out.
        """
        keys = list(job_keys)
        if not keys:
            return
        seen: dict[str, Status] = {}

        async def poll() -> None:
            while True:
                await asyncio.sleep(poll_interval)
                for key, job in zip(keys, await self.jobs(keys), strict=True):
                    if job is None or seen.get(key) is job.status:
                        continue
                    seen[key] = job.status
                    stop = callback(key, job.status)
                    if await stop if inspect.isawaitable(stop) else stop:
                        return

        waits = [
            asyncio.create_task(super().listen(keys, callback, timeout, poll_interval)),
            asyncio.create_task(poll()),
        ]
        try:
            async with asyncio.timeout(timeout or None):  # saq: 0 waits for ever
                done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        for task in done:
            task.result()

    async def _forget_missing(self, job_id: bytes) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.lrem(self._active, 0, job_id)  # type: ignore[arg-type]  # bytes work
            pipe.zrem(self._incomplete, job_id)
            await pipe.execute()
        log.info("sweeping missing job %s", job_id.decode())


def make_queue(redis: aioredis.Redis, **options: Any) -> MeetbotQueue:
    """The queue on its own client (saq holds connections in blocking dequeues)."""
    return MeetbotQueue(redis, **options)
