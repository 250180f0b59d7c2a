"""The room-provider seam: what the service needs from a video provider, in our own types.

The Meetings API client (`bot.providers.meetings`) is the reference implementation and Daily the live
one; provider-specific shapes (HAL links, Daily's room properties) stay below this line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol


class Capability(StrEnum):
    """What a provider can do beyond creating rooms; the bot offers only what the meeting's
    provider has (issue 17's host controls, issue 16's notes)."""

    END = "end"  # remove everyone and close the room for good (Meetings API: no such call)
    EXTEND = "extend"  # move a room's expiry
    LOBBY = "lobby"  # guests wait until a host admits them (Daily knocking, Meetings approval)
    # The lobby of an instant room switched after creation too (Daily); the Meetings API updates
    # only long-term rooms, so its instant rooms keep the lobby they were created with.
    LOBBY_INSTANT = "lobby_instant"
    WAITING_EVENTS = "waiting_events"  # tells us who is waiting (Daily waiting-participant.*)
    NOTES = "notes"  # transcription and a summary of it (Daily; not the Meetings API)


class RoomKind(StrEnum):
    INSTANT = "instant"  # expires 10 minutes after creation if unused
    LONG_TERM = "long_term"  # lives until expires_at (at most one year)


@dataclass(frozen=True)
class RoomRequest:
    """What the service asks for; the provider maps it onto its API."""

    title: str
    kind: RoomKind = RoomKind.INSTANT
    expires_at: datetime | None = None  # required for LONG_TERM
    record: bool = False
    expire_after_use: bool = False
    callback_url: str | None = None  # used for room, session and recording events alike
    metadata: str | None = None
    lobby: bool = False  # guests wait until a host admits them (needs Capability.LOBBY)
    notes: bool = False  # transcribe every session (needs Capability.NOTES)
    # The creator's language (bot.i18n.LANGUAGES) for the room's own UI, where the provider has one.
    language: str | None = None


@dataclass(frozen=True)
class Room:
    id: str
    title: str
    kind: RoomKind
    guest_url: str
    host_url: str = field(repr=False)  # a secret: DM it, never log or post it
    meeting_code: str | None
    expires_at: datetime | None
    created_at: datetime | None
    is_available: bool = True
    record: bool = False
    lobby: bool = False
    notes: bool = False


@dataclass(frozen=True)
class Recording:
    id: str
    session_id: str
    status: str  # started | stopped | paused | uploaded
    started_at: datetime | None = None
    ended_at: datetime | None = None
    url: str | None = field(default=None, repr=False)  # pre-signed download link
    size_bytes: int | None = None

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()

    @property
    def ready(self) -> bool:
        return self.status == "uploaded" and self.url is not None


@dataclass(frozen=True)
class Transcript:
    """A session's transcript. `text` (WebVTT) is filled by `get_transcript` once ready; it is
    meeting content: never log it."""

    id: str
    status: str  # in_progress | ready | failed
    room_id: str | None = None
    session_id: str | None = None
    text: str | None = field(default=None, repr=False)
    error: str | None = None  # the provider's reason, when failed


@dataclass(frozen=True)
class Summary:
    """A summary job over one transcript. `text` is filled by `get_summary` once ready; meeting
    content, never logged."""

    job_id: str
    status: str  # in_progress | ready | failed
    transcript_id: str | None = None
    text: str | None = field(default=None, repr=False)
    error: str | None = None


class RoomProvider(Protocol):
    """The operations the service needs. Implementations raise the `bot.errors.ProviderError` tree."""

    name: str

    async def create_room(self, request: RoomRequest) -> Room: ...

    async def get_room(self, room_id: str) -> Room:
        """The room's state. Its links may be bare (Daily: no token) and must not be shown."""
        ...

    async def find_room(self, metadata: str) -> Room | None:
        """The room we created with this `metadata`, if any (resolves an ambiguous create)."""
        ...

    async def extend_room(self, room_id: str, expires_at: datetime) -> Room:
        """Move the room's expiry. Its links are valid until the new expiry and replace the
        ones handed out before (Daily's tokens expire with the room; Meetings' stay the same)."""
        ...

    async def get_recording(self, recording_id: str) -> Recording: ...

    async def session_recordings(self, session_id: str) -> list[Recording]: ...

    # Issue 17, host controls. Each raises `bot.errors.UnsupportedError` when the capability is
    # not in `capabilities`, and is idempotent: ending an ended room or setting the lobby to
    # what it is succeeds.
    capabilities: frozenset[Capability]

    async def end_room(self, room_id: str) -> None:
        """Remove everyone from the call and close the room so nobody can join again."""
        ...

    async def set_lobby(self, room_id: str, on: bool) -> None:
        """Turn the room's lobby (knocking / explicit approval) on or off."""
        ...

    # Issue 16, meeting notes (Capability.NOTES).
    async def session_transcripts(self, room_id: str) -> list[Transcript]:
        """The room's transcripts, newest first, without text (the reconcile sweep's question)."""
        ...

    async def get_transcript(self, transcript_id: str) -> Transcript:
        """The transcript, with its WebVTT `text` when ready."""
        ...

    async def start_summary(self, transcript_id: str) -> str:
        """Ask for a summary of a ready transcript; answers the job id."""
        ...

    async def get_summary(self, job_id: str) -> Summary:
        """The summary job, with its `text` when ready."""
        ...

    async def delete_transcript(self, transcript_id: str) -> None:
        """Gone at the provider; a transcript already gone is not an error."""
        ...

    async def delete_summary(self, job_id: str) -> None:
        """Gone at the provider; already gone is not an error."""
        ...

    async def delete_recording(self, recording_id: str) -> None:
        """Gone at the provider (retention); already gone is not an error."""
        ...


