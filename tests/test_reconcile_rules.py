"""What the reconciler concludes from a room, and when it looks again: pure rules, as tables."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.cards.reconcile import next_check, room_truths
from bot.domain.meeting import Meeting, MeetingStatus, RecordingInfo
from bot.domain.rooms import EventKind, Room, RoomKind

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
STARTED = NOW - timedelta(minutes=45)
MINUTE = timedelta(minutes=1)


def meeting(status: MeetingStatus, kind: RoomKind = RoomKind.INSTANT, **kw: object) -> Meeting:
    base = Meeting(
        id="m1",
        team_id="T1",
        creator_id="U1",
        title="t",
        channel_id="C1",
        kind=kind,
        room_id="r1",
        session_id="s1" if status is not MeetingStatus.OPEN else None,
        started_at=STARTED if status is not MeetingStatus.OPEN else None,
        expires_at=NOW - timedelta(minutes=50),
        status=status,
    )
    return base.replace(**kw)


def room(kind: RoomKind = RoomKind.INSTANT, *, expires_in: float, available: bool = True) -> Room:
    return Room(
        id="r1",
        title="t",
        kind=kind,
        guest_url="https://meet.example/1",
        host_url="https://meet.example/1?host",
        meeting_code="1",
        expires_at=NOW + timedelta(minutes=expires_in),
        created_at=NOW - timedelta(hours=1),
        is_available=available,
    )


@pytest.mark.parametrize(
    ("case", "the_meeting", "the_room", "expected"),
    [
        # An instant room's idle clock restarted 10 minutes before its expiry: the session
        # ended 5 minutes ago.
        (
            "instant, live, idle clock moved",
            meeting(MeetingStatus.LIVE),
            room(expires_in=5),
            ["ended"],
        ),
        # Still on its first clock (expired on paper, kept open by the live session).
        ("instant, live, clock unmoved", meeting(MeetingStatus.LIVE), room(expires_in=-50), []),
        ("gone while live", meeting(MeetingStatus.LIVE), None, ["expired"]),
        (
            "instant, live, expired since",
            meeting(MeetingStatus.LIVE),
            room(expires_in=-2, available=False),
            ["ended", "expired"],
        ),
        (
            "long-term, live: the API cannot tell",
            meeting(MeetingStatus.LIVE, RoomKind.LONG_TERM),
            room(RoomKind.LONG_TERM, expires_in=600),
            [],
        ),
        (
            "open, expired",
            meeting(MeetingStatus.OPEN),
            room(expires_in=-1, available=False),
            ["expired"],
        ),
        ("ended, room still there", meeting(MeetingStatus.ENDED), room(expires_in=5), []),
    ],
)
def test_room_truths(
    case: str, the_meeting: Meeting, the_room: Room | None, expected: list[str]
) -> None:
    events = room_truths(the_meeting, the_room)
    names = {EventKind.SESSION_ENDED: "ended", EventKind.ROOM_EXPIRED: "expired"}
    assert [names[e.kind] for e in events] == expected, case
    for event in events:
        if event.kind is EventKind.SESSION_ENDED:
            assert the_room is not None and the_room.expires_at is not None
            assert event.ended_at == the_room.expires_at - timedelta(minutes=10)


def test_next_check() -> None:
    interval = MINUTE
    pending = (RecordingInfo("rec", status="ended"),)
    announced = (RecordingInfo("rec", status="ready", url="u", reply_ts="1.2"),)
    long_open = meeting(MeetingStatus.OPEN, RoomKind.LONG_TERM, expires_at=NOW + timedelta(days=9))
    table: list[tuple[Meeting | None, Room | None, datetime | None]] = [
        (None, None, None),
        (meeting(MeetingStatus.LIVE), room(expires_in=-50), NOW + MINUTE),
        (meeting(MeetingStatus.EXPIRED), None, None),
        (meeting(MeetingStatus.EXPIRED, recordings=pending), None, NOW + MINUTE),
        (meeting(MeetingStatus.EXPIRED, recordings=announced), None, None),
        (meeting(MeetingStatus.ENDED, recordings=pending), room(expires_in=5), NOW + MINUTE),
        # Nothing pending: look less often, but right after the room's expiry.
        (meeting(MeetingStatus.ENDED), room(expires_in=5), NOW + 6 * MINUTE),
        (long_open, room(RoomKind.LONG_TERM, expires_in=9 * 24 * 60), NOW + 15 * MINUTE),
    ]
    for the_meeting, the_room, expected in table:
        assert next_check(the_meeting, the_room, now=NOW, interval=interval) == expected
    # Recordings that never turn up stop being looked for a day after the room expired.
    stale = meeting(MeetingStatus.EXPIRED, recordings=pending, expires_at=NOW - timedelta(days=2))
    assert next_check(stale, None, now=NOW, interval=interval) is None
