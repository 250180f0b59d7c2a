"""The notes jobs: a provider event, a reply brought up to date, a deletion asked for with the
Delete button, and the retention sweep."""

from __future__ import annotations

import logging
from typing import Any

from bot.domain.inputs import Workspace
from bot.domain.rooms import RoomEvent
from bot.i18n import translator
from bot.meet.service import is_permanent
from bot.notes import blocks
from bot.notes.model import Removal
from bot.notes.retention import Retention
from bot.notes.service import NotesService
from bot.settings.service import SettingsService
from bot.storage.jobs import JobFunction, JobName

log = logging.getLogger(__name__)


def notes_functions(
    notes: NotesService, retention: Retention, settings: SettingsService
) -> dict[str, JobFunction]:
    async def notes_event(
        ctx: dict[str, Any],
        *,
        event: dict[str, Any],
        meeting_id: str | None = None,
        received_at: str | None = None,
    ) -> str:
        try:
            return await notes.on_event(meeting_id, RoomEvent.from_dict(event))
        except Exception as exc:
            if isinstance(exc, ValueError) or is_permanent(exc):
                log.warning("notes event dropped: %s", type(exc).__name__)
                return "dropped"
            raise

    async def notes_sync(ctx: dict[str, Any], *, transcript_id: str) -> str:
        return await notes.sync(transcript_id)

    async def notes_delete(
        ctx: dict[str, Any],
        *,
        meeting_id: str,
        transcript_id: str,
        user_id: str,
        workspace: dict[str, Any],
        response_url: str | None = None,
    ) -> str:
        ws = Workspace.from_dict(workspace)
        found = await notes.store.get(transcript_id)
        meeting = await notes.records.get(meeting_id)
        if found is None or meeting is None or found.meeting_id != meeting_id:
            log.info("notes delete for an unknown transcript ignored")
            return "unknown"
        if meeting.team_id != ws.team_id:
            log.warning("notes delete from another workspace ignored")
            return "foreign"
        allowed = user_id == meeting.creator_id or (await settings.role(ws, user_id)).is_admin
        if not allowed:
            log.info("notes of %s: delete by %s refused (not host or admin)", meeting_id, user_id)
            # Private to whoever clicked: their language (cached with the role just asked).
            refused = blocks.delete_refused(translator(await settings.language_of(ws, user_id)))
            if response_url:
                await notes.meetings.slack.respond(response_url, refused)
            else:
                await notes.meetings.post_once(
                    f"notes-refused:{transcript_id}:{user_id}", "dm", ws, user_id, refused
                )
            return "refused"
        return await notes.remove(transcript_id, Removal.BY_PERSON, user_id)

    async def retention_sweep(ctx: dict[str, Any]) -> int:
        return await retention.sweep()

    return {
        JobName.NOTES_EVENT: notes_event,
        JobName.NOTES_SYNC: notes_sync,
        JobName.NOTES_DELETE: notes_delete,
        JobName.RETENTION_SWEEP: retention_sweep,
    }