class EventKind(StrEnum):
    """What happened in a room, whatever the provider calls it."""

    ROOM_EXPIRED = "room:expired"
    SESSION_STARTED = "session:started"
    SESSION_ENDED = "session:ended"
    PARTICIPANT_JOINED = "session:participant:joined"
    PARTICIPANT_LEFT = "session:participant:left"
    RECORDING_STARTED = "recording:started"
    RECORDING_ENDED = "recording:ended"
    RECORDING_READY = "recording:uploaded"  # Meetings also sent the older name "recording:ready"
    # Issue 17: someone knocks on a room with a lobby, or stops waiting (admitted, refused, gone).
    WAITING_JOINED = "lobby:waiting:joined"
    WAITING_LEFT = "lobby:waiting:left"
    # Issue 16: notes.
    TRANSCRIPT_READY = "transcript:ready"
    TRANSCRIPT_FAILED = "transcript:failed"
    SUMMARY_READY = "summary:ready"
    SUMMARY_FAILED = "summary:failed"


@dataclass(frozen=True)
class RoomEvent:
    """One provider callback, normalised. Fields a kind does not carry stay None.

    `identity` is stable for the same delivery repeated (used as the job's idempotency key).
    """

    kind: EventKind
    identity: str
    room_id: str | None = None
    session_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    participant_id: str | None = None
    participant_name: str | None = None
    is_host: bool = False
    recording_id: str | None = None
    recording_url: str | None = field(default=None, repr=False)
    duration_seconds: float | None = None
    transcript_id: str | None = None
    job_id: str | None = None  # a summary job
    error: str | None = None  # a failed transcript's or summary's reason, as the provider said

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, for the `room_event` job: the route parses, the worker only applies."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None or value is False:
                continue
            if isinstance(value, datetime):
                value = value.isoformat()
            out[f.name] = value.value if isinstance(value, EventKind) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoomEvent:
        """The inverse of `to_dict`. Raises ValueError on an unknown kind or a bad time."""
        values = dict(data)
        values["kind"] = EventKind(values["kind"])
        for name in ("started_at", "ended_at"):
            if values.get(name) is not None:
                values[name] = datetime.fromisoformat(values[name])
        return cls(**values)
