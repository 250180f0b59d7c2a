"""The Daily emulator's in-memory state: rooms, meeting tokens, meeting sessions, recordings,
and the webhook deliveries it made. Shapes follow Daily's REST reference (see `views.py`)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.sandbox.meetings.clock import Clock


@dataclass
class RoomState:
    id: str
    name: str
    privacy: str
    created_at: datetime
    exp: int | None = None  # unix seconds
    enable_recording: str | None = None
    eject_at_room_exp: bool = False


@dataclass
class SessionState:
    """One Daily "meeting" (what Daily's webhooks call `meeting_id`) in a room."""

    id: str
    room: str
    started_at: datetime
    ended_at: datetime | None = None
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class RecordingState:
    id: str
    room_name: str
    session_id: str
    started_at: datetime
    status: str = "in-progress"  # in-progress | finished | canceled
    duration: int | None = None


@dataclass(frozen=True)
class Delivery:
    """One webhook POST; `status` is None if the target never answered."""

    type: str
    body: dict[str, Any]
    status: int | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "body": self.body, "status": self.status, "error": self.error}


@dataclass
class DailyState:
    api_key: str
    webhook_secret: bytes  # decoded; Daily hands it out base64-encoded
    clock: Clock
    webhook_url: str | None = None
    rooms: dict[str, RoomState] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    sessions: dict[str, SessionState] = field(default_factory=dict)
    recordings: dict[str, RecordingState] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock()

    def live_session(self, room: str) -> SessionState | None:
        return next(
            (s for s in self.sessions.values() if s.room == room and s.ended_at is None), None
        )


def new_id() -> str:
    """Daily's ids are UUIDs."""
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
