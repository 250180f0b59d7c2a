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
    for key in ("event", "view"):  # Bolt reads body[key]["type"] whatever the payload
        if key in body and not isinstance(body[key], Mapping):
            return f"a malformed {key}"
    kind = body.get("type")
    if isinstance(kind, str) and kind in _INTERACTIONS:
        return _interaction_problem(kind, body)
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
            return "event_callback without an event type"
        missing = [f for f in _EVENT_FIELDS.get(event["type"], ()) if not _is_text(event.get(f))]
        if missing:
            return f"{event['type']} event without {', '.join(missing)}"
    return None


def _interaction_problem(kind: str, body: Mapping[str, Any]) -> str | None:
    if not _is_text(_id_of(body.get("user"))):
        return f"{kind} without a user id"
    team = body.get("team")
    if team is not None and not isinstance(team, Mapping):
        return f"{kind} with a malformed team"
    if kind == "view_submission":
        return _submission_problem(body)
    if not _is_text(body.get("trigger_id")):
        return f"{kind} without a trigger_id"
    if kind == "block_actions":
        actions = body.get("actions")
        if not (
            isinstance(actions, list)
            and actions
            and all(isinstance(a, Mapping) and _is_text(a.get("action_id")) for a in actions)
        ):
            return "block_actions without action ids"
        return None
    if not _is_text(body.get("callback_id")):
        return f"{kind} without a callback_id"
    return _message_action_problem(body) if kind == "message_action" else None


def _submission_problem(body: Mapping[str, Any]) -> str | None:
    view = body.get("view")
    if not (
        isinstance(view, Mapping)
        and all(_is_text(view.get(k)) for k in ("id", "type", "callback_id"))
    ):
        return "view_submission without a view id, type and callback_id"
    urls = body.get("response_urls", [])
    if not (isinstance(urls, list) and all(isinstance(u, Mapping) for u in urls)):
        return "view_submission with malformed response_urls"
    return _state_problem(view)


def _message_action_problem(body: Mapping[str, Any]) -> str | None:
    if not _is_text(_id_of(body.get("channel"))):
        return "message_action without a channel id"
    message = body.get("message")
    if not isinstance(message, Mapping) or not _is_text(message.get("ts")):
        return "message_action without the message's ts"
    if any(k in message and not isinstance(message[k], str) for k in ("text", "thread_ts")):
        return "message_action with a malformed message"
    return None


# What each kind of input puts in a submitted view's state (docs.slack.dev block elements).
_STATE_TEXT = {"value", "selected_date", "selected_time", "selected_conversation",
               "selected_channel", "selected_user"}  # fmt: skip
_STATE_LISTS = {"selected_users", "selected_conversations", "selected_channels"}


def _state_problem(view: Mapping[str, Any]) -> str | None:
    """`view.state.values` must be {block_id: {action_id: {field: value}}}, values as Slack
    types them: the modal parsers read it with nothing but `.get`."""
    state = view.get("state", {})
    values = state.get("values", {}) if isinstance(state, Mapping) else None
    metadata = view.get("private_metadata")
    if not isinstance(values, Mapping) or not (metadata is None or isinstance(metadata, str)):
        return "view_submission with a malformed view state"
    for block in values.values():
        if not isinstance(block, Mapping):
            return "view_submission with a malformed block"
        for element in block.values():
            if not isinstance(element, Mapping) or not all(
                _typed(k, v) for k, v in element.items()
            ):
                return "view_submission with a malformed input"
    return None


def _typed(key: str, value: object) -> bool:
    if value is None:
        return True
    if key in _STATE_TEXT:
        return isinstance(value, str)
    if key in _STATE_LISTS:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if key == "selected_option":
        return isinstance(value, Mapping)
    if key == "selected_options":
        return isinstance(value, list) and all(isinstance(v, Mapping) for v in value)
    return True
