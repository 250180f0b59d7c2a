"""The emulator's in-memory world: rooms, themes, sessions, recordings, uploads, deliveries.

Plain data plus the few rules that depend on nothing else (availability, id minting).
HTTP shapes live in views.py; what people do in rooms lives in lifecycle.py.
"""

from __future__ import annotations

import itertools
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from meetbot_sandbox.meetings.clock import Clock

if TYPE_CHECKING:
    from meetbot_sandbox.faults import Fault

# An instant room closes after 10 idle minutes (Meetings API docs, "Room types").
INSTANT_IDLE = timedelta(minutes=10)
# First internal id: the recorded pages count from about two million (multiple_rooms.json).
FIRST_SEQ = 2_006_648


@dataclass
class Room:
    id: str
    seq: int  # the internal increasing id that start_id/end_id paginate over
    display_name: str
    type: str  # instant | long_term
    meeting_code: str
    participant_token: str  # the host's token, carried in host_url
    created_at: datetime
    expires_at: datetime
    metadata: str | None = None
    expire_after_use: bool = False
    theme_id: str | None = None
    join_approval_level: str = "none"
    recording_options: dict[str, bool] = field(
        default_factory=lambda: {"auto_record": False, "record_only_owner": False}
    )
    initial_join_options: dict[str, str] = field(
        default_factory=lambda: {"microphone_state": "default"}
    )
    available_features: dict[str, bool] = field(
        default_factory=lambda: {
            "is_recording_available": True,
            "is_chat_available": True,
            "is_whiteboard_available": True,
            "is_locale_switcher_available": False,
            "is_captions_available": False,
        }
    )
    callback_urls: dict[str, str] | None = None
    # The recorded real rooms all show {"language": "default"} (meeting_room.json); see
    # rooms.py for where the language may be set.
    ui_settings: dict[str, str] = field(default_factory=lambda: {"language": "default"})
    closed: bool = False  # expired on purpose (control API, expire_after_use), not by time
    expiry_announced: bool = False  # room:expired already sent (or deliberately lost)
    live_session_id: str | None = None

    def is_available(self, now: datetime) -> bool:
        """No new session can start once this is false; a live session keeps a room open."""
        if self.closed:
            return False
        return self.live_session_id is not None or now < self.expires_at


@dataclass
class Participant:
    id: str
    name: str
    is_host: bool
    joined_at: datetime
    left_at: datetime | None = None


@dataclass
class Session:
    id: str
    room_id: str
    started_at: datetime
    ended_at: datetime | None = None
    participants: dict[str, Participant] = field(default_factory=dict)


@dataclass
class Recording:
    id: str
    session_id: str
    room_id: str
    started_at: datetime
    status: str = "started"  # started | stopped | uploaded (the spec's "paused" is never used)
    ended_at: datetime | None = None
    url: str | None = None  # download link, once uploaded

    @property
    def duration(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


@dataclass
class Theme:
    theme_id: str
    seq: int
    theme_name: str
    main_color: str
    brand_text: str
    short_company_url: str | None = None
    brand_image_colored: str | None = None
    brand_image_white: str | None = None
    branded_favicon: str | None = None
    brand_image_colored_url: str | None = None
    brand_image_white_url: str | None = None
    branded_favicon_url: str | None = None


@dataclass
class LogoUpload:
    """A presigned POST we handed out; `data` is set once the fake storage received the file."""

    key: str
    logo_type: str  # white | colored | favicon
    fields: dict[str, str]
    expires_at: datetime
    data: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class StoredObject:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class CallbackDelivery:
    """One callback POST the emulator made. `status` is None when the target never answered."""

    event: str
    url: str
    payload: dict[str, Any]
    status: int | None
    error: str | None
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "url": self.url,
            "payload": self.payload,
            "status": self.status,
            "error": self.error,
            "at": self.at.isoformat(),
        }


@dataclass
class EmulatorState:
    """Everything one emulated Meetings application holds. Reach it via `app[STATE_KEY]`."""

    application_id: str
    clock: Clock
    room_cap: int = 1000
    theme_cap: int = 1000
    account_id: str = "46339892"
    default_theme_id: str | None = None
    rooms: dict[str, Room] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    recordings: dict[str, Recording] = field(default_factory=dict)
    uploads: dict[str, LogoUpload] = field(default_factory=dict)
    objects: dict[str, StoredObject] = field(default_factory=dict)
    deliveries: list[CallbackDelivery] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    # Signs participant tokens and storage URLs; random per emulator, never configured.
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(FIRST_SEQ))

    def now(self) -> datetime:
        return self.clock()

    def next_seq(self) -> int:
        return next(self._seq)

    def new_meeting_code(self) -> str:
        taken = {room.meeting_code for room in self.rooms.values()}
        while True:
            code = str(100_000_000 + secrets.randbelow(900_000_000))  # always 9 digits
            if code not in taken:
                return code

    def new_session_id(self) -> str:
        # Shaped like the Video API session ids the real callbacks carry ("2_MX40...").
        return f"2_MX40{self.account_id}{uuid.uuid4().hex}-fg"

    def available_room_count(self) -> int:
        now = self.now()
        return sum(1 for room in self.rooms.values() if room.is_available(now))

    def rooms_in_order(self, theme_id: str | None = None) -> list[Room]:
        rooms = sorted(self.rooms.values(), key=lambda room: room.seq)
        if theme_id is None:
            return rooms
        return [room for room in rooms if room.theme_id == theme_id]
