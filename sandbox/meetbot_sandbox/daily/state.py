"""The Daily emulator's in-memory state: the domain, rooms, meeting tokens, meeting sessions,
recordings, the domain's webhooks, the deliveries made to them, injected faults and the
request log (counts, and Daily's rate limits when enforced). Shapes follow Daily's REST
reference (see `views.py`)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from meetbot_sandbox.daily.limits import RequestLog
from meetbot_sandbox.daily.tokens import TokenBook
from meetbot_sandbox.faults import Fault
from meetbot_sandbox.meetings.clock import Clock, system_clock

# What Daily sends webhooks for that meetbot follows (bot.providers.daily.webhooks.KINDS).
EVENT_TYPES = (
    "meeting.started",
    "meeting.ended",
    "participant.joined",
    "participant.left",
    "recording.started",
    "recording.ready-to-download",
    "waiting-participant.joined",
    "waiting-participant.left",
    # Issue 16, meeting notes.
    "transcript.ready-to-download",
    "transcript.error",
    "batch-processor.job-finished",
    "batch-processor.error",
)


@dataclass
class RoomState:
    id: str
    name: str
    privacy: str
    created_at: datetime
    exp: int | None = None  # unix seconds
    enable_recording: str | None = None
    eject_at_room_exp: bool = False
    enable_transcription_storage: bool = False  # issue 16: each session is transcribed
    enable_knocking: bool = False  # issue 17: guests without a token knock


@dataclass
class KnockerState:
    """Issue 17: someone knocking on a room with `enable_knocking`, until let in or gone. The
    id is their participant (session) id, which stays theirs once admitted."""

    id: str
    room: str
    name: str
    joined_at: float  # unix seconds, when they began to knock


@dataclass
class SessionState:
    """One Daily "meeting" (what Daily's webhooks call `meeting_id`) in a room."""

    id: str
    room: str
    started_at: datetime
    ended_at: datetime | None = None
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    attendance: list[tuple[str, int]] = field(default_factory=list)  # (name, joined_at) ever


@dataclass
class RecordingState:
    id: str
    room_name: str
    session_id: str
    started_at: datetime
    status: str = "in-progress"  # in-progress | finished | canceled
    duration: int | None = None
    instance_id: str = ""  # the recording instance (webhooks' `instance_id`)
    started_by: str = ""  # the participant id of who started it
    max_participants: int = 1
    share_token: str = ""


@dataclass
class WebhookState:
    """One webhook of the domain (https://docs.daily.co/reference/rest-api/webhooks)."""

    uuid: str
    url: str
    hmac: str  # base64, as Daily hands it out; the decoded bytes key the signatures
    event_types: list[str]
    created_at: datetime
    updated_at: datetime
    retry_type: str = "circuit-breaker"
    basic_auth: str | None = None
    state: str = "ACTIVE"  # this emulator never turns a webhook off (Daily: FAILED after 3)
    failed_count: int = 0
    last_moment_pushed: datetime | None = None

    def secret(self) -> bytes:
        return base64.b64decode(self.hmac)


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
    webhook_secret: bytes  # the preset webhook's secret (decoded), see `set_preset_webhook`
    clock: Clock
    domain_name: str = "emulated"
    domain_id: str = field(default_factory=lambda: new_id())
    rooms: dict[str, RoomState] = field(default_factory=dict)
    tokens: TokenBook = field(init=False)  # any valid token; iterates those minted over REST
    requests: RequestLog = field(default_factory=RequestLog)
    sessions: dict[str, SessionState] = field(default_factory=dict)
    recordings: dict[str, RecordingState] = field(default_factory=dict)
    deliveries: list[Delivery] = field(default_factory=list)
    webhooks: dict[str, WebhookState] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    transcripts: dict[str, Any] = field(default_factory=dict)  # notes.TranscriptState by id
    jobs: dict[str, Any] = field(default_factory=dict)  # notes.JobState by id
    preset_uuid: str | None = None
    waiting: dict[str, KnockerState] = field(default_factory=dict)  # issue 17: knockers by id
    # Stamps webhook signatures. Daily uses the wall clock; a test that steers the bot's clock
    # passes that clock, since the bot checks the stamp against its own "now".
    signing_clock: Clock = system_clock

    def __post_init__(self) -> None:
        self.tokens = TokenBook(self.api_key, self.domain_id)

    def now(self) -> datetime:
        return self.clock()

    def set_preset_webhook(self, url: str | None) -> None:
        """The webhook tests and demos set up without the REST API (`PUT /_control/webhook`):
        every event type, signed with `webhook_secret`; None removes it."""
        self.webhooks.pop(self.preset_uuid or "", None)
        self.preset_uuid = None
        if url is None:
            return
        hook = WebhookState(
            uuid=new_id(),
            url=url,
            hmac=base64.b64encode(self.webhook_secret).decode(),
            event_types=list(EVENT_TYPES),
            created_at=self.now(),
            updated_at=self.now(),
        )
        self.webhooks[hook.uuid] = hook
        self.preset_uuid = hook.uuid

    def admits(self, room_name: str, token: str, at: datetime | None = None) -> str | None:
        """Whom the link `{room url}?t={token}` lets into the private room at `at` (default
        now): "owner", "guest", or None if the room is gone or past its `exp`, or the token is
        not one of this domain's (`TokenBook`: signed with the API key, abbreviated claims with
        `r`, `iat` and this domain's `d`), is for another room, or is used outside `nbf`..`exp`
        ("Users cannot join a meeting with this token after this time",
        https://docs.daily.co/reference/rest-api/meeting-tokens/config)."""
        when = int((at or self.now()).timestamp())
        room, claims = self.rooms.get(room_name), self.tokens.get(token)
        if room is None or claims is None or claims.get("room_name") not in (None, room_name):
            return None
        if room.exp is not None and when >= room.exp:
            return None
        if not int(claims.get("nbf", when)) <= when < int(claims.get("exp", when + 1)):
            return None
        return "owner" if claims.get("is_owner") else "guest"

    def expired(self, room_name: str) -> bool:
        """Past its `exp`: "users cannot join a room after this time"."""
        room = self.rooms.get(room_name)
        return room is not None and room.exp is not None and self.now().timestamp() >= room.exp

    def live_session(self, room: str) -> SessionState | None:
        return next(
            (s for s in self.sessions.values() if s.room == room and s.ended_at is None), None
        )


def new_id() -> str:
    """Daily's ids are UUIDs."""
    raw = secrets.token_hex(16)
    return f"{raw[:8]}-{raw[8:12]}-{raw[12:16]}-{raw[16:20]}-{raw[20:]}"
