"""Notes records in Redis (`NotesKeys`): read, changed atomically, indexed by summary job and
meeting, and the retention policy's due deletions (a sorted set shared by every replica)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from bot.notes.model import Notes
from bot.storage.keys import NOTES_TTL, NotesKeys
from bot.storage.redis import text, unavailable_on_failure


class NotesStore:
    def __init__(self, redis: aioredis.Redis, *, keys: NotesKeys) -> None:
        self.redis = redis
        self.keys = keys

    async def get(self, transcript_id: str) -> Notes | None:
        raw = await self.redis.get(self.keys.notes(transcript_id))
        return Notes.from_json(raw) if raw else None

    async def update(
        self, transcript_id: str, meeting_id: str | None, change: Callable[[Notes], Notes]
    ) -> tuple[Notes | None, Notes | None]:
        """Optimistic read-modify-write (WATCH/MULTI): (before, after). A record is created for
        `meeting_id` if none exists; without one, an unknown transcript stays unknown."""
        key = self.keys.notes(transcript_id)
        while True:
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    before = Notes.from_json(raw) if raw else None
                    if before is None and meeting_id is None:
                        return None, None
                    base = before or Notes(transcript_id=transcript_id, meeting_id=str(meeting_id))
                    after = change(base)
                    if after == before:
                        return before, after
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, after.to_json(), ex=NOTES_TTL)
                    index = self.keys.meeting_notes(after.meeting_id)
                    pipe.sadd(index, transcript_id)
                    pipe.expire(index, NOTES_TTL)
                    if after.job_id:
                        pipe.set(self.keys.notes_job(after.job_id), transcript_id, ex=NOTES_TTL)
                    await pipe.execute()
                    return before, after
                except WatchError:
                    continue

    @unavailable_on_failure
    async def transcript_of_job(self, job_id: str) -> str | None:
        """The transcript a summary job of ours summarises; None for a job we never started."""
        raw = await self.redis.get(self.keys.notes_job(job_id))
        return text(raw) if raw else None

    async def of_meeting(self, meeting_id: str) -> list[Notes]:
        ids = sorted(
            text(t) for t in await self.redis.smembers(self.keys.meeting_notes(meeting_id))
        )
        found = [await self.get(transcript_id) for transcript_id in ids]
        return [n for n in found if n is not None]

    # --- retention ---------------------------------------------------------------------------

    async def schedule_removal(self, member: str, due: datetime) -> None:
        """Due `member` at `due`; scheduling it again keeps the first time (NX)."""
        await self.redis.zadd(self.keys.retention_due(), {member: due.timestamp()}, nx=True)

    async def due_removals(self, now: datetime, *, limit: int) -> list[str]:
        raw = await self.redis.zrangebyscore(
            self.keys.retention_due(), "-inf", now.timestamp(), start=0, num=limit
        )
        return [text(m) for m in raw]

    async def removal_done(self, member: str) -> None:
        await self.redis.zrem(self.keys.retention_due(), member)
