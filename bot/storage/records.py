"""Meeting records and the indexes that find them (callback token, room, session, creator).

Record shapes come from `bot.domain.meeting`. A record and its indexes are written in one
MULTI/EXEC; a read-modify-write while callbacks race each other is a compare-and-set script.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import redis.asyncio as aioredis

from bot.domain.clock import Clock
from bot.domain.meeting import Meeting
from bot.storage.keys import DAY, MEETING_GRACE_TTL, STEP_TTL, Keys
from bot.storage.redis import text, unavailable_on_failure
from bot.storage.steps import JobSteps, StepLog, StepValues

# Without an expiry (an instant room not yet created) a record lives this long.
DEFAULT_MEETING_TTL = 2 * DAY


class MeetingRecords:
    """Lookups by token, room and session raise Unavailable (the callback routes answer 503)."""

    def __init__(self, redis: aioredis.Redis, *, keys: Keys, steps: StepLog, clock: Clock) -> None:
        self.redis = redis
        self.keys = keys
        self.steps = steps
        self._clock = clock
        self._set_if_unchanged = redis.register_script(_SET_IF_UNCHANGED)
        self._save = redis.register_script(_SAVE)

    def _ttl(self, meeting: Meeting) -> int:
        if meeting.expires_at is None:
            return DEFAULT_MEETING_TTL + MEETING_GRACE_TTL
        remaining = (meeting.expires_at - self._clock()).total_seconds()
        return max(int(remaining), 0) + MEETING_GRACE_TTL

    async def get(self, meeting_id: str) -> Meeting | None:
        raw = await self.redis.get(self.keys.meeting(meeting_id))
        return Meeting.from_json(raw) if raw else None

    async def save(
        self, meeting: Meeting, *, steps: JobSteps | None = None, record: StepValues | None = None
    ) -> None:
        """Write the record and every index that points at it, atomically; with `steps`, also
        their noted results and `record` (one round trip where there were two). One Lua call
        (`_SAVE`): as a MULTI/EXEC it cost twice the client CPU (bench/ack.py)."""
        ttl = self._ttl(meeting)
        k = self.keys
        values = {**steps.pending, **(record or {})} if steps is not None else {}
        assert steps is not None or not record, "steps to record need their job"
        indexes = [
            k.callback_token(meeting.callback_token) if meeting.callback_token else None,
            k.room(meeting.room_id) if meeting.room_id else None,
            k.session(meeting.session_id) if meeting.session_id else None,
        ]
        record_key = k.meeting(meeting.id)
        created = (meeting.created_at or self._clock()).timestamp()
        await self._save(
            keys=[
                record_key,
                k.user_meetings(meeting.team_id, meeting.creator_id),
                k.steps(steps.key) if steps is not None and values else record_key,
                *(index for index in indexes if index),
            ],
            args=[
                ttl,
                meeting.to_json(),
                meeting.id,
                repr(created),
                STEP_TTL,
                len(values),
                *(item for pair in values.items() for item in pair),
            ],
            client=self.redis,
        )
        if steps is not None:
            steps.written(values)

    async def update(
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
                await _flush(steps)
                return None
            current = current or Meeting.from_json(raw)
            result = change(current)
            updated = await result if isinstance(result, Awaitable) else result
            if updated == current:
                if known is not None:  # unchanged from what we believed: read what is there
                    raw, current, known = await self.redis.get(key), None, None
                    continue
                await _flush(steps)
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

    @unavailable_on_failure
    async def id_for_token(self, token: str) -> str | None:
        raw = await self.redis.get(self.keys.callback_token(token))
        return text(raw) if raw else None

    @unavailable_on_failure
    async def id_for_room(self, room_id: str) -> str | None:
        raw = await self.redis.get(self.keys.room(room_id))
        return text(raw) if raw else None

    @unavailable_on_failure
    async def id_for_session(self, session_id: str) -> str | None:
        raw = await self.redis.get(self.keys.session(session_id))
        return text(raw) if raw else None

    async def user_meetings(self, team_id: str, user_id: str, *, limit: int = 50) -> list[Meeting]:
        ids = await self.redis.zrevrange(self.keys.user_meetings(team_id, user_id), 0, limit - 1)
        if not ids:
            return []
        raws = await self.redis.mget([self.keys.meeting(text(i)) for i in ids])
        return [Meeting.from_json(r) for r in raws if r]

    async def resume(self, meeting_id: str, job_key: str) -> tuple[Meeting | None, JobSteps]:
        """A job's meeting and recorded steps in one round trip (the start of every run)."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(self.keys.meeting(meeting_id))
            pipe.hgetall(self.keys.steps(job_key))
            raw, done = await pipe.execute()
        meeting = Meeting.from_json(raw) if raw else None
        return meeting, JobSteps(self.steps, job_key, {text(k): text(v) for k, v in done.items()})


async def _flush(steps: JobSteps | None) -> None:
    if steps is not None:
        await steps.flush()


# save. KEYS: the record, its creator's meetings, the job's steps (the record's key again where
# unused), then each index present (callback token, room, session). ARGV: the TTL, the record,
# the meeting id, its creation time, the steps' TTL, how many step values, then their names
# and values.
_SAVE = """
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[1])
for i = 4, #KEYS do redis.call('SET', KEYS[i], ARGV[3], 'EX', ARGV[1]) end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[1])
local steps = tonumber(ARGV[6])
if steps > 0 then
    redis.call('HSET', KEYS[3], unpack(ARGV, 7, 6 + 2 * steps))
    redis.call('EXPIRE', KEYS[3], ARGV[5])
end
return 0
"""

# update's compare-and-set. KEYS: the record, its session index, the job's steps (the record's
# key again where unused). ARGV: the record as read, the new one, its TTL, the meeting id if
# the session index is to be set (else ""), the steps' TTL, then step names and values.
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
