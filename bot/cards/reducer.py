"""`apply_event`: what a room event does to a meeting record. Pure: no I/O, no clock.

Callbacks are unsigned, never retried and may arrive twice or out of order, so the reducer is
idempotent and, within a session, order-independent: every field only moves forward (a time
once known is kept, a recording's status only rises started < ended < ready, a participant
who left stays left even if their "joined" arrives later) and the status is derived from
what is known rather than from the last event seen.

Sessions of a long-term room: the meeting shows one session, the one that started last (by
`started_at`). Participants are stored with `Participant.id = "<session_id>|<participant_id>"`
so events of the next session that beat its `session:started` are kept for it; when a later
session takes over, the previous one's participants are dropped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

from bot.domain.meeting import Meeting, MeetingStatus, Participant, RecordingInfo, Waiting
from bot.domain.rooms import EventKind, RoomEvent
from bot.errors import RetryLater

_SEP = "|"
# "removed": deleted under the retention policy (bot.notes.retention); a late event never revives it.
RECORDING_RANK = {"started": 0, "ended": 1, "ready": 2, "removed": 3}
_RECORDING_STATUS = {
    EventKind.RECORDING_STARTED: "started",
    EventKind.RECORDING_ENDED: "ended",
    EventKind.RECORDING_READY: "ready",
}
_SESSION_KINDS = {
    EventKind.SESSION_STARTED,
    EventKind.SESSION_ENDED,
    EventKind.PARTICIPANT_JOINED,
    EventKind.PARTICIPANT_LEFT,
}


def participant_key(session_id: str, participant_id: str) -> str:
    return f"{session_id}{_SEP}{participant_id}"


def split_participant_key(key: str) -> tuple[str, str]:
    """(session_id, provider participant id) of a stored `Participant.id`."""
    session_id, _, participant_id = key.rpartition(_SEP)
    return session_id, participant_id


def session_participants(meeting: Meeting) -> tuple[Participant, ...]:
    """The participants of the meeting's current session."""
    if meeting.session_id is None:
        return ()
    return tuple(
        p for p in meeting.participants if split_participant_key(p.id)[0] == meeting.session_id
    )


class SessionNotKnownYet(RetryLater):
    """A join or leave naming no session arrived before its session's start (retry later)."""


def bind_session(meeting: Meeting, event: RoomEvent) -> RoomEvent:
    """A join or leave without a session id, bound to the meeting's current session.

    Daily's participant webhooks name the room but not the meeting (session) they belong to
    (https://docs.daily.co/reference/rest-api/webhooks/events/participant-joined), and a room
    has one session at a time, so the one we know is theirs; unless we know none yet, or the
    person joined (`started_at`) after it ended: then their session's start is still on its way.

    Raises:
        SessionNotKnownYet: as above; the caller retries once the start has been applied.
    """
    if event.session_id or event.kind not in (
        EventKind.PARTICIPANT_JOINED,
        EventKind.PARTICIPANT_LEFT,
    ):
        return event
    ended = meeting.ended_at
    joined = event.started_at
    if meeting.session_id is None or (ended and joined and joined > ended):
        raise SessionNotKnownYet(f"{event.kind.value} before its session started")
    return dataclasses.replace(event, session_id=meeting.session_id)


def apply_event(
    meeting: Meeting, event: RoomEvent, *, received_at: datetime | None = None
) -> Meeting:
    """The meeting after `event`; the same meeting (equal) when the event changes nothing.

    Args:
        meeting: the stored record.
        event: a parsed callback (or a fact the reconciler learned from the API).
        received_at: when the event reached us: the time of joins and leaves, whose callbacks
            carry none. Defaults to the event's own times.
    """
    at = received_at or event.ended_at or event.started_at
    if event.kind is EventKind.ROOM_EXPIRED:
        updated = meeting.replace(status=MeetingStatus.EXPIRED)
    elif event.kind in _RECORDING_STATUS:
        updated = _recording(meeting, event)
    elif event.kind in _SESSION_KINDS and event.session_id:
        updated = _session_event(meeting, event, at)
    elif event.kind in (EventKind.WAITING_JOINED, EventKind.WAITING_LEFT):
        updated = _waiting(meeting, event)
    else:
        return meeting
    if updated.waiting:
        updated = _admitted(updated)
    return updated.replace(status=derive_status(updated))


def derive_status(meeting: Meeting) -> MeetingStatus:
    """EXPIRED is terminal; otherwise LIVE while the current session has begun and not ended."""
    if meeting.status is MeetingStatus.EXPIRED:
        return MeetingStatus.EXPIRED
    if meeting.closed_at is not None:
        return MeetingStatus.ENDED  # ended from Slack (bot.hostctl): the room is closed
    if meeting.session_id is None:
        return MeetingStatus.OPEN
    if meeting.ended_at is not None:
        return MeetingStatus.ENDED
    if meeting.started_at is not None or session_participants(meeting):
        return MeetingStatus.LIVE
    return MeetingStatus.OPEN


def _session_event(meeting: Meeting, event: RoomEvent, at: datetime | None) -> Meeting:
    assert event.session_id is not None
    meeting = _switch_session(meeting, event)
    current = event.session_id == meeting.session_id
    kind = event.kind
    if kind in (EventKind.PARTICIPANT_JOINED, EventKind.PARTICIPANT_LEFT):
        if not current and meeting.ended_at is None:
            # The current session is live and a room has one live session at a time:
            # this event belongs to an older session and is stale.
            return meeting
        return _participant(meeting, event, at)
    if not current:
        return meeting  # started/ended of an older session
    meeting = meeting.replace(started_at=_earliest(meeting.started_at, event.started_at))
    if kind is EventKind.SESSION_ENDED:
        ended_at = _earliest(meeting.ended_at, event.ended_at or at)
        meeting = meeting.replace(ended_at=ended_at)
        meeting = _everyone_left(meeting, ended_at)
    return meeting


