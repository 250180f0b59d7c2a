"""The retention policy: transcripts, summaries (NOTES_RETENTION_DAYS) and recordings
(RECORDING_RETENTION_DAYS) deleted at the provider that many days after they were ready, and
their thread replies edited to say so.

Due deletions wait in one Redis sorted set (scored by when they are due), so they survive
restarts; every worker enqueues one `retention_sweep` job per interval slot (the slot is its
key) and the sweep holds a lock, so one sweep runs at a time across replicas. A deletion leaves
the set only once done, and each is idempotent: a sweep that dies midway is finished by the next
(once its lock, SWEEP_LOCK_TTL, has expired).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from datetime import timedelta

from bot.domain.meeting import Meeting, RecordingInfo
from bot.errors import MeetbotError, NotFoundError
from bot.notes import blocks
from bot.notes.model import Removal
from bot.notes.service import NotesService, workspace

log = logging.getLogger(__name__)

SWEEP_BATCH = 100
SWEEP_LOCK_TTL = 300


class Retention:
    def __init__(self, notes: NotesService, *, recording_days: int | None) -> None:
        self.notes = notes
        self.store = notes.store
        self.clock = notes.clock
        self.recording_days = recording_days

    async def recording_posted(self, meeting: Meeting, recording: RecordingInfo) -> None:
        """A recording's reply is out: its deletion is due RECORDING_RETENTION_DAYS later."""
        if self.recording_days:
            due = self.clock() + timedelta(days=self.recording_days)
            await self.store.schedule_removal(f"recording:{meeting.id}:{recording.id}", due)

    async def sweep(self) -> int:
        """Make every due deletion; how many were made (0 if another sweep runs)."""
        async with self.notes.locks.exclusive("retention", ttl=SWEEP_LOCK_TTL) as held:
            if not held:
                return 0
            done = 0
            for member in await self.store.due_removals(self.clock(), limit=SWEEP_BATCH):
                try:
                    await self._remove(member)
                    done += 1
                except MeetbotError as exc:
                    # It stays due: the next sweep tries again.
                    log.warning("retention: %s not removed yet: %s", member, type(exc).__name__)
            return done

    async def _remove(self, member: str) -> None:
        kind, _, rest = member.partition(":")
        if kind == "notes":
            await self.notes.remove(rest, Removal.BY_RETENTION, None)
            return
        meeting_id, _, recording_id = rest.partition(":")
        meeting = await self.notes.records.get(meeting_id)
        with contextlib.suppress(NotFoundError):
            await self.notes.provider.delete_recording(recording_id)
        recording = (
            next((r for r in meeting.recordings if r.id == recording_id), None) if meeting else None
        )
        if meeting is not None and recording is not None and recording.reply_ts:
            ws = workspace(meeting)
            channel = (
                meeting.channel_id
                if meeting.card_ts
                else await self.notes.slack.conversation(ws, meeting.creator_id)
            )
            t = await self.notes.reply_translator(meeting)
            removed = blocks.recording_removed(meeting, self.clock(), t)
            await self.notes.meetings.slack.update(ws, channel, recording.reply_ts, removed)
        if meeting is not None:
            # Off App Home's recent recordings and the card's count (only "ready" ones show).
            await self.notes.records.update(meeting_id, lambda m: _removed(m, recording_id))
        log.info("retention: recording %s of meeting %s removed", recording_id, meeting_id)
        await self.store.removal_done(member)


def _removed(meeting: Meeting, recording_id: str) -> Meeting:
    return meeting.replace(
        recordings=tuple(
            dataclasses.replace(r, status="removed") if r.id == recording_id else r
            for r in meeting.recordings
        )
    )
