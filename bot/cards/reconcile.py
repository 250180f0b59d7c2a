"""Reconciliation: callbacks can be lost, so a periodic sweep asks the Meetings API for the truth.

Every worker enqueues one `reconcile` job per interval slot (`Jobs.enqueue_every`,
RECONCILE_INTERVAL_SECONDS, default 60); the slot is the job key, and the sweep holds a Redis
lock, so one sweep runs at a time across replicas. A sweep checks the meetings whose next check
is due (`Store.due_for_check`, at most SWEEP_BATCH a sweep) and feeds what it learns through the
same reducer as callbacks (`bot.cards.live.LiveCards.apply`), so its facts and late callbacks merge.

What the API can tell (it has no "get session" endpoint):
- a room that is gone or unavailable: the card is EXPIRED (and no longer live);
- an instant room restarts its 10-minute idle clock when a session ends, so a live card whose
  instant room's `expires_at` moved past `started_at + 10 min` ended at `expires_at - 10 min`;
- `GET /sessions/{id}/recordings`: recordings started, stopped and uploaded (with links).
It cannot tell when a long-term room's session ended: that card stays live until a callback,
a later session or the room's expiry says otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.cards.live import LiveCards, TryLater
from bot.domain.meeting import Meeting, MeetingStatus
from bot.domain.rooms import EventKind, Recording, Room, RoomEvent, RoomKind
from bot.errors import NotFoundError, ProviderError, RetryLater, SlackError

log = logging.getLogger(__name__)

INSTANT_IDLE = timedelta(minutes=10)  # Meetings API docs, "Room types": instant rooms
SLOW_CHECK = timedelta(minutes=15)  # nothing live or pending: look less often
GIVE_UP_AFTER = timedelta(days=1)  # past expiry (or creation, with no room) we stop looking
SWEEP_BATCH = 200
SWEEP_LOCK_TTL = 300
CONCURRENCY = 8
_SOURCE = "reconcile"


class Reconciler:
    def __init__(
        self,
        live: LiveCards,
        *,
        interval: float,
        notes_check: Callable[[Meeting], Awaitable[bool]] | None = None,
    ) -> None:
        self.live = live
        self.store = live.store
        self.provider = live.provider
        self.clock: Callable[[], datetime] = live.clock
        self.interval = timedelta(seconds=interval)
        # Issue 16: catches up on a meeting's notes; True while more may come (bot.notes.sweep).
        self.notes_check = notes_check

    async def sweep(self) -> int:
        """Check every due meeting once; how many were checked (0 if another sweep runs)."""
        async with self.store.locks.exclusive("reconcile", ttl=SWEEP_LOCK_TTL) as held:
            if not held:
                return 0
            due = await self.store.watchlist.due(self.clock(), limit=SWEEP_BATCH)
            limit = asyncio.Semaphore(CONCURRENCY)

            async def one(meeting_id: str) -> None:
                async with limit:
                    try:
                        await self.check(meeting_id)
                    except Exception:
                        # One meeting's surprise must not stop the sweep for the others;
                        # it stays due, so the next sweep tries it again.
                        log.exception("reconcile meeting %s failed", meeting_id)

            await asyncio.gather(*(one(meeting_id) for meeting_id in due))
            return len(due)

    async def check(self, meeting_id: str) -> None:
        """Bring one meeting to the API's truth, then settle it or set its next check."""
        try:
            next_at = await self._check(meeting_id)
        except (ProviderError, SlackError, TryLater) as exc:
            log.warning("reconcile meeting %s: %s; trying again later", meeting_id, exc)
            next_at = self.clock() + self.interval
        if next_at is None:
            await self.store.watchlist.mark_settled(meeting_id)
        else:
            await self.store.watchlist.mark_active(meeting_id, next_at)

    async def _check(self, meeting_id: str) -> datetime | None:
        meeting = await self.store.records.get(meeting_id)
        now = self.clock()
        if meeting is None:
            return None
        if meeting.room_id is None:  # still being created, or creating it failed for good
            created = meeting.created_at or now
            return None if now - created > GIVE_UP_AFTER else now + self.interval
        try:
            room: Room | None = await self.provider.get_room(meeting.room_id)
        except NotFoundError:
            room = None
        events = room_truths(meeting, room)
        if meeting.session_id is not None:
            try:
                recordings = await self.provider.session_recordings(meeting.session_id)
            except NotFoundError:
                recordings = []
            events += [_recording_event(r) for r in recordings]

        def expiry(m: Meeting) -> Meeting:
            moved = room is not None and room.expires_at and room.expires_at != m.expires_at
            return m.replace(expires_at=room.expires_at) if room is not None and moved else m

        await self.live.apply(meeting_id, events, received_at=now, also=expiry)
        meeting = await self.store.records.get(meeting_id)
        next_at = next_check(meeting, room, now=now, interval=self.interval)
        if meeting is not None and await self._notes_pending(meeting):
            # Transcripts come minutes after a session ends; look for them for a day.
            ended = meeting.ended_at or meeting.expires_at or now
            if now - ended < GIVE_UP_AFTER:
                soon = now + self.interval
                next_at = soon if next_at is None else min(next_at, soon)
        return next_at

    async def _notes_pending(self, meeting: Meeting) -> bool:
        if self.notes_check is None or not meeting.notes:
            return False
        try:
            return await self.notes_check(meeting)
        except RetryLater:
            return True


