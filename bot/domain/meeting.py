"""The meeting record: one Slack card bound to one provider room, and what we know of it.

Stored as JSON by `bot.storage.store`; rendered by `bot.meet.blocks`; changed by the service as Slack
steps complete and provider events arrive. Pure data: no I/O here.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain.rooms import RoomKind


class MeetingStatus(StrEnum):
    OPEN = "open"  # room exists, nobody in it yet
    LIVE = "live"  # a session is running
    ENDED = "ended"  # the last session ended; a long-term room can go live again
    EXPIRED = "expired"  # the room is gone for good


@dataclass(frozen=True)
class Participant:
    id: str
    name: str
    is_host: bool = False
    joined_at: datetime | None = None
    left_at: datetime | None = None

    @property
    def present(self) -> bool:
        return self.left_at is None


@dataclass(frozen=True)
class RecordingInfo:
    id: str
    status: str = "started"  # started | ended | ready
    url: str | None = field(default=None, repr=False)
    duration_seconds: float | None = None
    size_bytes: int | None = None
    reply_ts: str | None = None  # the thread reply announcing it, once posted


@dataclass(frozen=True)
class Waiting:
    """Someone who knocked on the room's lobby (issue 17). `left` once admitted, refused or
    gone: a knock that left never waits again, so the list does not depend on event order."""

    id: str
    name: str = ""
    left: bool = False


@dataclass(frozen=True)
class Meeting:
    """Everything we keep about one meeting. `host_url` is a secret (DM and App Home only)."""

    id: str
    team_id: str
    creator_id: str
    title: str
    channel_id: str
    kind: RoomKind = RoomKind.INSTANT
    record: bool = False
    enterprise_id: str | None = None
    thread_ts: str | None = None  # post the card as a reply here (message shortcut)
    invitees: tuple[str, ...] = ()
    room_id: str | None = None
    guest_url: str | None = None
    host_url: str | None = field(default=None, repr=False)
    meeting_code: str | None = None
    expires_at: datetime | None = None
    callback_token: str | None = field(default=None, repr=False)
    card_ts: str | None = None  # None with card_via_response_url: the card cannot be updated
    card_via_response_url: bool = False
    status: MeetingStatus = MeetingStatus.OPEN
    session_id: str | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    participants: tuple[Participant, ...] = ()
    recordings: tuple[RecordingInfo, ...] = ()
    created_at: datetime | None = None
    # mrkdwn shown above the card and in its notification text: a standup's `@here` and
    # "late" marks (bot.standups.blocks). Kept on the record so every re-render keeps it.
    banner: str | None = None
    # Which settings came from the channel's defaults (bot.settings.model names): the card says so.
    defaulted: tuple[str, ...] = ()
    # Transcribed, its notes posted in the card's thread afterwards (bot.notes, issue 16).
    notes: bool = False
    # Host controls (issue 17, bot.hostctl): the lobby as last set, who is knocking, and who
    # ended the meeting from Slack (the room is closed for good).
    lobby: bool = False
    waiting: tuple[Waiting, ...] = ()
    closed_at: datetime | None = None
    closed_by: str | None = None
    # The language the card and its thread replies speak (bot.i18n.LANGUAGES): the channel's
    # default language, else the creator's Slack locale; kept so every re-render keeps it.
    language: str = "en"

    def replace(self, **changes: Any) -> Meeting:
        return dataclasses.replace(self, **changes)

    @property
    def present(self) -> tuple[Participant, ...]:
        return tuple(p for p in self.participants if p.present)

    @property
    def waiting_now(self) -> tuple[Waiting, ...]:
        return tuple(w for w in self.waiting if not w.left)

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return max(0.0, (self.ended_at - self.started_at).total_seconds())

    def to_json(self) -> str:
        # Shallow copies, not dataclasses.asdict: asdict deep-copies every value and was a
        # measurable share of a worker's CPU (written several times per meeting and event).
        data = dict(vars(self))
        data["participants"] = [vars(p) for p in self.participants]
        data["recordings"] = [vars(r) for r in self.recordings]
        data["waiting"] = [vars(w) for w in self.waiting]
        return json.dumps(data, default=_encode, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Meeting:
        data = json.loads(raw)
        data["kind"] = RoomKind(data["kind"])
        data["status"] = MeetingStatus(data["status"])
        data["invitees"] = tuple(data.get("invitees", ()))
        data["defaulted"] = tuple(data.get("defaulted", ()))
        for name in ("expires_at", "started_at", "ended_at", "created_at", "closed_at"):
            data[name] = _date(data.get(name))
        data["participants"] = tuple(
            Participant(
                **{**p, "joined_at": _date(p.get("joined_at")), "left_at": _date(p.get("left_at"))}
            )
            for p in data.get("participants", ())
        )
        data["recordings"] = tuple(RecordingInfo(**r) for r in data.get("recordings", ()))
        data["waiting"] = tuple(Waiting(**w) for w in data.get("waiting", ()))
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _encode(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _date(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
