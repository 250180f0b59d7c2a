"""Redis-backed state: meeting records, their indexes, job step results and locks.

Key names and TTLs come from `bot.keys`; record shapes from `bot.meeting`. Every write
that must be atomic (a meeting and its indexes, a read-modify-write of a meeting while
callbacks race each other) is a MULTI/EXEC, optionally under WATCH.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.errors import Unavailable
from bot.keys import DAY, HOME_VIEWER_TTL, MEETING_GRACE_TTL, STEP_TTL, Keys
from bot.meeting import Meeting
from bot.steps import JobSteps, StepValues

Clock = Callable[[], datetime]
RedisDown = (RedisConnectionError, RedisTimeoutError, OSError)

# Without an expiry (an instant room not yet created) a record lives this long.
DEFAULT_MEETING_TTL = 2 * DAY


class Store:
    def __init__(self, redis: aioredis.Redis, *, clock: Clock, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._clock = clock
        self._set_if_unchanged = redis.register_script(_SET_IF_UNCHANGED)

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except RedisDown:
            return False

    # --- meetings -------------------------------------------------------------------------

    def _ttl(self, meeting: Meeting) -> int:
        if meeting.expires_at is None:
            return DEFAULT_MEETING_TTL + MEETING_GRACE_TTL
        remaining = (meeting.expires_at - self._clock()).total_seconds()
        return max(int(remaining), 0) + MEETING_GRACE_TTL

    async def get_meeting(self, meeting_id: str) -> Meeting | None:
        raw = await self.redis.get(self.keys.meeting(meeting_id))
        return Meeting.from_json(raw) if raw else None

    async def save_meeting(
        self, meeting: Meeting, *, steps: JobSteps | None = None, record: StepValues | None = None
    ) -> None:
        """Write the record and every index that points at it, in one transaction; with `steps`,
        also their noted results and `record` (one round trip where there were two)."""
        ttl = self._ttl(meeting)
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            written = self._stage_steps(pipe, steps, record)
            pipe.set(k.meeting(meeting.id), meeting.to_json(), ex=ttl)
            if meeting.callback_token:
                pipe.set(k.callback_token(meeting.callback_token), meeting.id, ex=ttl)
            if meeting.room_id:
                pipe.set(k.room(meeting.room_id), meeting.id, ex=ttl)
            if meeting.session_id:
                pipe.set(k.session(meeting.session_id), meeting.id, ex=ttl)
            created = (meeting.created_at or self._clock()).timestamp()
            user_key = k.user_meetings(meeting.team_id, meeting.creator_id)
            pipe.zadd(user_key, {meeting.id: created})
            pipe.expire(user_key, ttl)
            await pipe.execute()
        if steps is not None:
            steps.written(written)

    async def update_meeting(
        self,
        meeting_id: str,
        change: Callable[[Meeting], Awaitable[Meeting] | Meeting],
        *,
        steps: JobSteps | None = None,
        known: Meeting | None = None,
    ) -> Meeting | None:
        """Optimistic read-modify-write: concurrent callbacks for one meeting never lose updates.

        A compare-and-set (`_SET_IF_UNCHANGED`): written only if the record is still the one
        `change` was given, else `change` runs again on the record found, which the script
        returns. Two round trips, or one given `known` (the record as the caller last wrote
        or read it), where WATCH, GET and MULTI took three. With `steps`, their noted results
        are written in the same step.
        """
        key = self.keys.meeting(meeting_id)
        raw: str | bytes | None = known.to_json() if known else await self.redis.get(key)
        current = known
        while True:
            if raw is None:
                await self._flush(steps)
                return None
            current = current or Meeting.from_json(raw)
            result = change(current)
            updated = await result if isinstance(result, Awaitable) else result
            if updated == current:
                if known is not None:  # unchanged from what we believed: read what is there
                    raw, current, known = await self.redis.get(key), None, None
                    continue
                await self._flush(steps)
                return current
            values = steps.pending if steps else {}
            session = updated.session_id != current.session_id and updated.session_id
            k = self.keys
            answer = await self._set_if_unchanged(
                keys=[
                    key,
                    k.session(session) if session else key,
                    k.steps(steps.key) if steps else key,
                ],
                args=[
                    raw,
                    updated.to_json(),
                    self._ttl(updated),
                    meeting_id if session else "",
                    STEP_TTL,
                    *(item for pair in values.items() for item in pair),
                ],
                client=self.redis,
            )
            if answer[0] == 1:
                if steps is not None:
                    steps.written(values)
                return updated
            raw = answer[1] if answer[0] == 2 else None
            current = None

    async def meeting_id_for_token(self, token: str) -> str | None:
        raw = await self.redis.get(self.keys.callback_token(token))
        return _text(raw) if raw else None

    async def meeting_id_for_room(self, room_id: str) -> str | None:
        raw = await self.redis.get(self.keys.room(room_id))
        return _text(raw) if raw else None

    async def meeting_id_for_session(self, session_id: str) -> str | None:
        raw = await self.redis.get(self.keys.session(session_id))
        return _text(raw) if raw else None

    async def user_meetings(self, team_id: str, user_id: str, *, limit: int = 50) -> list[Meeting]:
        ids = await self.redis.zrevrange(self.keys.user_meetings(team_id, user_id), 0, limit - 1)
        if not ids:
            return []
        raws = await self.redis.mget([self.keys.meeting(_text(i)) for i in ids])
        return [Meeting.from_json(r) for r in raws if r]

    # --- meetings whose card may still change (reconciliation) ------------------------------

    async def mark_active(self, meeting_id: str, check_at: datetime) -> None:
        await self.redis.zadd(self.keys.active_meetings(), {meeting_id: check_at.timestamp()})

    async def watch(
        self, meeting_id: str, check_at: datetime, *, steps: JobSteps | None = None
    ) -> None:
        """Check the meeting no later than `check_at` (never postpones an earlier check); with
        `steps`, their noted results are written in the same round trip."""
        async with self.redis.pipeline(transaction=False) as pipe:
            written = self._stage_steps(pipe, steps)
            pipe.zadd(self.keys.active_meetings(), {meeting_id: check_at.timestamp()}, lt=True)
            await pipe.execute()
        if steps is not None:
            steps.written(written)

    async def mark_settled(self, meeting_id: str) -> None:
        await self.redis.zrem(self.keys.active_meetings(), meeting_id)

    async def due_for_check(self, now: datetime, *, limit: int = 200) -> list[str]:
        ids = await self.redis.zrangebyscore(
            self.keys.active_meetings(), "-inf", now.timestamp(), start=0, num=limit
        )
        return [_text(i) for i in ids]

    # --- job steps --------------------------------------------------------------------------

    async def steps(self, job_key: str) -> dict[str, str]:
        raw = await self.redis.hgetall(self.keys.steps(job_key))
        return {_text(k): _text(v) for k, v in raw.items()}

    async def record_step(self, job_key: str, name: str, value: str) -> None:
        await self.record_steps(job_key, {name: value})

    async def record_steps(self, job_key: str, values: StepValues) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            self._stage(pipe, job_key, values)
            await pipe.execute()

    def _stage(self, pipe: Pipeline, job_key: str, values: StepValues) -> None:
        if values:
            key = self.keys.steps(job_key)
            pipe.hset(key, mapping=dict(values))  # type: ignore[arg-type]
            pipe.expire(key, STEP_TTL)

    def _stage_steps(
        self, pipe: Pipeline, steps: JobSteps | None, record: StepValues | None = None
    ) -> dict[str, str]:
        """Queue on `pipe` the steps' noted results and `record`; what to mark written after."""
        if steps is None:
            assert not record, "steps to record need their job"
            return {}
        values = {**steps.pending, **(record or {})}
        self._stage(pipe, steps.key, values)
        return values

    async def _flush(self, steps: JobSteps | None) -> None:
        if steps is not None:
            await steps.flush()

    async def forget_step(self, job_key: str, name: str) -> None:
        await self.redis.hdel(self.keys.steps(job_key), name)

    async def job_steps(self, job_key: str) -> JobSteps:
        return JobSteps(self, job_key, await self.steps(job_key))

    async def resume(self, meeting_id: str, job_key: str) -> tuple[Meeting | None, JobSteps]:
        """A job's meeting and recorded steps in one round trip (the start of every run)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(self.keys.meeting(meeting_id))
            pipe.hgetall(self.keys.steps(job_key))
            raw, done = await pipe.execute()
        meeting = Meeting.from_json(raw) if raw else None
        return meeting, JobSteps(self, job_key, {_text(k): _text(v) for k, v in done.items()})

    # --- App Home ---------------------------------------------------------------------------

    async def mark_home_viewer(self, team_id: str, user_id: str) -> None:
        await self.redis.set(self.keys.home_viewer(team_id, user_id), 1, ex=HOME_VIEWER_TTL)

    async def is_home_viewer(self, team_id: str, user_id: str) -> bool:
        return bool(await self.redis.exists(self.keys.home_viewer(team_id, user_id)))

    # --- locks ------------------------------------------------------------------------------

    @asynccontextmanager
    async def exclusive(self, name: str, *, ttl: float) -> AsyncIterator[bool]:
        """Yield True if this process holds the named lock (one sweep across replicas)."""
        key, token = self.keys.lock(name), secrets.token_hex(8)
        held = bool(await self.redis.set(key, token, nx=True, px=int(ttl * 1000)))
        try:
            yield held
        finally:
            if held:
                # Release only our own lock: compare-and-delete in one step.
                await self.redis.eval(_RELEASE, 1, key, token)


# update_meeting's compare-and-set. KEYS: the record, its session index, the job's steps (the
# record's key again where unused). ARGV: the record as read, the new one, its TTL, the meeting
# id if the session index is to be set (else ""), the steps' TTL, then step names and values.
# Answers {1} written, {0} no record, {2, record} changed meanwhile.
_SET_IF_UNCHANGED = """
local current = redis.call('GET', KEYS[1])
if not current then return {0} end
if current ~= ARGV[1] then return {2, current} end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
if ARGV[4] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'EX', ARGV[3]) end
if #ARGV > 5 then
    redis.call('HSET', KEYS[3], unpack(ARGV, 6))
    redis.call('EXPIRE', KEYS[3], ARGV[5])
end
return {1}
"""

_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


def unavailable_from(exc: BaseException) -> Unavailable:
    return Unavailable(f"Redis unreachable: {type(exc).__name__}")


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
