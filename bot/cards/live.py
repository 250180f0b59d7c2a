"""Keeping the card true: room events applied to the meeting record, the card refreshed
(coalesced), its Slack Call kept in step, and each ready recording announced once in the
card's thread, linked through meetbot's own `/recordings/{token}` (bot.recordings). Runs in
worker jobs (`room_event`, `refresh_card`) and in the reconciler.

Coalescing: a change schedules `refresh_card` keyed by meeting and 2-second bucket, due at the
bucket's end, so a burst of events costs one chat.update per bucket per card (Slack's
chat.update is Tier 3, ~50 a minute: https://api.slack.com/methods/chat.update). The refresh
renders whatever the record says when it runs, so the last event of a burst is always shown.
A card posted through a response_url has no ts: it is never refreshed, and its recordings go
to the creator by DM instead of a thread (README, "Live updates and their limits").
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta

import aiohttp

from bot.cards.calls import CallSync
from bot.cards.reducer import apply_event, bind_session
from bot.domain.clock import Clock
from bot.domain.inputs import Workspace
from bot.domain.meeting import Meeting, RecordingInfo
from bot.domain.rooms import RoomEvent, RoomProvider
from bot.errors import RetryLater, SlackError, SlackRateLimited, SlackUnavailable
from bot.meet import blocks, replies
from bot.meet.service import MeetingService
from bot.recordings.links import RecordingLinks
from bot.storage.jobs import JobName, Jobs
from bot.storage.store import Store

log = logging.getLogger(__name__)

CARD_COALESCE_SECONDS = 2
CARD_PENDING_FOR = timedelta(minutes=10)  # how long to wait for a card still being posted
PROBE_TIMEOUT = aiohttp.ClientTimeout(total=5)


class TryLater(RetryLater):
    """Not possible yet (no download link, another worker announcing): retried with backoff."""


class LiveCards:
    def __init__(
        self,
        *,
        service: MeetingService,
        jobs: Jobs,
        calls: CallSync,
        http: aiohttp.ClientSession,
        recheck_after: timedelta,
        recording_links: RecordingLinks,
        recording_posted: Callable[[Meeting, RecordingInfo], Awaitable[None]] | None = None,
    ) -> None:
        self.service = service
        self.store: Store = service.store
        self.provider: RoomProvider = service.provider
        self.slack = service.slack
        self.clock: Clock = service.clock
        self.jobs = jobs
        self.calls = calls
        self.http = http
        self.recheck_after = recheck_after
        self.recording_links = recording_links
        # Issue 16: told of each recording reply posted (the retention policy counts from it).
        self.recording_posted = recording_posted

    async def handle_callback(
        self, meeting_id: str, event: RoomEvent, received_at: str | None
    ) -> str:
        """The `room_event` job: one provider event, parsed and checked by its route.

        Raises:
            bot.cards.reducer.SessionNotKnownYet: a join or leave that names no session (Daily's) came before
                the start of its session; the job retries it once the start is applied.
        """
        when = datetime.fromisoformat(received_at) if received_at else self.clock()
        return await self.apply(meeting_id, [event], received_at=when)

    async def apply(
        self,
        meeting_id: str,
        events: Sequence[RoomEvent],
        *,
        received_at: datetime,
        also: Callable[[Meeting], Meeting] | None = None,
    ) -> str:
        """Apply events (and `also`, a further pure change) to the stored meeting, then follow up."""
        # A session we know belongs to another meeting: one room's token opens no other record.
        events = [e for e in events if not await self._foreign_session(meeting_id, e)]
        seen: list[Meeting] = []

        def change(meeting: Meeting) -> Meeting:
            seen.append(meeting)
            for event in events:
                if event.room_id and meeting.room_id and event.room_id != meeting.room_id:
                    continue  # a token opens one room's record only
                bound = bind_session(meeting, event)
                meeting = apply_event(meeting, bound, received_at=received_at)
            return also(meeting) if also is not None else meeting

        after = await self.store.records.update(meeting_id, change)
        if after is None:
            return "unknown meeting"
        before = seen[-1]
        if after != before:
            await self.schedule_refresh(after.id)
            await self.store.watchlist.watch(after.id, self.clock() + self.recheck_after)
            if after.status is not before.status or _ready(after) != _ready(before):
                await self.jobs.refresh_home(_workspace(after), after.creator_id)
            if after.waiting != before.waiting:  # the host's "someone is waiting" DM
                await self.jobs.sync_waiting(after.id)
        if await self.announce_recordings(after) is None:
            await self.schedule_refresh(after.id)  # another job is announcing; the refresh retries
        return after.status.value if after != before else "unchanged"

    async def _foreign_session(self, meeting_id: str, event: RoomEvent) -> bool:
        if not event.session_id:
            return False
        owner = await self.store.records.id_for_session(event.session_id)
        return owner is not None and owner != meeting_id

    async def schedule_refresh(self, meeting_id: str, *, later: bool = False) -> None:
        """One refresh per coalescing window; `later` skips a window, giving a busy Slack a
        few seconds before the retry."""
        bucket = int(self.clock().timestamp() // CARD_COALESCE_SECONDS) + int(later)
        due = (bucket + 1) * CARD_COALESCE_SECONDS
        await self.jobs.enqueue(
            JobName.REFRESH_CARD,
            f"card:{meeting_id}:{bucket}",
            scheduled=due,
            meeting_id=meeting_id,
        )

    async def refresh_card(self, meeting_id: str) -> str:
        """The `refresh_card` job: render the card from the record as it is now."""
        async with self.store.locks.exclusive(f"card:{meeting_id}", ttl=30) as held:
            if not held:  # another refresh is mid-update: go after it, never beside it
                await self.schedule_refresh(meeting_id)
                return "busy"
            meeting = await self.store.records.get(meeting_id)
            if meeting is None:
                return "unknown meeting"
            if meeting.card_ts is None:
                created = meeting.created_at or self.clock()
                if not meeting.card_via_response_url and self.clock() - created < CARD_PENDING_FOR:
                    await self.schedule_refresh(meeting_id)  # the card is still being posted
                return "no card"
            call_id = await self.calls.sync(meeting)
            message = blocks.meeting_card(
                meeting, now=self.clock(), call_id=call_id, capabilities=self.provider.capabilities
            )
            digest = hashlib.sha256(json.dumps(message.kwargs(), sort_keys=True).encode())
            steps_key = f"card:{meeting_id}"
            if (await self.store.steps.read(steps_key)).get("digest") == digest.hexdigest():
                return await self._announce_later(meeting)
            try:
                await self.slack.update(
                    _workspace(meeting), meeting.channel_id, meeting.card_ts, message
                )
            except (SlackRateLimited, SlackUnavailable) as exc:
                # Slack is busy or down for a moment: the card must still catch up, later.
                log.info("card of meeting %s not updated yet (%s): retrying", meeting_id, exc.error)
                await self.schedule_refresh(meeting_id, later=True)
                return f"retry:{exc.error}"
            except SlackError as exc:
                # Deleted card, bot removed from the channel...: retrying will not help.
                log.warning("card of meeting %s cannot be updated: %s", meeting_id, exc.error)
                return f"failed:{exc.error}"
            await self.store.steps.record(steps_key, "digest", digest.hexdigest())
        return await self._announce_later(meeting)

    async def _announce_later(self, meeting: Meeting) -> str:
        """Recordings a busy announcer left behind go out with the next refresh."""
        try:
            if await self.announce_recordings(meeting) is None:
                await self.schedule_refresh(meeting.id)
        except TryLater:
            pass  # no link yet: the room_event job retries that with backoff
        return meeting.status.value

    async def announce_recordings(self, meeting: Meeting) -> int | None:
        """Post each ready, unannounced recording once; how many were posted, None if another
        job holds the announcing lock (the caller schedules a refresh, which tries again).

        Raises:
            TryLater: the API has no download link yet (the job retries).
        """
        if not _unannounced(meeting):
            return 0
        posted = 0
        async with self.store.locks.exclusive(f"recordings:{meeting.id}", ttl=60) as held:
            if not held:
                return None
            current = await self.store.records.get(meeting.id)
            for recording in _unannounced(current) if current else ():
                assert current is not None
                recording = await self._complete(recording)
                done = replace(recording, reply_ts=await self._post_reply(current, recording))

                def record(m: Meeting, done: RecordingInfo = done) -> Meeting:
                    return _with_recording(m, done)

                current = await self.store.records.update(meeting.id, record)
                posted += 1
                if self.recording_posted is not None and current is not None:
                    await self.recording_posted(current, done)
        if posted and current is not None:
            await self.schedule_refresh(meeting.id)
            await self.jobs.refresh_home(_workspace(current), current.creator_id)
        return posted

    async def _complete(self, recording: RecordingInfo) -> RecordingInfo:
        """Fill in the link and duration from `GET /recordings/{id}`, the size from the link."""
        url, duration, size = recording.url, recording.duration_seconds, recording.size_bytes
        if url is None or duration is None:
            fetched = await self.provider.get_recording(recording.id)
            if fetched.url is None and url is None:
                raise TryLater(f"recording {recording.id} has no download link yet")
            url, duration = url or fetched.url, duration or fetched.duration_seconds
            size = size or fetched.size_bytes
        if size is None and url is not None:
            size = await probe_size(self.http, url)
        return RecordingInfo(recording.id, "ready", url, duration, size, recording.reply_ts)

    async def _post_reply(self, meeting: Meeting, recording: RecordingInfo) -> str:
        # Our own link, not the provider's pre-signed one, which expires within hours.
        link_url = self.recording_links.url(recording.id)
        ws, key = _workspace(meeting), f"recordings:{meeting.id}"
        if meeting.card_ts is not None:
            # In the card's thread: the channel's language (the meeting's).
            message = replies.recording_reply(meeting, recording, link_url=link_url)
            thread = meeting.thread_ts or meeting.card_ts
            try:
                return await self.service.post_once(
                    key, f"reply:{recording.id}", ws, meeting.channel_id, message, thread
                )
            except SlackError as exc:
                log.warning("recording reply for meeting %s failed: %s", meeting.id, exc.error)
        # No thread to reply in (response_url card, or the channel refused): the creator's DM,
        # in their own language rather than the channel's.
        theirs = meeting.replace(language=await self.service.language_of(ws, meeting.creator_id))
        dm = replies.recording_reply(theirs, recording, link_url=link_url)
        return await self.service.post_once(
            key, f"reply-dm:{recording.id}", ws, meeting.creator_id, dm
        )


async def probe_size(http: aiohttp.ClientSession, url: str) -> int | None:
    """The recording's size from its download link (one-byte range GET); None if it won't say.

    The Meetings API reports no size. Never logs the link: it is pre-signed.
    """
    try:
        async with http.get(url, headers={"Range": "bytes=0-0"}, timeout=PROBE_TIMEOUT) as resp:
            if resp.status == 206:
                total = resp.headers.get("Content-Range", "").rpartition("/")[2]
                return int(total) if total.isdigit() else None
            return resp.content_length if resp.status == 200 else None
    except (aiohttp.ClientError, TimeoutError):
        return None


def _unannounced(meeting: Meeting) -> list[RecordingInfo]:
    return [r for r in meeting.recordings if r.status == "ready" and r.reply_ts is None]


def _ready(meeting: Meeting) -> set[str]:
    return {r.id for r in meeting.recordings if r.status == "ready"}


def _with_recording(meeting: Meeting, done: RecordingInfo) -> Meeting:
    """Record what announcing learned (link, duration, size) and the reply's ts."""
    return meeting.replace(
        recordings=tuple(
            replace(
                r,
                url=r.url or done.url,
                duration_seconds=r.duration_seconds or done.duration_seconds,
                size_bytes=r.size_bytes or done.size_bytes,
                reply_ts=r.reply_ts or done.reply_ts,
            )
            if r.id == done.id
            else r
            for r in meeting.recordings
        )
    )


def _workspace(meeting: Meeting) -> Workspace:
    return Workspace(team_id=meeting.team_id, enterprise_id=meeting.enterprise_id)
