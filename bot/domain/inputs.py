"""Use-case inputs: what a listener hands to the queue and the service runs later.

Plain data that survives a trip through a Redis job (to_dict/from_dict), so listeners
never pass Slack or aiohttp objects downward.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from bot.domain.rooms import RoomKind

# Slack's channel_name where a conversation has no usable name: a DM, a private channel the
# command cannot name, a group DM ("mpdm", or "mpdm-ana--li-1" in newer payloads).
_UNNAMED = {"directmessage", "privategroup", "mpdm"}


def default_title(channel_name: str, *, kind: str = "meeting") -> str:
    """The title when none is given: "#design meeting", "#design standup"; where the channel
    has no usable name, "Quick meeting" or "Standup"."""
    if not channel_name or channel_name in _UNNAMED or channel_name.startswith("mpdm-"):
        return "Quick meeting" if kind == "meeting" else kind.capitalize()
    return f"#{channel_name} {kind}"


@dataclass(frozen=True)
class Workspace:
    """Which Slack install acts for a request, and the workspace it happened in.

    `team_id` is the workspace the person acted in (per-user keys such as App Home's live
    under it); `enterprise_id` its Enterprise Grid org, when known. `is_enterprise_install`
    says the app was installed org-wide: its token belongs to the org, whichever workspace of
    the org asks (bot.slack.identity reads all three the way Bolt does).
    """

    team_id: str
    enterprise_id: str | None = None
    is_enterprise_install: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"team_id": self.team_id, "enterprise_id": self.enterprise_id}
        if self.is_enterprise_install:
            # Only when set: a worker of the previous deploy, which does not know the field,
            # still runs every job but an org-wide one (which it could not serve anyway).
            data["is_enterprise_install"] = True
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Workspace:
        """Jobs queued by the previous deploy carry no `is_enterprise_install`: False."""
        return cls(
            team_id=str(data.get("team_id") or ""),
            enterprise_id=data.get("enterprise_id") or None,
            is_enterprise_install=data.get("is_enterprise_install") is True,
        )


@dataclass(frozen=True)
class StartMeeting:
    """Start a room and post its card; `key` makes a retried job resume instead of repeating."""

    key: str  # idempotency key: the Slack trigger_id (or view id) that asked for it
    workspace: Workspace
    user_id: str
    channel_id: str
    title: str
    invitees: tuple[str, ...] = ()
    record: bool = False
    kind: RoomKind = RoomKind.INSTANT
    expires_at: datetime | None = None
    expire_after_use: bool = False
    thread_ts: str | None = None  # post the card in this thread (message shortcut)
    response_url: str | None = None  # fallback when the bot cannot post in the channel
    # From the channel's defaults (bot.settings): the host link goes to App Home only, the
    # room has a lobby (stored; host controls make the provider honour it), and which of the
    # settings came from a default (the card says so).
    home_only: bool = False
    lobby: bool = False
    defaulted: tuple[str, ...] = ()
    # The channel's default language (bot.settings), None: the creator's Slack locale, which
    # the worker looks up (users.info).
    language: str | None = None
    notes: bool = False  # transcribe it (issue 16); only on a provider with Capability.NOTES
    # The ack said nothing (meetbot did not know the person's language yet): the job sends the
    # starting note through `response_url` once it knows it (bot.meet.late_reply).
    reply_late: bool = False

    @property
    def meeting_id(self) -> str:
        """Derived from the key, so every retry of this request addresses the same meeting."""
        return hashlib.sha256(self.key.encode()).hexdigest()[:24]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["workspace"] = self.workspace.to_dict()
        data["expires_at"] = self.expires_at.isoformat() if self.expires_at else None
        data["invitees"] = list(self.invitees)
        data["defaulted"] = list(self.defaulted)
        for name in _SINCE_ISSUE_17:
            # Only when set: a worker of the previous deploy, which does not know these fields,
            # still runs every request a channel default did not touch.
            if not data[name]:
                del data[name]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StartMeeting:
        """Jobs queued by the previous deploy lack the issue-17 fields: their defaults."""
        data = {k: v for k, v in data.items() if k in _FIELDS}
        data["workspace"] = Workspace.from_dict(data["workspace"])
        data["kind"] = RoomKind(data["kind"])
        data["invitees"] = tuple(data.get("invitees", ()))
        data["defaulted"] = tuple(data.get("defaulted", ()))
        expires = data.get("expires_at")
        data["expires_at"] = datetime.fromisoformat(expires) if expires else None
        return cls(**data)


_SINCE_ISSUE_17 = ("home_only", "lobby", "defaulted", "notes", "language", "reply_late")
_FIELDS = frozenset(f.name for f in fields(StartMeeting))


@dataclass(frozen=True)
class CreateStandup:
    """Schedule a standup; the worker looks up the creator's time zone (users.info) first."""

    key: str  # the Slack trigger_id (or view id): a retried job finds the schedule it made
    workspace: Workspace
    user_id: str
    channel_id: str
    title: str
    rule: str  # RRULE body from bot.standups.recurrence.parse_schedule
    description: str
    here: bool = False
    response_url: str | None = None
    notes: bool = False  # issue 16: every run's room is transcribed

    @property
    def schedule_id(self) -> str:
        """Short enough to type in `/meet cancel <id>`: 8 base-32 characters (40 bits)."""
        digest = hashlib.sha256(self.key.encode()).digest()
        return base64.b32encode(digest).decode()[:8].lower()

    def to_dict(self) -> dict[str, Any]:
        data = {**asdict(self), "workspace": self.workspace.to_dict()}
        if not self.notes:
            del data["notes"]  # a worker of the previous deploy still runs it
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CreateStandup:
        return cls(**{**data, "workspace": Workspace.from_dict(data["workspace"])})
