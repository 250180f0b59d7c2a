"""What Slack POSTs to our Request URL, byte for byte, and how it signs it.

`signed_headers` is the v0 scheme slack_sdk's `SignatureVerifier` checks
(docs.slack.dev/authentication/verifying-requests-from-slack): HMAC-SHA256 of
`v0:{timestamp}:{body}` with the signing secret. The body builders produce Slack's wire
formats: form-encoded slash commands, form-encoded `payload=` JSON for interactivity, and
JSON for the Events API. Dict payloads for shortcuts, modals and events are in `payloads`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from meetbot_sandbox.slack.models import JSON, Workspace

_DEFAULT = Workspace()
# Slack still sends the deprecated verification token in every request; nobody should check it.
VERIFICATION_TOKEN = "fake-verification-token"  # noqa: S105 - a public placeholder


def signed_headers(
    signing_secret: str, body: bytes, *, timestamp: int | None = None
) -> dict[str, str]:
    """X-Slack-Request-Timestamp and X-Slack-Signature for `body`, plus its Content-Type."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    is_json = body.lstrip().startswith(b"{")
    return {
        "Content-Type": "application/json" if is_json else "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def new_trigger_id() -> str:
    """A fresh trigger_id in Slack's `digits.digits.hex` shape; each opens one view."""
    return f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"


def slash_command_body(
    command: str = "/meet",
    text: str = "",
    *,
    user_id: str = "U0ALICE",
    user_name: str = "alice",
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    team_id: str = _DEFAULT.team_id,
    team_domain: str = _DEFAULT.team_domain,
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
    api_app_id: str = _DEFAULT.app_id,
    is_enterprise_install: bool = False,
    response_url: str = "https://hooks.slack.com/commands/T0FAKE001/1/fake",
    trigger_id: str | None = None,
) -> bytes:
    """A slash command invocation as Slack form-encodes it (docs.slack.dev/interactivity/
    implementing-slash-commands); enterprise fields appear only inside Enterprise Grid."""
    fields: dict[str, str] = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": team_domain,
    }
    if enterprise_id is not None:
        fields["enterprise_id"] = enterprise_id
        fields["enterprise_name"] = enterprise_name or ""
    fields.update(
        channel_id=channel_id,
        channel_name=channel_name,
        user_id=user_id,
        user_name=user_name,
        command=command,
        text=text,
        api_app_id=api_app_id,
        is_enterprise_install=str(is_enterprise_install).lower(),
        response_url=response_url,
        trigger_id=trigger_id or new_trigger_id(),
    )
    return urlencode(fields).encode()


def interactive_body(payload: JSON) -> bytes:
    """Shortcuts, block actions and view submissions: form-encoded `payload=<json>`."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def event_callback_body(
    event: JSON,
    *,
    team_id: str = _DEFAULT.team_id,
    api_app_id: str = _DEFAULT.app_id,
    event_id: str | None = None,
    event_time: int | None = None,
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
    bot_user_id: str = _DEFAULT.bot_user_id,
) -> bytes:
    """An Events API delivery: the `event_callback` envelope around `event` (JSON)."""
    authorization: dict[str, Any] = {
        "enterprise_id": enterprise_id,
        "team_id": team_id,
        "user_id": bot_user_id,
        "is_bot": True,
        "is_enterprise_install": is_enterprise_install,
    }
    envelope: JSON = {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [authorization],
        "is_ext_shared_channel": False,
    }
    if enterprise_id is None:
        del envelope["enterprise_id"]
    return json.dumps(envelope).encode()


def url_verification_body(challenge: str) -> bytes:
    """The handshake Slack sends when a Request URL is saved; the app echoes `challenge`."""
    body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
    return json.dumps(body).encode()
