"""What a channel's defaults and a workspace's policy hold, who last changed them, and who is
asking. Pure data with a JSON form; absent fields read as the defaults, so records written by an
older deploy (or none at all) keep working."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain.ports import SlackUser
from bot.i18n import LANGUAGES

DEFAULT_LENGTH_DAYS = 30
# A long-term room lasts at most a year (bot.slack.limits.MAX_LIFETIME): the ceiling of both
# a channel's default length and the workspace's maximum.
MAX_LENGTH_DAYS = 365


class StartRule(StrEnum):
    """Who may start meetings (and schedule standups) in a workspace."""

    EVERYONE = "everyone"
    MEMBERS = "members"  # full members: no guests (multi- or single-channel)
    ADMINS = "admins"  # workspace admins and owners


# Names of the settings a channel default can supply to one start request (StartMeeting.defaulted).
RECORD, LONG_TERM, HOME_ONLY, LOBBY = "record", "long_term", "home_only", "lobby"
NOTES = "notes"  # issue 16: the meeting is transcribed


@dataclass(frozen=True)
class Change:
    """Who changed a record and when (shown in the modal, kept with the record)."""

    by: str
    at: datetime

    def to_dict(self) -> dict[str, str]:
        return {"by": self.by, "at": self.at.isoformat()}

    @classmethod
    def from_dict(cls, data: Any) -> Change | None:
        if not isinstance(data, dict) or not data.get("by") or not data.get("at"):
            return None
        return cls(by=str(data["by"]), at=datetime.fromisoformat(str(data["at"])))


@dataclass(frozen=True)
class ChannelDefaults:
    """What `/meet`, the shortcuts and standups of a channel do when not told otherwise."""

    record: bool = False
    long_term: bool = False
    length_days: int = DEFAULT_LENGTH_DAYS  # a long-term room's length when none is given
    home_only: bool = False  # the host link goes to App Home only: no DM
    lobby: bool = False  # new rooms start with the lobby on (RoomRequest.lobby)
    # The language of the channel's cards and thread replies (bot.i18n.LANGUAGES); None: the
    # locale of whoever starts the meeting.
    language: str | None = None
    notes: bool = False  # transcribe meetings and post their notes (issue 16)
    changed: Change | None = None

    def same_values(self, other: ChannelDefaults) -> bool:
        return dataclasses.replace(self, changed=None) == dataclasses.replace(other, changed=None)

    def to_json(self) -> str:
        data = {**vars(self), "changed": self.changed.to_dict() if self.changed else None}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> ChannelDefaults:
        if not raw:
            return cls()
        data = json.loads(raw)
        return cls(
            record=data.get("record") is True,
            long_term=data.get("long_term") is True,
            length_days=int(data.get("length_days") or DEFAULT_LENGTH_DAYS),
            home_only=data.get("home_only") is True,
            lobby=data.get("lobby") is True,
            language=data.get("language") if data.get("language") in LANGUAGES else None,
            notes=data.get("notes") is True,
            changed=Change.from_dict(data.get("changed")),
        )


@dataclass(frozen=True)
class WorkspacePolicy:
    """What a workspace's admins allow: who starts meetings, recording, how long rooms last,
    and whether a partner organisation's people (Slack Connect) may start meetings."""

    who_may_start: StartRule = StartRule.EVERYONE
    recording_allowed: bool = True
    max_length_days: int | None = None  # None: the provider's year
    partners_may_start: bool = False
    notes_allowed: bool = True  # meetings may be transcribed (issue 16)
    changed: Change | None = None

    @property
    def longest_days(self) -> int:
        return min(self.max_length_days or MAX_LENGTH_DAYS, MAX_LENGTH_DAYS)

    @property
    def needs_role(self) -> bool:
        """Whether a start must ask Slack who is starting (anything but "everyone, partners too")."""
        return self.who_may_start is not StartRule.EVERYONE or not self.partners_may_start

    def same_values(self, other: WorkspacePolicy) -> bool:
        return dataclasses.replace(self, changed=None) == dataclasses.replace(other, changed=None)

    def to_json(self) -> str:
        data = {**vars(self), "changed": self.changed.to_dict() if self.changed else None}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> WorkspacePolicy:
        if not raw:
            return cls()
        data = json.loads(raw)
        try:
            rule = StartRule(data.get("who_may_start") or StartRule.EVERYONE)
        except ValueError:
            rule = StartRule.EVERYONE
        longest = data.get("max_length_days")
        return cls(
            who_may_start=rule,
            recording_allowed=data.get("recording_allowed") is not False,
            max_length_days=int(longest) if longest else None,
            partners_may_start=data.get("partners_may_start") is True,
            notes_allowed=data.get("notes_allowed") is not False,
            changed=Change.from_dict(data.get("changed")),
        )


@dataclass(frozen=True)
class Role:
    """Who is asking, as Slack says (users.info), never as a payload claims."""

    user_id: str
    is_admin: bool = False  # workspace admin or owner
    is_guest: bool = False  # multi- or single-channel guest
    is_partner: bool = False  # a member of another organisation (Slack Connect)
    locale: str | None = None  # their Slack locale ("de-DE"): the language they read meetbot in

    @classmethod
    def of(cls, user: SlackUser) -> Role:
        """From users.info as asked with the installation's token in the person's workspace
        (on an org-wide install, per workspace: admins of one workspace are not of another)."""
        return cls(
            user_id=user.id,
            is_admin=user.is_admin or user.is_owner,
            is_guest=user.is_restricted or user.is_ultra_restricted,
            is_partner=user.is_external,
            locale=user.locale,
        )

    def to_json(self) -> str:
        return json.dumps(vars(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Role:
        data = json.loads(raw)
        return cls(
            user_id=str(data["user_id"]),
            is_admin=data.get("is_admin") is True,
            is_guest=data.get("is_guest") is True,
            is_partner=data.get("is_partner") is True,
            locale=data.get("locale") if isinstance(data.get("locale"), str) else None,
        )
