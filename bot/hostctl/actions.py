"""What a host can ask of a meeting from Slack, and the durable request a click becomes.

A menu option's value is `<action>:<meeting id>` (Block Kit: an option value is at most 150
characters); the request survives a trip through a Redis job (to_dict/from_dict).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from bot.domain.inputs import Workspace
from bot.i18n import N_

HOST_CONTROLS_ACTION_ID = "host_controls"
_SEP = ":"


class HostAction(StrEnum):
    END = "end"
    EXTEND_30 = "extend30"  # a long-term room, 30 days past its current end
    EXTEND_TO = "extend_to"  # opens the date modal; its submission is an EXTEND_30-like request
    LOBBY_ON = "lobby_on"
    LOBBY_OFF = "lobby_off"

    @property
    def extends(self) -> bool:
        return self in (HostAction.EXTEND_30, HostAction.EXTEND_TO)

    @property
    def lobby(self) -> bool:
        return self in (HostAction.LOBBY_ON, HostAction.LOBBY_OFF)


# Option texts (translated where the menu is drawn): plain text, at most 75 characters
# (Block Kit option object), in every language.
LABELS = {
    HostAction.END: N_("End meeting for everyone"),
    HostAction.EXTEND_30: N_("Extend by 30 days"),
    HostAction.EXTEND_TO: N_("Extend to a date…"),
    HostAction.LOBBY_ON: N_("Turn the lobby on"),
    HostAction.LOBBY_OFF: N_("Turn the lobby off"),
}


def option_value(action: HostAction, meeting_id: str) -> str:
    return f"{action.value}{_SEP}{meeting_id}"


def parse_value(value: object) -> tuple[HostAction, str] | None:
    """(action, meeting id) of a menu option's value; None for anything we did not send."""
    if not isinstance(value, str):
        return None
    action, _, meeting_id = value.partition(_SEP)
    try:
        parsed = HostAction(action)
    except ValueError:
        return None
    return (parsed, meeting_id) if meeting_id.isalnum() and len(meeting_id) <= 64 else None


@dataclass(frozen=True)
class HostRequest:
    """One host action to apply; `key` (from the click or the modal's view) is the job's
    idempotency key, so Slack's retry of one click is one job."""

    key: str
    action: HostAction
    meeting_id: str
    workspace: Workspace
    user_id: str
    response_url: str | None = None  # a card click's: private replies go there, else by DM
    until: datetime | None = None  # the new end of an extended room

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "action": self.action.value,
            "meeting_id": self.meeting_id,
            "workspace": self.workspace.to_dict(),
            "user_id": self.user_id,
            "response_url": self.response_url,
            "until": self.until.isoformat() if self.until else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostRequest:
        until = data.get("until")
        return cls(
            key=str(data["key"]),
            action=HostAction(data["action"]),
            meeting_id=str(data["meeting_id"]),
            workspace=Workspace.from_dict(data["workspace"]),
            user_id=str(data["user_id"]),
            response_url=data.get("response_url") or None,
            until=datetime.fromisoformat(until) if until else None,
        )
