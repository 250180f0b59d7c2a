"""Signed Slack requests from the sandbox pass slack_sdk's verifier and route in a real Bolt app."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import pytest
from meetbot_sandbox.slack.payloads import (
    app_home_opened_event,
    app_uninstalled_event,
    global_shortcut_payload,
    message_shortcut_payload,
    tokens_revoked_event,
    view_submission_payload,
)
from meetbot_sandbox.slack.signing import (
    event_callback_body,
    interactive_body,
    signed_headers,
    slash_command_body,
    url_verification_body,
)
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from tests.plugins.slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLASH_FIELDS = {
    "token",
    "team_id",
    "team_domain",
    "channel_id",
    "channel_name",
    "user_id",
    "user_name",
    "command",
    "text",
    "api_app_id",
    "is_enterprise_install",
    "response_url",
    "trigger_id",
}


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """AsyncApp falls back to SLACK_* variables; these tests must see none."""
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)


def bolt_app(slack_api: FakeSlack) -> AsyncApp:
    return AsyncApp(signing_secret=SECRET, client=slack_api.client(), process_before_response=True)


async def dispatch(app: AsyncApp, body: bytes, secret: str = SECRET) -> BoltResponse:
    headers: dict[str, str | Sequence[str]] = {**signed_headers(secret, body)}
    request = AsyncBoltRequest(body=body.decode(), headers=headers)
    return await app.async_dispatch(request)


def test_signed_headers_pass_slack_sdks_verifier_for_that_body_only() -> None:
    body = slash_command_body(text="Design review")
    verifier = SignatureVerifier(SECRET)
    headers = signed_headers(SECRET, body)

    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + b"&x=1", headers)
    assert not verifier.is_valid_request(body, signed_headers("other-secret", body))
    assert not verifier.is_valid_request(
        body, signed_headers(SECRET, body, timestamp=1_600_000_000)
    )
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert signed_headers(SECRET, b"{}")["Content-Type"] == "application/json"


def test_a_slash_command_carries_every_field_slack_sends() -> None:
    workspace = parse_qs(slash_command_body(text="standup --record").decode())
    grid = parse_qs(slash_command_body(enterprise_id="E0GRID", enterprise_name="Grid").decode())

    assert set(workspace) | {"text"} == SLASH_FIELDS
    assert set(grid) - set(workspace) == {"enterprise_id", "enterprise_name"}
    assert workspace["text"] == ["standup --record"]
    assert workspace["is_enterprise_install"] == ["false"]


async def test_a_signed_meet_command_is_verified_and_routed(slack_api: FakeSlack) -> None:
    app = bolt_app(slack_api)
    seen: list[dict[str, Any]] = []

    @app.command("/meet")
    async def meet(ack: AsyncAck, command: dict[str, Any]) -> None:
        seen.append(command)
        await ack(text="Starting…")

    url = slack_api.response_url()
    body = slash_command_body(text="Design review @ana", response_url=url, channel_id="C0DESIGN")
    routed = await dispatch(app, body)
    forged = await dispatch(app, body, secret="not-the-secret")

    assert (routed.status, routed.body) == (200, "Starting…")
    assert forged.status == 401
    assert [(c["text"], c["channel_id"], c["response_url"]) for c in seen] == [
        ("Design review @ana", "C0DESIGN", url)
    ]
    assert slack_api.state.calls_to("auth.test")[0].ok


async def test_shortcuts_and_a_modal_submission_reach_their_listeners(slack_api: FakeSlack) -> None:
    app = bolt_app(slack_api)
    seen: dict[str, dict[str, Any]] = {}

    @app.shortcut("start_meeting")
    async def start(ack: AsyncAck, shortcut: dict[str, Any]) -> None:
        seen["global"] = shortcut
        await ack()

    @app.shortcut("meet_about_message")
    async def about(ack: AsyncAck, shortcut: dict[str, Any]) -> None:
        seen["message"] = shortcut
        await ack()

    @app.view("start_meeting")
    async def submitted(ack: AsyncAck, view: dict[str, Any]) -> None:
        seen["view"] = view
        await ack()

    values = {"title": {"title_input": {"type": "plain_text_input", "value": "Retro"}}}
    payloads = [
        global_shortcut_payload(),
        message_shortcut_payload(message_ts="1700000000.000100", thread_ts="1699999999.000100"),
        view_submission_payload(
            "start_meeting", values, private_metadata='{"channel": "C0GENERAL"}'
        ),
    ]
    statuses = [(await dispatch(app, interactive_body(p))).status for p in payloads]

    assert statuses == [200, 200, 200]
    assert seen["global"]["type"] == "shortcut" and seen["global"]["trigger_id"]
    assert seen["message"]["channel"]["id"] == "C0GENERAL"
    assert seen["message"]["message"]["thread_ts"] == "1699999999.000100"
    assert seen["view"]["state"]["values"]["title"]["title_input"]["value"] == "Retro"
    assert seen["view"]["private_metadata"] == '{"channel": "C0GENERAL"}'


async def test_events_reach_their_listeners_and_the_url_handshake_is_answered(
    slack_api: FakeSlack,
) -> None:
    app = bolt_app(slack_api)
    seen: list[str] = []

    @app.event("app_home_opened")
    @app.event("app_uninstalled")
    @app.event("tokens_revoked")
    async def on_event(event: dict[str, Any]) -> None:
        seen.append(event["type"])

    events = [app_home_opened_event("U0ALICE"), app_uninstalled_event(), tokens_revoked_event()]
    statuses = [(await dispatch(app, event_callback_body(e))).status for e in events]
    handshake = await dispatch(
        app, url_verification_body("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P")
    )

    assert statuses == [200, 200, 200]
    assert seen == ["app_home_opened", "app_uninstalled", "tokens_revoked"]
    assert json.loads(handshake.body) == {
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    }
