"""Where a transcript or summary webhook goes (called by `bot.cards.daily_route`, in the web
role: Redis only, no provider call). A transcript names its room (or session); a summary names
only its batch-processor job, which must be one meetbot started: any other job id (unknown,
expired or forged) is ignored with a WARNING. A summary whose job was started a moment before
it was recorded is found by the reconcile sweep instead."""

from __future__ import annotations

import logging

from bot.domain.rooms import EventKind, RoomEvent
from bot.notes.store import NotesStore
from bot.storage.jobs import JobName, Jobs
from bot.storage.store import Store

log = logging.getLogger(__name__)

NOTES_KINDS = frozenset(
    {
        EventKind.TRANSCRIPT_READY,
        EventKind.TRANSCRIPT_FAILED,
        EventKind.SUMMARY_READY,
        EventKind.SUMMARY_FAILED,
    }
)


async def route_notes_event(
    event: RoomEvent, *, store: Store, notes: NotesStore, jobs: Jobs, received_at: str
) -> str:
    """Queue the event's `notes_event` job (keyed by its identity); what was done, for the
    caller's answer. Raises Unavailable when Redis is down."""
    meeting_id: str | None = None
    if event.kind in (EventKind.SUMMARY_READY, EventKind.SUMMARY_FAILED):
        job_id = event.job_id or ""
        if not job_id or await notes.transcript_of_job(job_id) is None:
            log.warning(
                "daily: %s for batch-processor job %r, which meetbot did not start: ignored",
                event.kind.value,
                job_id[:64],
            )
            return "unknown job"
    else:
        if event.room_id:
            meeting_id = await store.records.id_for_room(event.room_id)
        if meeting_id is None and event.session_id:
            meeting_id = await store.records.id_for_session(event.session_id)
        if meeting_id is None:
            return "not ours"
    await jobs.enqueue(
        JobName.NOTES_EVENT,
        f"notes-event:{event.identity}",
        meeting_id=meeting_id,
        event=event.to_dict(),
        received_at=received_at,
    )
    return "queued"