def _switch_session(meeting: Meeting, event: RoomEvent) -> Meeting:
    """Adopt the event's session when we know none, or when it started after the current one."""
    if meeting.session_id == event.session_id:
        return meeting
    newer = meeting.session_id is None or (
        event.kind in (EventKind.SESSION_STARTED, EventKind.SESSION_ENDED)
        and event.started_at is not None
        and (meeting.started_at is None or event.started_at > meeting.started_at)
    )
    if not newer:
        return meeting
    assert event.session_id is not None
    kept = tuple(
        p for p in meeting.participants if split_participant_key(p.id)[0] == event.session_id
    )
    return meeting.replace(
        session_id=event.session_id, started_at=None, ended_at=None, participants=kept
    )


def _participant(meeting: Meeting, event: RoomEvent, at: datetime | None) -> Meeting:
    if not event.participant_id or event.session_id is None:
        return meeting
    key = participant_key(event.session_id, event.participant_id)
    people = {p.id: p for p in meeting.participants}
    known = people.get(key) or Participant(id=key, name="")
    joined_at, left_at = known.joined_at, known.left_at
    if event.kind is EventKind.PARTICIPANT_JOINED:
        joined_at = joined_at or at
    else:
        left_at = _earliest(left_at, at)
    if event.session_id == meeting.session_id and meeting.ended_at is not None:
        left_at = _earliest(left_at, meeting.ended_at)  # joined after the end arrived
    person = Participant(
        id=key,
        name=known.name or (event.participant_name or "").strip(),
        is_host=known.is_host or event.is_host,
        joined_at=joined_at,
        left_at=left_at,
    )
    people[key] = person
    return meeting.replace(participants=_ordered(people.values()))


def _everyone_left(meeting: Meeting, ended_at: datetime | None) -> Meeting:
    """A session's end is everyone's leave, whether or not their own callback arrived."""
    if ended_at is None:
        return meeting
    session_id = meeting.session_id
    people = [
        p
        if split_participant_key(p.id)[0] != session_id
        else Participant(p.id, p.name, p.is_host, p.joined_at, _earliest(p.left_at, ended_at))
        for p in meeting.participants
    ]
    return meeting.replace(participants=_ordered(people))


def _earliest(known: datetime | None, seen: datetime | None) -> datetime | None:
    """Of two reports of one moment, the earlier: the result does not depend on their order."""
    if known is None or seen is None:
        return known or seen
    return min(known, seen)


def _ordered(people: Iterable[Participant]) -> tuple[Participant, ...]:
    """In order of arrival, so the list does not depend on the order callbacks came in."""
    return tuple(sorted(people, key=lambda p: (_moment(p), p.id)))


def _moment(person: Participant) -> float:
    when = person.joined_at or person.left_at
    return when.timestamp() if when is not None else float("inf")


def _recording(meeting: Meeting, event: RoomEvent) -> Meeting:
    if not event.recording_id:
        return meeting
    status = _RECORDING_STATUS[event.kind]
    recordings = list(meeting.recordings)
    index = next((i for i, r in enumerate(recordings) if r.id == event.recording_id), None)
    known = recordings[index] if index is not None else RecordingInfo(id=event.recording_id)
    merged = RecordingInfo(
        id=known.id,
        status=max(known.status, status, key=lambda s: RECORDING_RANK.get(s, 0)),
        url=known.url or event.recording_url,
        duration_seconds=known.duration_seconds or event.duration_seconds,
        size_bytes=known.size_bytes,
        reply_ts=known.reply_ts,
    )
    if index is None:
        recordings.append(merged)
    else:
        recordings[index] = merged
    return meeting.replace(recordings=tuple(recordings))


def _waiting(meeting: Meeting, event: RoomEvent) -> Meeting:
    """A knock joins the waiting list once; its leave (admitted, refused, gone) is final, even
    when it arrives before the knock itself."""
    if not event.participant_id:
        return meeting
    left = event.kind is EventKind.WAITING_LEFT or meeting.closed_at is not None
    people = {w.id: w for w in meeting.waiting}
    known = people.get(event.participant_id)
    name = (known.name if known else "") or (event.participant_name or "").strip()
    people[event.participant_id] = Waiting(
        event.participant_id, name, left=left or (known is not None and known.left)
    )
    return meeting.replace(waiting=tuple(people.values()))


def close_meeting(meeting: Meeting, *, by: str, at: datetime) -> Meeting:
    """The meeting ended from Slack: everyone is out, nobody waits, the room is closed. A
    second close (or the provider's own end arriving later) changes nothing."""
    if meeting.closed_at is not None:
        return meeting
    meeting = meeting.replace(closed_at=at, closed_by=by)
    if meeting.session_id is not None and meeting.ended_at is None:
        meeting = _everyone_left(meeting.replace(ended_at=at), at)
    meeting = meeting.replace(
        waiting=tuple(dataclasses.replace(w, left=True) for w in meeting.waiting)
    )
    return meeting.replace(status=derive_status(meeting))


def _admitted(meeting: Meeting) -> Meeting:
    """Someone let in from the lobby joins with their knock's participant id and gets no
    `waiting-participant.left` (https://docs.daily.co/reference/rest-api/webhooks/events/
    waiting-participant-left): their join ends their wait, whichever arrived first."""
    joined = {split_participant_key(p.id)[1] for p in meeting.participants}
    if not any(w.id in joined and not w.left for w in meeting.waiting):
        return meeting
    return meeting.replace(
        waiting=tuple(
            dataclasses.replace(w, left=True) if w.id in joined else w for w in meeting.waiting
        )
    )
