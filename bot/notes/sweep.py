"""The reconcile sweep's look at notes (`bot.cards.reconcile` calls `check` for every meeting
it checks): transcripts and summaries the provider has but no webhook told us about are fed
through the same service as webhooks, so the two merge."""

from __future__ import annotations

import logging

from bot.domain.meeting import Meeting, MeetingStatus
from bot.domain.rooms import EventKind, RoomEvent
from bot.errors import NotFoundError
from bot.notes.model import Stage
from bot.notes.service import NotesService

log = logging.getLogger(__name__)
_SOURCE = "reconcile"


class NotesSweep:
    def __init__(self, notes: NotesService) -> None:
        self.notes = notes
        self.store = notes.store
        self.provider = notes.provider

    async def check(self, meeting: Meeting) -> bool:
        """Catch up on the meeting's notes; True while more may still come (keep checking)."""
        if not meeting.notes or meeting.room_id is None or meeting.started_at is None:
            return False
        if meeting.status is MeetingStatus.LIVE:
            return True
        try:
            transcripts = await self.provider.session_transcripts(meeting.room_id)
        except NotFoundError:
            transcripts = []
        pending = not transcripts
        for transcript in transcripts:
            known = await self.store.get(transcript.id)
            if known is not None and known.transcript is not Stage.PENDING:
                if known.transcript is Stage.READY and not known.posted and not known.removed:
                    await self.notes.sync(transcript.id)
                continue
            if transcript.status == "ready":
                kind = EventKind.TRANSCRIPT_READY
            elif transcript.status == "failed":
                kind = EventKind.TRANSCRIPT_FAILED
            else:
                pending = True
                continue
            event = RoomEvent(
                kind,
                _SOURCE,
                room_id=meeting.room_id,
                transcript_id=transcript.id,
                error=transcript.error,
            )
            await self.notes.on_event(meeting.id, event)
        for notes in await self.store.of_meeting(meeting.id):
            if notes.removed is not None or notes.transcript is not Stage.READY:
                continue
            if notes.summary is Stage.REQUESTED and notes.job_id:
                summary = await self.provider.get_summary(notes.job_id)
                if summary.status in ("ready", "failed"):
                    kind = (
                        EventKind.SUMMARY_READY
                        if summary.status == "ready"
                        else EventKind.SUMMARY_FAILED
                    )
                    event = RoomEvent(kind, _SOURCE, job_id=notes.job_id, error=summary.error)
                    await self.notes.on_event(meeting.id, event)
                else:
                    pending = True
            elif notes.summary is Stage.PENDING or not notes.posted or notes.needs_edit:
                pending = True
        return pending
