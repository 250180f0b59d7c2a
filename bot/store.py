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
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.exceptions import WatchError

from bot.errors import Unavailable
from bot.keys import DAY, HOME_VIEWER_TTL, MEETING_GRACE_TTL, STEP_TTL, Keys
from bot.meeting import Meeting

Clock = Callable[[], datetime]
RedisDown = (RedisConnectionError, RedisTimeoutError, OSError)

# Without an expiry (an instant room not yet created) a record lives this long.
DEFAULT_MEETING_TTL = 2 * DAY


class Store:
    def __init__(self, redis: aioredis.Redis, *, clock: Clock, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._clock = clock

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

    async def save_meeting(self, meeting: Meeting) -> None:
        """Write the record and every index that points at it, in one transaction."""
        ttl = self._ttl(meeting)
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
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

    async def update_meeting(
        self, meeting_id: str, change: Callable[[Meeting], Awaitable[Meeting] | Meeting]
    ) -> Meeting | None:
        """Optimistic read-modify-write: concurrent callbacks for one meeting never lose updates."""
        key = self.keys.meeting(meeting_id)
        while True:
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    if raw is None:
                        return None
                    current = Meeting.from_json(raw)
                    result = change(current)
                    updated = await result if isinstance(result, Awaitable) else result
                    if updated == current:
                        return current
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, updated.to_json(), ex=self._ttl(updated))
                    if updated.session_id and updated.session_id != current.session_id:
                        pipe.set(
                            self.keys.session(updated.session_id), meeting_id, ex=self._ttl(updated)
                        )
                    await pipe.execute()
                    return updated
                except WatchError:
                    continue

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

    async def watch(self, meeting_id: str, check_at: datetime) -> None:
        """Check the meeting no later than `check_at` (never postpones an earlier check)."""
        await self.redis.zadd(
            self.keys.active_meetings(), {meeting_id: check_at.timestamp()}, lt=True
        )

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
        key = self.keys.steps(job_key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, name, value)
            pipe.expire(key, STEP_TTL)
            await pipe.execute()

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


_RELEASE = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
)


def unavailable_from(exc: BaseException) -> Unavailable:
    return Unavailable(f"Redis unreachable: {type(exc).__name__}")


class JobSteps:
    """A job's recorded steps, read once per run and kept in step with Redis as they are written
    (each write is one round trip; reads come from memory)."""

    def __init__(self, store: Store, key: str, done: dict[str, str]) -> None:
        self.store = store
        self.key = key
        self._done = done

    def get(self, name: str) -> str | None:
        return self._done.get(name)

    def __contains__(self, name: object) -> bool:
        return name in self._done

    async def record(self, name: str, value: str) -> None:
        await self.store.record_step(self.key, name, value)
        self._done[name] = value

    async def forget(self, name: str) -> None:
        await self.store.forget_step(self.key, name)
        self._done.pop(name, None)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
