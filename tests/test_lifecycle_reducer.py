"""apply_event: whatever order or how often callbacks arrive, the meeting ends up the same."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from bot.cards.reducer import apply_event, split_participant_key
from bot.domain.meeting import Meeting, MeetingStatus
from bot.domain.rooms import EventKind, RoomEvent, RoomKind

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
S1, S2 = "2_MX40session-one-fg", "2_MX40session-two-fg"
ROOM, REC = "room-1", "rec-1"


def _meeting() -> Meeting:
    return Meeting(
        id="m1",
        team_id="T1",
        creator_id="U1",
        title="Standup",
        channel_id="C1",
        kind=RoomKind.LONG_TERM,
        room_id=ROOM,
        guest_url="https://meet.example/123",
    )


def _event(kind: EventKind, **fields: object) -> RoomEvent:
    return RoomEvent(kind=kind, identity=f"{kind}|{sorted(fields.items())}", **fields)  # type: ignore[arg-type]


def started(session: str = S1, at: datetime = T0) -> RoomEvent:
    return _event(EventKind.SESSION_STARTED, room_id=ROOM, session_id=session, started_at=at)


def ended(session: str = S1, start: datetime = T0, minutes: int = 30) -> RoomEvent:
    return _event(
        EventKind.SESSION_ENDED,
        room_id=ROOM,
        session_id=session,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
    )


def joined(pid: str, name: str, *, host: bool = False, session: str = S1) -> RoomEvent:
    return _event(
        EventKind.PARTICIPANT_JOINED,
        session_id=session,
        participant_id=pid,
        participant_name=name,
        is_host=host,
    )


def left(pid: str, name: str, *, session: str = S1) -> RoomEvent:
    return _event(
        EventKind.PARTICIPANT_LEFT, session_id=session, participant_id=pid, participant_name=name
    )


def recording(kind: EventKind, url: str | None = None) -> RoomEvent:
    return _event(kind, session_id=S1, recording_id=REC, recording_url=url, duration_seconds=9.0)


# Each event reaches us at its own moment, whatever position it has in the delivery order.
SESSION = [
    started(),
    joined("p-ana", "Ana", host=True),
    joined("p-li", "Li"),
    left("p-li", "Li"),
    recording(EventKind.RECORDING_STARTED),
    recording(EventKind.RECORDING_READY, url="https://storage.example/r.mp4"),
    ended(),
]
RECEIVED = {event.identity: T0 + timedelta(minutes=i) for i, event in enumerate(SESSION)}


def replay(
    events: list[RoomEvent] | tuple[RoomEvent, ...], meeting: Meeting | None = None
) -> Meeting:
    meeting = meeting or _meeting()
    for event in events:
        meeting = apply_event(meeting, event, received_at=RECEIVED.get(event.identity, T0))
    return meeting


def test_in_order_the_session_ends_with_who_attended_and_a_ready_recording() -> None:
    meeting = replay(SESSION)
    assert meeting.status is MeetingStatus.ENDED
    assert meeting.duration_seconds == 30 * 60
    assert [(p.name, p.is_host, p.present) for p in meeting.participants] == [
        ("Ana", True, False),
        ("Li", False, False),
    ]
    (rec,) = meeting.recordings
    assert (rec.status, rec.url, rec.duration_seconds) == (
        "ready",
        "https://storage.example/r.mp4",
        9.0,
    )


def test_every_delivery_order_gives_the_same_meeting() -> None:
    expected = replay(SESSION)
    for order in itertools.permutations(SESSION):
        assert replay(order) == expected, [e.kind.value for e in order]


def test_duplicates_change_nothing() -> None:
    expected = replay(SESSION)
    assert replay([e for e in SESSION for _ in range(2)]) == expected
    assert replay(SESSION + list(reversed(SESSION))) == expected
    assert apply_event(expected, SESSION[2]) == expected


def test_live_while_the_session_runs_with_the_people_still_there() -> None:
    meeting = replay(SESSION[:4])
    assert meeting.status is MeetingStatus.LIVE
    assert meeting.started_at == T0
    assert [p.name for p in meeting.present] == ["Ana"]


@pytest.mark.parametrize(
    "events",
    [
        [left("p-li", "Li"), joined("p-li", "Li"), started()],
        [joined("p-li", "Li"), left("p-li", "Li"), started()],
    ],
)
def test_a_leave_before_its_join_does_not_bring_the_person_back(events: list[RoomEvent]) -> None:
    meeting = replay(events)
    assert meeting.status is MeetingStatus.LIVE
    assert meeting.present == ()
    assert [p.name for p in meeting.participants] == ["Li"]


def test_ended_before_started_stays_ended() -> None:
    meeting = replay([ended(), started(), joined("p-late", "Late")])
    assert meeting.status is MeetingStatus.ENDED
    assert meeting.present == (), "a join delivered after the end is not someone in the room"
    assert meeting.duration_seconds == 30 * 60


def test_a_join_alone_means_someone_is_in_the_room() -> None:
    meeting = replay([joined("p-ana", "Ana")])
    assert meeting.status is MeetingStatus.LIVE and meeting.started_at is None


def test_expired_is_terminal() -> None:
    expired = _event(EventKind.ROOM_EXPIRED, room_id=ROOM)
    for order in itertools.permutations([started(), expired, joined("p-ana", "Ana"), ended()]):
        assert replay(order).status is MeetingStatus.EXPIRED


def test_recording_status_only_moves_forward() -> None:
    ready = recording(EventKind.RECORDING_READY, url="https://storage.example/r.mp4")
    meeting = replay(
        [ready, recording(EventKind.RECORDING_ENDED), recording(EventKind.RECORDING_STARTED)]
    )
    (rec,) = meeting.recordings
    assert rec.status == "ready" and rec.url == "https://storage.example/r.mp4"


def test_a_later_session_of_a_long_term_room_takes_over() -> None:
    later = T0 + timedelta(hours=2)
    first = replay(SESSION)
    second = replay([started(S2, later), joined("p-bo", "Bo", session=S2)], first)
    assert second.status is MeetingStatus.LIVE
    assert second.session_id == S2 and second.started_at == later and second.ended_at is None
    assert [p.name for p in second.present] == ["Bo"]
    assert all(split_participant_key(p.id)[0] == S2 for p in second.participants)
    # Late news from the first session changes nothing now.
    assert replay([ended(), joined("p-old", "Old"), started()], second) == second
    # The next session's first join can beat its session:started.
    early = replay([joined("p-bo", "Bo", session=S2), started(S2, later)], first)
    assert early.status is MeetingStatus.LIVE and [p.name for p in early.present] == ["Bo"]
