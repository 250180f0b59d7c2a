"""Refuse signed Slack payloads that lack what every payload of their type carries, with a 400.

Slack always sends a slash command's user, channel and trigger_id, an interaction's user and
team, an event's envelope; our listeners rely on them. Only Slack can sign a request, so a
malformed one means a Slack bug or a leaked signing secret. Either way it deserves a clear
400 naming what is missing rather than a listener's KeyError and Bolt's 500 (found by
tests/test_fuzz_slack.py). Runs as a Bolt global middleware, after signature verification.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

_COMMAND_FIELDS = ("command", "user_id", "channel_id", "team_id", "trigger_id")
_INTERACTIONS = {"shortcut", "message_action", "view_submission", "block_actions"}


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _id_of(value: object) -> object:
    return value.get("id") if isinstance(value, Mapping) else None


def problem(body: Mapping[str, Any]) -> str | None:
    """What a payload lacks that Slack always sends, or None when it is well formed."""
    if "command" in body:
        missing = [name for name in _COMMAND_FIELDS if not _is_text(body.get(name))]
        return f"slash command without {', '.join(missing)}" if missing else None
    kind = body.get("type")
    if kind in _INTERACTIONS:
        if not _is_text(_id_of(body.get("user"))):
            return f"{kind} without a user id"
        team = body.get("team")
        if team is not None and not isinstance(team, Mapping):
            return f"{kind} with a malformed team"
        if kind == "view_submission" and not isinstance(body.get("view"), Mapping):
            return "view_submission without a view"
        if kind == "block_actions" and not isinstance(body.get("actions"), list):
            return "block_actions without actions"
        if kind == "message_action" and not isinstance(body.get("channel"), Mapping):
            return "message_action without a channel"
        return None
    if kind == "event_callback" and not isinstance(body.get("event"), Mapping):
        return "event_callback without an event"
    return None


async def middleware(
    req: AsyncBoltRequest,
    resp: BoltResponse,
    next: Callable[[], Awaitable[BoltResponse]],  # Bolt passes arguments by these names
) -> BoltResponse:
    why = problem(req.body) if isinstance(req.body, Mapping) else "unreadable payload"
    if why is None:
        return await next()
    return BoltResponse(status=400, body={"error": why})
