"""A job's recorded steps: what it has done, so that a retried job resumes instead of repeating.

`StepLog` owns the Redis hashes (`Keys.steps`); `JobSteps` is one job's view of its hash, read
once per run (`MeetingRecords.resume`, `StepLog.load`) and kept in step with Redis as it is
written, so reads come from memory.
"""

from __future__ import annotations

from collections.abc import Mapping

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from bot.storage.keys import STEP_TTL, Keys
from bot.storage.redis import text

StepValues = Mapping[str, str]


class StepLog:
    """Every job's step hash, read and written. Other writes carry a job's noted results in
    their own Lua calls (`MeetingRecords`, `Watchlist`, `SlackPacer.acquire`)."""

    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    async def read(self, job_key: str) -> dict[str, str]:
        raw = await self.redis.hgetall(self.keys.steps(job_key))
        return {text(k): text(v) for k, v in raw.items()}

    async def load(self, job_key: str) -> JobSteps:
        return JobSteps(self, job_key, await self.read(job_key))

    async def record(self, job_key: str, name: str, value: str) -> None:
        await self.record_many(job_key, {name: value})

    async def record_many(self, job_key: str, values: StepValues) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            self._stage(pipe, job_key, values)
            await pipe.execute()

    async def forget(self, job_key: str, name: str) -> None:
        await self.redis.hdel(self.keys.steps(job_key), name)

    def _stage(self, pipe: Pipeline, job_key: str, values: StepValues) -> None:
        if values:
            key = self.keys.steps(job_key)
            pipe.hset(key, mapping=dict(values))  # type: ignore[arg-type]
            pipe.expire(key, STEP_TTL)


class JobSteps:
    """A job's recorded steps, read once per run and kept in step with Redis as they are written
    (reads come from memory).

    `record` writes at once: it is for what must be in Redis before the next outside call. A
    post's attempt marker is noted instead and handed to the post (`SlackPort.post(steps=)`),
    whose pacing turn writes it before the message goes out (`bot.slack.pacing`). `note` keeps a step's result for the next write, so it
    costs no round trip of its own: a job that dies before that write finds the result again
    from its attempt marker (`MeetingService._post_once` looks for the marked post), so nothing
    is done twice. Store writes that take `steps` carry the noted results with them.
    """

    def __init__(self, log: StepLog, key: str, done: dict[str, str]) -> None:
        self.log = log
        self.key = key
        self._done = done
        self._pending: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._done.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._done

    @property
    def pending(self) -> dict[str, str]:
        """Results noted but not yet written."""
        return dict(self._pending)

    def note(self, name: str, value: str) -> None:
        self._done[name] = value
        self._pending[name] = value

    def written(self, values: StepValues) -> None:
        """Called by the store once `values` are in Redis."""
        self._done.update(values)
        for name, value in values.items():
            if self._pending.get(name) == value:
                del self._pending[name]

    async def record(self, name: str, value: str) -> None:
        values = {**self._pending, name: value}
        await self.log.record_many(self.key, values)
        self.written(values)

    async def flush(self) -> None:
        if self._pending:
            values = self.pending
            await self.log.record_many(self.key, values)
            self.written(values)

    async def forget(self, name: str) -> None:
        self._pending.pop(name, None)  # never written: nothing to write only to delete
        await self.flush()
        await self.log.forget(self.key, name)
        self._done.pop(name, None)
