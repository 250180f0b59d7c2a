"""Use cases of notes: a provider event applied, the reply brought up to date (transcript file
uploaded, summary asked for, posted once, edited when the summary comes), failures told to the
host once. Runs in worker jobs (`bot.notes.tasks`) and in the reconcile sweep.

Exactly once: every step with an outside effect is recorded in the transcript's step hash
(`notes:<transcript id>`) before the next; the post carries a marker a resumed job finds
(`MeetingService.post_once`). One job at a time works on a transcript's reply (a lock); an
event arriving meanwhile schedules a `notes_sync` that runs after it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable
from datetime import timedelta

from bot.domain.inputs import Workspace
from bot.domain.meeting import Meeting
from bot.domain.rooms import EventKind, RoomEvent, RoomProvider
from bot.errors import ChannelUnreachable, NotFoundError, NotInChannel, RetryLater
from bot.i18n import Translator, translator
from bot.meet.service import MeetingService, is_permanent
from bot.notes import blocks
from bot.notes.model import (
    Notes,
    Removal,
    Stage,
    shown_for,
    summary_finished,
    summary_started,
    transcript_failed,
    transcript_ready,
)
from bot.notes.slack_files import NotesSlack
from bot.notes.store import NotesStore
from bot.notes.summary_text import Member, SummaryParts, read_summary
from bot.notes.transcript_file import share_transcript
from bot.storage.jobs import JobName, Jobs

log = logging.getLogger(__name__)

SYNC_LOCK_TTL = 120
DM_STEPS = "dm:"  # the steps of notes sent to the creator's DM when the channel refuses them
SYNC_LATER = 2  # seconds: a sync that found another at work runs again after it


class NotesBusy(RetryLater):
    """Another job is working on these notes: this one is retried after it."""


def workspace(meeting: Meeting) -> Workspace:
    return Workspace(team_id=meeting.team_id, enterprise_id=meeting.enterprise_id)


def steps_key(transcript_id: str) -> str:
    return f"notes:{transcript_id}"


class NotesService:
    def __init__(
        self,
        *,
        meetings: MeetingService,
        store: NotesStore,
        slack: NotesSlack,
        jobs: Jobs,
        retention_days: int | None = None,
    ) -> None:
        self.meetings = meetings
        self.records = meetings.store.records
        self.steps = meetings.store.steps
        self.locks = meetings.store.locks
        self.provider: RoomProvider = meetings.provider
        self.clock = meetings.clock
        self.store = store
        self.slack = slack
        self.jobs = jobs
        self.retention_days = retention_days

    # --- events --------------------------------------------------------------------------

    async def on_event(self, meeting_id: str | None, event: RoomEvent) -> str:
        """One transcript or summary event (from the webhook route or the sweep)."""
        if event.kind in (EventKind.SUMMARY_READY, EventKind.SUMMARY_FAILED):
            return await self._summary_event(event)
        transcript_id = event.transcript_id
        if not transcript_id or meeting_id is None:
            log.warning("notes: %s event without a transcript or meeting: ignored", event.kind)
            return "ignored"
        meeting = await self.records.get(meeting_id)
        if meeting is None or not meeting.notes:
            # Nobody was told this meeting is transcribed: its transcript is not ours to post.
            log.info("notes: transcript of meeting %s, which did not ask for notes", meeting_id)
            return "not a notes meeting"
        if event.kind is EventKind.TRANSCRIPT_FAILED:
            _, after = await self.store.update(
                transcript_id, meeting_id, lambda n: transcript_failed(n, event.error)
            )
            if after is not None and after.transcript is Stage.FAILED:
                await self._tell_host(after, "transcript")
            return "transcript failed"
        now = self.clock()
        await self.store.update(transcript_id, meeting_id, lambda n: transcript_ready(n, at=now))
        return await self.sync(transcript_id)

    async def _summary_event(self, event: RoomEvent) -> str:
        job_id = event.job_id or ""
        transcript_id = await self.store.transcript_of_job(job_id) if job_id else None
        if transcript_id is None and event.transcript_id:
            # A job started by a run that died before recording it: adopt it, but only for a
            # transcript of ours that has no job yet.
            known = await self.store.get(event.transcript_id)
            if known is not None and known.job_id is None and job_id:
                await self.store.update(
                    known.transcript_id, None, lambda n: summary_started(n, job_id)
                )
                transcript_id = known.transcript_id
        if transcript_id is None:
            log.warning(
                "notes: summary event for job %r, which meetbot did not start: ignored", job_id[:64]
            )
            return "unknown job"
        ok = event.kind is EventKind.SUMMARY_READY
        _, after = await self.store.update(
            transcript_id, None, lambda n: summary_finished(n, ok=ok, error=event.error)
        )
        if after is not None and not ok and after.summary is Stage.FAILED:
            await self._tell_host(after, "summary")
        return await self.sync(transcript_id)

    async def _tell_host(self, notes: Notes, what: str) -> None:
        """DM the host once per failure (the step is the transcript's)."""
        meeting = await self.records.get(notes.meeting_id)
        if meeting is None:
            return
        error = notes.transcript_error if what == "transcript" else notes.summary_error
        ws = workspace(meeting)
        t = translator(await self.meetings.language_of(ws, meeting.creator_id))
        await self.meetings.post_once(
            steps_key(notes.transcript_id),
            f"told:{what}",
            ws,
            meeting.creator_id,
            blocks.failure_dm(meeting, what, error, t),
        )

    # --- the reply -----------------------------------------------------------------------

    async def schedule_sync(self, transcript_id: str) -> None:
        due = int(self.clock().timestamp()) + SYNC_LATER
        await self.jobs.enqueue(
            JobName.NOTES_SYNC,
            f"notes-sync:{transcript_id}:{due}",
            scheduled=due,
            transcript_id=transcript_id,
        )

    async def sync(self, transcript_id: str) -> str:
        """Bring the transcript's reply up to what is known; safe to run again at any point."""
        async with self.locks.exclusive(f"notes:{transcript_id}", ttl=SYNC_LOCK_TTL) as held:
            if not held:
                await self.schedule_sync(transcript_id)
                return "busy"
            notes = await self.store.get(transcript_id)
            if notes is None:
                return "unknown transcript"
            meeting = await self.records.get(notes.meeting_id)
            if meeting is None:
                return "unknown meeting"
            if notes.removed is not None:
                return "removed"
            if notes.transcript is not Stage.READY:
                return "waiting"
            if notes.summary is Stage.PENDING:
                notes = await self._ask_summary(meeting, notes)
            if not notes.posted:
                notes = await self._post(meeting, notes)
                return "posted"
            if notes.needs_edit:
                await self._edit(meeting, notes)
                return "edited"
            return "unchanged"

    async def _ask_summary(self, meeting: Meeting, notes: Notes) -> Notes:
        try:
            job_id = await self.provider.start_summary(notes.transcript_id)
        except Exception as exc:
            if not is_permanent(exc):
                raise
            log.warning("notes: summary of %s refused: %s", notes.transcript_id, type(exc).__name__)
            _, after = await self.store.update(
                notes.transcript_id, None, lambda n: summary_finished(n, ok=False, error=None)
            )
            await self._tell_host(after or notes, "summary")
            return after or notes
        _, after = await self.store.update(
            notes.transcript_id, None, lambda n: summary_started(n, job_id)
        )
        return after or notes

    async def _where(self, meeting: Meeting) -> tuple[str, str | None]:
        """(conversation, thread) of the reply: the card's thread, else the creator's DM."""
        ws = workspace(meeting)
        if meeting.card_ts is not None:
            return meeting.channel_id, meeting.thread_ts or meeting.card_ts
        return await self.slack.conversation(ws, meeting.creator_id), None

    async def reply_translator(self, meeting: Meeting, notes: Notes | None = None) -> Translator:
        """The reply's language: the channel's in the card's thread, the creator's own in
        their DM (where `_where` puts it when the card has no thread, and `_post` when the
        card's channel refused the notes)."""
        in_dm = notes is not None and notes.reply_channel not in (None, meeting.channel_id)
        if meeting.card_ts is not None and not in_dm:
            return blocks.channel_translator(meeting)
        return translator(await self.meetings.language_of(workspace(meeting), meeting.creator_id))

    async def _post(self, meeting: Meeting, notes: Notes) -> Notes:
        ws, key = workspace(meeting), steps_key(notes.transcript_id)
        channel, thread = await self._where(meeting)
        t = await self.reply_translator(meeting)
        steps, prefix = await self.steps.load(key), ""
        try:
            file_id = await share_transcript(
                self.slack, self.provider, steps, ws, meeting, notes, channel, thread, t
            )
        except (ChannelUnreachable, NotInChannel) as exc:
            if thread is None:
                raise  # the creator's DM itself refused: nothing else to try
            # The card's channel was archived, deleted or closed to us since the meeting: the
            # notes go to the creator's DM rather than nowhere (a new upload, steps of its own:
            # whether Slack lets a refused upload be shared elsewhere is not documented).
            log.warning("notes of %s: channel refused (%s), sent by DM", meeting.id, exc.error)
            channel, thread = await self.slack.conversation(ws, meeting.creator_id), None
            t = translator(await self.meetings.language_of(ws, meeting.creator_id))
            prefix = DM_STEPS
            file_id = await share_transcript(
                self.slack, self.provider, steps, ws, meeting, notes, channel, None, t,
                steps_prefix=prefix,
            )  # fmt: skip
        summary, members = await self._summary(ws, notes, channel)
        message = blocks.notes_reply(meeting, notes, summary=summary, members=members, t=t)
        ts = await self.meetings.post_once(key, f"{prefix}reply", ws, channel, message, thread)
        shown = (
            shown_for(notes)
            if summary is not None or notes.summary is not Stage.READY
            else Stage.PENDING
        )

        def posted(n: Notes) -> Notes:
            return n.replace(reply_channel=channel, reply_ts=ts, file_id=file_id, shown=shown)

        _, after = await self.store.update(notes.transcript_id, None, posted)
        after = after or posted(notes)
        if self.retention_days:
            due = (after.ready_at or self.clock()) + timedelta(days=self.retention_days)
            await self.store.schedule_removal(f"notes:{after.transcript_id}", due)
        await self.jobs.refresh_home(ws, meeting.creator_id)
        if after.needs_edit:  # the summary arrived while we posted
            await self._edit(meeting, after)
        return after

    async def _summary(
        self, ws: Workspace, notes: Notes, channel: str
    ) -> tuple[SummaryParts | None, list[Member]]:
        if notes.summary is not Stage.READY or not notes.job_id:
            return None, []
        summary = await self.provider.get_summary(notes.job_id)
        if not summary.text:
            return None, []
        parts = read_summary(summary.text)
        members = await self.slack.members(ws, channel) if parts.action_items else []
        return parts, members

    async def _edit(self, meeting: Meeting, notes: Notes) -> None:
        assert notes.reply_channel is not None and notes.reply_ts is not None
        ws = workspace(meeting)
        summary, members = await self._summary(ws, notes, notes.reply_channel)
        if notes.summary is Stage.READY and summary is None:
            raise RetryLater(f"summary {notes.job_id} has no text yet")
        t = await self.reply_translator(meeting, notes)
        message = blocks.notes_reply(meeting, notes, summary=summary, members=members, t=t)
        await self.meetings.slack.update(ws, notes.reply_channel, notes.reply_ts, message)
        shown = shown_for(notes)
        await self.store.update(notes.transcript_id, None, lambda n: n.replace(shown=shown))

    # --- removal -------------------------------------------------------------------------

    async def remove(self, transcript_id: str, how: Removal, by: str | None) -> str:
        """Delete the notes everywhere (Slack file, summary, transcript) and say so in the
        reply. Idempotent: a retry after a crash finishes what the first run began."""
        async with self.locks.exclusive(f"notes:{transcript_id}", ttl=SYNC_LOCK_TTL) as held:
            if not held:
                raise NotesBusy(f"notes {transcript_id} busy")
            now = self.clock()

            def mark(n: Notes) -> Notes:
                if n.removed is not None:
                    return n
                return n.replace(removed=how, removed_by=by, removed_at=now)

            _, notes = await self.store.update(transcript_id, None, mark)
            if notes is None:
                return "unknown transcript"
            meeting = await self.records.get(notes.meeting_id)
            if meeting is None:
                return "unknown meeting"
            ws = workspace(meeting)
            if notes.file_id:
                await self.slack.delete_file(ws, notes.file_id)
            if notes.job_id:
                await _gone_ok(self.provider.delete_summary(notes.job_id))
            await _gone_ok(self.provider.delete_transcript(notes.transcript_id))
            if notes.reply_channel and notes.reply_ts:
                t = await self.reply_translator(meeting, notes)
                removed = blocks.removed_reply(meeting, notes, t)
                await self.meetings.slack.update(ws, notes.reply_channel, notes.reply_ts, removed)
            await self.store.removal_done(f"notes:{transcript_id}")
            await self.jobs.refresh_home(ws, meeting.creator_id)
            log.info(
                "notes %s of meeting %s removed (%s)", transcript_id, meeting.id, notes.removed
            )
            return "removed"


async def _gone_ok(call: Awaitable[None]) -> None:
    """A provider deletion; something already gone is not an error."""
    with contextlib.suppress(NotFoundError):
        await call