def next_check(
    meeting: Meeting | None, room: Room | None, *, now: datetime, interval: timedelta
) -> datetime | None:
    """When to look at this meeting again; None once nothing about it can change."""
    if meeting is None:
        return None
    pending = any(
        r.status != "removed" and (r.status != "ready" or r.reply_ts is None)
        for r in meeting.recordings
    )
    soon = now + interval
    if meeting.status is MeetingStatus.EXPIRED:
        expired = meeting.expires_at or now
        return soon if pending and now - expired < GIVE_UP_AFTER else None
    if meeting.status is MeetingStatus.LIVE or pending:
        return soon
    later = now + max(interval, SLOW_CHECK)
    expires = room.expires_at if room is not None else meeting.expires_at
    return later if expires is None else max(soon, min(later, expires + interval))


def room_truths(meeting: Meeting, room: Room | None) -> list[RoomEvent]:
    """What the room (None: gone) says about the meeting, as events for the reducer."""
    events: list[RoomEvent] = []
    ended_at = _instant_session_end(meeting, room)
    if meeting.status is MeetingStatus.LIVE and ended_at is not None:
        events.append(
            RoomEvent(
                EventKind.SESSION_ENDED,
                _SOURCE,
                session_id=meeting.session_id,
                started_at=meeting.started_at,
                ended_at=ended_at,
            )
        )
    if room is None or not room.is_available:
        events.append(RoomEvent(EventKind.ROOM_EXPIRED, _SOURCE, room_id=meeting.room_id))
    return events


def _instant_session_end(meeting: Meeting, room: Room | None) -> datetime | None:
    """When an instant room's last session ended, read off its restarted idle clock."""
    if room is None or room.kind is not RoomKind.INSTANT or room.expires_at is None:
        return None
    if meeting.started_at is None:
        return None
    ended_at = room.expires_at - INSTANT_IDLE
    return ended_at if ended_at > meeting.started_at else None


def _recording_event(recording: Recording) -> RoomEvent:
    if recording.ready:
        kind = EventKind.RECORDING_READY
    elif recording.status in ("stopped", "uploaded"):
        kind = EventKind.RECORDING_ENDED
    else:
        kind = EventKind.RECORDING_STARTED
    return RoomEvent(
        kind,
        _SOURCE,
        session_id=recording.session_id,
        recording_id=recording.id,
        recording_url=recording.url,
        duration_seconds=recording.duration_seconds,
    )
