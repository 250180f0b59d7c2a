"""parse_callback: every documented Meetings callback becomes a RoomEvent with a stable identity."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.rooms import EventKind
from bot.providers.meetings.events import parse_callback

ROOM = "33791484-231c-421b-8349-96e1a44e27d2"
SESSION = "2_MX40NDYzMzk4OTJ-fg"
REC = "e5b73c98-c087-4ee5-b61b-0ea08204fc65"


def test_room_expired() -> None:
    event = parse_callback(
        {
            "event": "room:expired",
            "room_id": ROOM,
            "room_type": "instant",
            "expires_at": "2023-01-24T03:30:38.629Z",
            "created_at": "2023-01-24T03:20:38.629Z",
        }
    )
    assert event.kind is EventKind.ROOM_EXPIRED
    assert event.room_id == ROOM
    assert event.identity == f"room:expired|room_id={ROOM}|expires_at=2023-01-24T03:30:38.629Z"


def test_session_started_and_ended_with_duration() -> None:
    started = parse_callback(
        {
            "event": "session:started",
            "session_id": SESSION,
            "room_id": ROOM,
            "started_at": "2023-01-25T02:38:00Z",
        }
    )
    ended = parse_callback(
        {
            "event": "session:ended",
            "session_id": SESSION,
            "room_id": ROOM,
            "started_at": "2023-01-25T02:38:00Z",
            "ended_at": "2023-01-25T03:08:30Z",
        }
    )
    assert started.kind is EventKind.SESSION_STARTED
    assert started.started_at == datetime(2023, 1, 25, 2, 38, tzinfo=UTC)
    assert ended.kind is EventKind.SESSION_ENDED
    assert ended.duration_seconds == 1830.0
    assert started.identity != ended.identity


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("session:participant:joined", EventKind.PARTICIPANT_JOINED),
        ("session:participant:left", EventKind.PARTICIPANT_LEFT),
    ],
)
def test_participants(name: str, kind: EventKind) -> None:
    event = parse_callback(
        {
            "event": name,
            "participant_id": "p-1",
            "session_id": SESSION,
            "room_id": ROOM,
            "name": "Ana",
            "type": "Guest",
            "is_host": True,
        }
    )
    assert (event.kind, event.participant_id, event.participant_name, event.is_host) == (
        kind,
        "p-1",
        "Ana",
        True,
    )


def test_recording_lifecycle() -> None:
    started = parse_callback(
        {"event": "recording:started", "recording_id": REC, "session_id": SESSION}
    )
    ended = parse_callback(
        {
            "event": "recording:ended",
            "recording_id": REC,
            "session_id": SESSION,
            "started_at": "2023-01-25T02:38:31.000Z",
            "ended_at": "2023-01-25T02:38:40.000Z",
            "duration": 9,
        }
    )
    uploaded = parse_callback(
        {
            "event": "recording:uploaded",
            "recording_id": REC,
            "session_id": SESSION,
            "room_id": ROOM,
            "started_at": "2023-01-25T02:38:31.000Z",
            "ended_at": "2023-01-25T02:38:40.000Z",
            "duration": 9.0,
            "url": "https://storage.example/archive.mp4?sig=secret",
        }
    )
    assert started.kind is EventKind.RECORDING_STARTED
    assert ended.kind is EventKind.RECORDING_ENDED and ended.duration_seconds == 9.0
    assert uploaded.kind is EventKind.RECORDING_READY
    assert uploaded.recording_url == "https://storage.example/archive.mp4?sig=secret"
    assert "sig=secret" not in repr(uploaded)
    assert len({started.identity, ended.identity, uploaded.identity}) == 3


def test_the_older_recording_ready_name_is_the_same_event_as_uploaded() -> None:
    body: dict[str, object] = {"recording_id": REC, "session_id": SESSION, "url": "https://x/y"}
    ready = parse_callback({"event": "recording:ready", **body})
    uploaded = parse_callback({"event": "recording:uploaded", **body})
    assert ready.kind is EventKind.RECORDING_READY
    assert ready.identity == uploaded.identity


def test_a_duplicate_delivery_has_the_same_identity() -> None:
    body = {
        "event": "session:ended",
        "session_id": SESSION,
        "room_id": ROOM,
        "ended_at": "2023-01-25T03:00:00Z",
    }
    assert parse_callback(dict(body)).identity == parse_callback(dict(body)).identity


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "no 'event'"),
        (
            {"event": "room:renamed", "room_id": ROOM},
            "unknown Meetings callback event 'room:renamed'",
        ),
        ({"event": "room:expired"}, "room:expired callback without 'room_id'"),
        ({"event": "session:started", "room_id": ROOM}, "without 'session_id'"),
        (
            {"event": "session:participant:joined", "session_id": SESSION},
            "without 'participant_id'",
        ),
        ({"event": "recording:uploaded", "session_id": SESSION}, "without 'recording_id'"),
        ({"event": "session:ended", "session_id": SESSION, "ended_at": "yesterday"}, "ended_at"),
        ({"event": "room:expired", "room_id": ROOM, "expires_at": "soon"}, "expires_at"),
        ({"event": "recording:ended", "recording_id": REC, "duration": "long"}, "duration"),
        ({"event": 42}, "event"),
    ],
)
def test_unusable_bodies_raise_value_error(body: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_callback(body)
