"""What every fake Web API method shares: the request it gets, the error it raises, lookups.

A handler takes an `ApiRequest` and returns the success body without `ok`; it raises
`MethodError("channel_not_found")` for Slack's `{"ok": false, "error": ...}` answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from meetbot_sandbox.slack.block_kit import message_problems, view_problems
from meetbot_sandbox.slack.models import JSON, Channel, Workspace
from meetbot_sandbox.slack.state import FakeSlackState


class MethodError(Exception):
    """A Slack error answer: HTTP 200 with `ok: false`, `error` and any `extra` fields."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra

    def to_api(self) -> JSON:
        return {"ok": False, "error": self.error, **self.extra}


@dataclass(frozen=True)
class ApiRequest:
    """One authenticated call: its parsed params and whose token made it."""

    state: FakeSlackState
    params: JSON
    token: str | None
    workspace: Workspace
    client_id: str | None = None
    client_secret: str | None = None

    def require(self, scope: str) -> None:
        """Slack's missing_scope unless the token was granted `scope`."""
        granted = self.state.scopes
        if granted is not None and scope not in granted:
            raise MethodError("missing_scope", needed=scope, provided=",".join(sorted(granted)))

    def text(self, name: str, *, missing: str = "invalid_arguments") -> str:
        """A required string argument; `missing` is the error Slack gives without it."""
        value = self.params.get(name)
        if value is None or value == "":
            raise MethodError(missing)
        return str(value)

    def optional(self, name: str) -> str | None:
        value = self.params.get(name)
        return None if value is None or value == "" else str(value)

    def flag(self, name: str) -> bool:
        return self.params.get(name) in (True, "true", "1", 1)

    def listed(self, name: str) -> list[Any] | None:
        """A JSON array argument (blocks, attachments, users), already decoded by the server."""
        value = self.params.get(name)
        if value is None:
            return None
        if not isinstance(value, list):
            raise MethodError(f"invalid_{name}")
        return value

    def obj(self, name: str) -> JSON | None:
        value = self.params.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise MethodError("invalid_arguments")
        return value


Handler = Callable[[ApiRequest], JSON]


def find_channel(request: ApiRequest, ref: str | None, *, see_private: bool = False) -> Channel:
    """Resolve an ID, `#name` or user ID (→ the bot's DM with them) like Slack does.

    A private channel the bot is not in is invisible to it: Slack answers channel_not_found,
    not not_in_channel (`see_private` lifts that for conversations.join's own error).
    """
    state = request.state
    if not ref:
        raise MethodError("channel_not_found")
    if re.fullmatch(r"[UW][A-Z0-9]+", ref):
        if ref not in state.users:
            raise MethodError("channel_not_found")
        return state.dm_channel(ref)
    channel = state.channels.get(ref)
    if channel is None:
        name = ref.removeprefix("#")
        channel = next((c for c in state.channels.values() if c.name == name and not c.is_im), None)
    if channel is None or (channel.is_private and not channel.is_member and not see_private):
        raise MethodError("channel_not_found")
    return channel


class BlockKitError(MethodError):
    """Block Kit Slack would refuse: always a bug in the app, so the server also notes it in
    `state.unexpected` (tests fail loudly unless they provoked it on purpose)."""


def check_blocks(blocks: list[Any] | None) -> None:
    """A message's blocks as Slack checks them (`block_kit`): invalid_blocks naming each problem."""
    if blocks is None:
        return
    if problems := message_problems(blocks):
        raise BlockKitError(
            "invalid_blocks",
            errors=problems,
            response_metadata={"messages": [f"[ERROR] {p}" for p in problems]},
        )


def check_view(view: JSON) -> None:
    """A modal or Home tab as Slack checks it: invalid_arguments naming each problem."""
    if problems := view_problems(view):
        raise BlockKitError(
            "invalid_arguments", response_metadata={"messages": [f"[ERROR] {p}" for p in problems]}
        )
