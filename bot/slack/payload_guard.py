"""Refuse signed Slack payloads that lack what every payload of their type carries, with a 400.

Slack always sends a slash command's user, channel and trigger_id, an interaction's user and
team, an event's envelope; our listeners rely on them. Only Slack can sign a request, so a
malformed one means a Slack bug or a leaked signing secret. Either way it deserves a clear
400 naming what is missing rather than a KeyError in Bolt's own middleware or a listener, and
a 500 (found by tests/test_fuzz_slack.py). Checked by `bot.slack.events_route` before Bolt
runs, since Bolt's authorization middleware already reads the event type.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_COMMAND_FIELDS = ("command", "user_id", "channel_id", "team_id", "trigger_id")
# Events our listeners act on, and what each always carries (docs.slack.dev event reference).
_EVENT_FIELDS = {"app_home_opened": ("user",)}
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
    if isinstance(kind, str) and kind in _INTERACTIONS:
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
    if "event" in body and not isinstance(body["event"], Mapping):
        return "a malformed event"  # Bolt reads body["event"]["type"] whatever the payload
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
            return "event_callback without an event type"
        missing = [f for f in _EVENT_FIELDS.get(event["type"], ()) if not _is_text(event.get(f))]
        if missing:
            return f"{event['type']} event without {', '.join(missing)}"
    return None
