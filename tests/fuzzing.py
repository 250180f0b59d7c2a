"""Shared by the fuzz tests and bench/fuzz.py: hypothesis settings and Slack payload strategies.

Payloads start from what Slack really sends (sandbox/meetbot_sandbox/slack/payloads.py) and are then
mutated: keys dropped, values replaced by arbitrary JSON, nested objects mutated in turn, keys
added. Bodies are correctly signed, so they get past verification into our listeners.

`make test` runs few examples with a fixed seed; MEETBOT_FUZZ_EXAMPLES=N (bench/fuzz.py) runs
N per test with fresh randomness.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from meetbot_sandbox.slack.payloads import (
    app_home_opened_event,
    app_uninstalled_event,
    block_actions_payload,
    global_shortcut_payload,
    message_shortcut_payload,
    tokens_revoked_event,
    view_submission_payload,
)
from meetbot_sandbox.slack.signing import (
    event_callback_body,
    interactive_body,
    new_trigger_id,
    slash_command_body,
    url_verification_body,
)

from bot.meet.blocks import HOST_JOIN_ACTION_ID, JOIN_ACTION_ID, RECORDING_ACTION_ID
from bot.slack.shortcuts import HOME_BUTTON
from bot.slack.start_submission import START_MEETING_CALLBACK_ID

LONG_RUN = int(os.environ.get("MEETBOT_FUZZ_EXAMPLES", "0"))


def fuzz_settings(examples: int) -> settings:
    """Few examples and a fixed seed by default; many, freshly random, in the long run."""
    return settings(
        max_examples=LONG_RUN or examples,
        derandomize=not LONG_RUN,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
ANY_JSON = st.recursive(
    JSON_LEAF,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)
_OPS = ["keep"] * 6 + ["drop", "replace", "mutate", "mutate"]


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """`value` with some keys dropped, some values replaced by arbitrary JSON, some recursed into."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            op = draw(st.sampled_from(_OPS))
            if op == "drop":
                continue
            if op == "replace":
                out[key] = draw(ANY_JSON)
            elif op == "mutate":
                out[key] = draw(mutated(inner))
            else:
                out[key] = inner
        if draw(st.integers(0, 9)) == 0:
            out[draw(st.text(max_size=10))] = draw(ANY_JSON)
        return out
    if isinstance(value, list):
        return [draw(mutated(item)) for item in value]
    return value


MEET_TEXT = st.sampled_from(
    ["", "help", "Design review <@U0ANA|ana> --record", "--for 30d", "--until 2026-12-31", "--x"]
) | st.text(max_size=60)


@st.composite
def slash_commands(draw: st.DrawFn) -> bytes:
    """A /meet invocation, form-encoded, with fields dropped or replaced by arbitrary text."""
    body = slash_command_body(text=draw(MEET_TEXT), trigger_id=new_trigger_id())
    fields = dict(parse_qsl(body.decode(), keep_blank_values=True))
    out: dict[str, str] = {}
    for key, value in fields.items():
        op = draw(st.sampled_from(_OPS))
        if op == "drop":
            continue
        out[key] = draw(st.text(max_size=40)) if op in ("replace", "mutate") else value
    return urlencode(out).encode()


def _modal_values() -> dict[str, Any]:
    from tests.test_shortcuts_and_home import modal_values

    return modal_values("Fuzzed")


ACTION_IDS = [JOIN_ACTION_ID, HOST_JOIN_ACTION_ID, RECORDING_ACTION_ID, HOME_BUTTON, "no_such"]


def _block_action(action_id: str) -> dict[str, Any]:
    return block_actions_payload(
        {"action_id": action_id, "block_id": "b", "type": "button", "value": "v"},
        container={"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0GENERAL"},
        channel={"id": "C0GENERAL", "name": "general"},
        message={"type": "message", "ts": "1700000000.000100", "text": "card"},
    )


# Each payload type Slack sends to the Request URL: a fresh valid template per example.
INTERACTIVE: dict[str, Callable[[], dict[str, Any]]] = {
    "shortcut": lambda: global_shortcut_payload("start_meeting"),
    "message_action": lambda: message_shortcut_payload("meet_about_message"),
    "view_submission": lambda: view_submission_payload(START_MEETING_CALLBACK_ID, _modal_values()),
    "block_actions": lambda: _block_action(JOIN_ACTION_ID),
}
EVENTS: dict[str, Callable[[], dict[str, Any]]] = {
    "app_home_opened": app_home_opened_event,
    "app_uninstalled": app_uninstalled_event,
    "tokens_revoked": tokens_revoked_event,
}


@st.composite
def interactive_bodies(draw: st.DrawFn, kind: str) -> bytes:
    payload = draw(mutated(INTERACTIVE[kind]()))
    if kind == "block_actions" and draw(st.booleans()):
        payload = draw(mutated(_block_action(draw(st.sampled_from(ACTION_IDS)))))
    if draw(st.integers(0, 19)) == 0:
        return urlencode({"payload": draw(st.text(max_size=50))}).encode()  # not JSON at all
    return interactive_body(payload)


@st.composite
def event_bodies(draw: st.DrawFn) -> bytes:
    event = draw(mutated(EVENTS[draw(st.sampled_from(sorted(EVENTS)))]()))
    envelope = json.loads(event_callback_body(event))
    return json.dumps(draw(mutated(envelope))).encode()


@st.composite
def url_verification_bodies(draw: st.DrawFn) -> bytes:
    body = json.loads(url_verification_body(draw(st.text(max_size=40))))
    return json.dumps(draw(mutated(body))).encode()


RAW_BODIES = st.binary(max_size=200) | st.text(max_size=200).map(str.encode)
