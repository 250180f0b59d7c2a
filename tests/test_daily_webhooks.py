"""Daily webhooks: only Daily's fresh signature is accepted, and each documented event becomes
the same RoomEvent a Meetings callback would (bodies as in Daily's webhook reference)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from bot.domain.rooms import EventKind, RoomEvent
from bot.providers.daily.webhooks import parse_webhook, sign, verify

SECRET = base64.b64decode("c2VjcmV0LXNoYXJlZC13aXRoLWRhaWx5")
NOW = 1_760_000_000.0
BODY = b'{"type": "meeting.started"}'


def test_daily_s_signature_is_accepted_within_five_minutes() -> None:
    stamp = str(int(NOW))
    assert verify(SECRET, BODY, stamp, sign(SECRET, BODY, stamp), now=NOW + 299)


@pytest.mark.parametrize(
    ("case", "secret", "body", "stamp", "now"),
    [
        ("other secret", b"other", BODY, str(int(NOW)), NOW),
        ("changed body", SECRET, BODY + b" ", str(int(NOW)), NOW),
        ("stale", SECRET, BODY, str(int(NOW)), NOW + 301),
        ("from the future", SECRET, BODY, str(int(NOW)), NOW - 301),
    ],
)
def test_anything_else_is_refused(
    case: str, secret: bytes, body: bytes, stamp: str, now: float
) -> None:
    assert not verify(SECRET, body, stamp, sign(secret, BODY, stamp), now=now), case


def test_missing_or_garbled_headers_are_refused_without_raising() -> None:
    stamp = str(int(NOW))
    good = sign(SECRET, BODY, stamp)
    assert not verify(SECRET, BODY, None, good, now=NOW)
    assert not verify(SECRET, BODY, stamp, None, now=NOW)
    assert not verify(SECRET, BODY, "yesterday", good, now=NOW)
    assert not verify(SECRET, BODY, stamp, "not base64!", now=NOW)
    assert not verify(None, BODY, stamp, good, now=NOW)


def event(kind: str, payload: dict[str, object], event_id: str = "ev-1") -> dict[str, object]:
    return {"version": "1.0.0", "type": kind, "id": event_id, "payload": payload, "event_ts": NOW}


def at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def test_meeting_started_and_ended_are_the_session() -> None:
    started = parse_webhook(
        event("meeting.started", {"start_ts": 100, "meeting_id": "m-1", "room": "mb-x"})
    )
    ended = parse_webhook(
        event(
            "meeting.ended",
            {"start_ts": 100, "end_ts": 700, "meeting_id": "m-1", "room": "mb-x"},
            "ev-2",
        )
    )
    assert started == RoomEvent(
        EventKind.SESSION_STARTED,
        "daily|meeting.started|ev-1",
        room_id="mb-x",
        session_id="m-1",
        started_at=at(100),
    )
    assert ended is not None and ended.kind is EventKind.SESSION_ENDED
    assert (ended.ended_at, ended.duration_seconds) == (at(700), 600.0)


def test_a_participant_names_no_session_and_carries_name_and_owner() -> None:
    joined = parse_webhook(
        event(
            "participant.joined",
            {
                "room": "mb-x",
                "session_id": "p-1",
                "user_id": "u",
                "user_name": "Ana",
                "owner": True,
                "joined_at": 150,
            },
        )
    )
    assert joined is not None
    assert (joined.kind, joined.session_id, joined.participant_id) == (
        EventKind.PARTICIPANT_JOINED,
        None,
        "p-1",
    )
    assert (joined.participant_name, joined.is_host, joined.started_at) == ("Ana", True, at(150))


def test_recordings_read_the_room_from_room_name() -> None:
    ready = parse_webhook(
        event(
            "recording.ready-to-download",
            {
                "type": "cloud",
                "recording_id": "r-1",
                "room_name": "mb-x",
                "start_ts": 100,
                "status": "finished",
                "duration": 540,
            },
        )
    )
    assert ready is not None
    assert (ready.kind, ready.room_id, ready.recording_id, ready.duration_seconds) == (
        EventKind.RECORDING_READY,
        "mb-x",
        "r-1",
        540.0,
    )


def test_types_we_do_not_follow_are_none_and_broken_bodies_raise() -> None:
    assert parse_webhook(event("transcript.started", {"room": "mb-x"})) is None
    with pytest.raises(ValueError, match="room"):
        parse_webhook(event("meeting.started", {"meeting_id": "m-1"}))
    with pytest.raises(ValueError, match="meeting_id"):
        parse_webhook(event("meeting.ended", {"room": "mb-x"}))
    with pytest.raises(ValueError):
        parse_webhook(
            event("meeting.started", {"room": "mb-x", "meeting_id": "m", "start_ts": "x"})
        )


def test_an_event_survives_the_job_round_trip() -> None:
    parsed = parse_webhook(
        event("meeting.ended", {"start_ts": 1, "end_ts": 61, "meeting_id": "m", "room": "r"})
    )
    assert parsed is not None
    assert RoomEvent.from_dict(json.loads(json.dumps(parsed.to_dict()))) == parsed


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("meeting.started", {"meeting_id": "m-1", "room": "mb-x", "start_ts": None}),
        ("meeting.ended", {"meeting_id": "m-1", "room": "mb-x"}),
        ("participant.joined", {"session_id": "p-1", "room": "mb-x", "user_name": None,
                                "owner": None, "will_eject_at": None, "permissions": None}),
        ("participant.left", {"session_id": "p-1", "room": "mb-x", "duration": None}),
        ("recording.started", {"recording_id": "r-1"}),
        ("recording.ready-to-download", {"recording_id": "r-1", "room_name": "mb-x",
                                         "tracks": None, "type": "cloud"}),
    ],
)  # fmt: skip
def test_fields_the_sdk_marks_optional_may_be_missing_or_null(
    kind: str, payload: dict[str, object]
) -> None:
    """Daily's SDK models mark every payload field optional; an event needs only its ids (and
    its room, but for recording.started, which has none)."""
    parsed = parse_webhook(event(kind, payload))
    assert parsed is not None and parsed.identity == f"daily|{kind}|ev-1"
    assert parsed.started_at is None
    assert parsed.participant_name in (None, "")
