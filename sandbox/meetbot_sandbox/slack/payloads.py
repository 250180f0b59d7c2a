"""Slack's interaction payloads and event bodies as dicts, shaped like docs.slack.dev's examples.

Shortcuts (global `shortcut`, message `message_action`), `block_actions` and `view_submission`
go through `signing.interactive_body`; events (`app_home_opened`, `app_uninstalled`,
`tokens_revoked`) through `signing.event_callback_body`. Defaults match the fake workspace's ids.
"""

from __future__ import annotations

import time

from meetbot_sandbox.slack.models import JSON, Workspace
from meetbot_sandbox.slack.signing import VERIFICATION_TOKEN, new_trigger_id

_DEFAULT = Workspace()


def _action_ts() -> str:
    return f"{time.time():.6f}"


def _context(
    user_id: str,
    user_name: str,
    team_id: str,
    team_domain: str,
    enterprise_id: str | None,
    enterprise_name: str | None,
    is_enterprise_install: bool,
) -> JSON:
    """The user/team/enterprise block every interaction payload carries."""
    enterprise = None if enterprise_id is None else {"id": enterprise_id, "name": enterprise_name}
    team: JSON = {"id": team_id, "domain": team_domain}
    if enterprise_id is not None:
        team.update(enterprise_id=enterprise_id, enterprise_name=enterprise_name)
    return {
        "token": VERIFICATION_TOKEN,
        "api_app_id": _DEFAULT.app_id,
        # Org-wide installs get no workspace here (view_submission payload reference).
        "team": None if is_enterprise_install else team,
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "enterprise": enterprise,
        "is_enterprise_install": is_enterprise_install,
    }


def global_shortcut_payload(
    callback_id: str = "start_meeting",
    *,
    user_id: str = "U0ALICE",
    user_name: str = "alice",
    team_id: str = _DEFAULT.team_id,
    team_domain: str = _DEFAULT.team_domain,
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
    is_enterprise_install: bool = False,
    trigger_id: str | None = None,
) -> JSON:
    """A global shortcut: no channel, no response_url; a trigger_id to open a modal."""
    return {
        "type": "shortcut",
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "action_ts": _action_ts(),
        **_context(
            user_id,
            user_name,
            team_id,
            team_domain,
            enterprise_id,
            enterprise_name,
            is_enterprise_install,
        ),
    }


def message_shortcut_payload(
    callback_id: str = "meet_about_message",
    *,
    channel_id: str = "C0GENERAL",
    channel_name: str = "general",
    message_ts: str = "1700000000.000100",
    message_text: str = "Can we talk about the release?",
    message_user: str = "U0BOB",
    thread_ts: str | None = None,
    response_url: str = "https://hooks.slack.com/app/T0FAKE001/1/fake",
    user_id: str = "U0ALICE",
    user_name: str = "alice",
    team_id: str = _DEFAULT.team_id,
    team_domain: str = _DEFAULT.team_domain,
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
    trigger_id: str | None = None,
) -> JSON:
    """A message shortcut (`message_action`) on message `message_ts` in `channel_id`."""
    message: JSON = {
        "type": "message",
        "user": message_user,
        "ts": message_ts,
        "text": message_text,
    }
    if thread_ts is not None:
        message["thread_ts"] = thread_ts
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "response_url": response_url,
        "channel": {"id": channel_id, "name": channel_name},
        "message": message,
        "message_ts": message_ts,
        "action_ts": _action_ts(),
        **_context(user_id, user_name, team_id, team_domain, enterprise_id, enterprise_name, False),
    }


def view_submission_payload(
    callback_id: str,
    values: JSON,
    *,
    private_metadata: str = "",
    view_id: str = "V00000001",
    user_id: str = "U0ALICE",
    user_name: str = "alice",
    team_id: str = _DEFAULT.team_id,
    team_domain: str = _DEFAULT.team_domain,
    enterprise_id: str | None = None,
    enterprise_name: str | None = None,
    is_enterprise_install: bool = False,
    response_urls: list[JSON] | None = None,
    trigger_id: str | None = None,
) -> JSON:
    """A modal submitted: `values` is `state.values` ({block_id: {action_id: {type, value…}}})."""
    view: JSON = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": private_metadata,
        "state": {"values": values},
        "hash": f"{int(time.time())}.fakehash",
        "title": {"type": "plain_text", "text": "meetbot"},
        "blocks": [],
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": _DEFAULT.app_id,
        "bot_id": _DEFAULT.bot_id,
        "external_id": "",
    }
    context = _context(
        user_id,
        user_name,
        team_id,
        team_domain,
        enterprise_id,
        enterprise_name,
        is_enterprise_install,
    )
    return {
        "type": "view_submission",
        "trigger_id": trigger_id or new_trigger_id(),
        "view": view,
        "response_urls": response_urls or [],
        **context,
    }


def block_actions_payload(
    action: JSON,
    *,
    container: JSON,
    user_id: str = "U0ALICE",
    user_name: str = "alice",
    channel: JSON | None = None,
    message: JSON | None = None,
    view: JSON | None = None,
    response_url: str | None = None,
    team_id: str = _DEFAULT.team_id,
    team_domain: str = _DEFAULT.team_domain,
    trigger_id: str | None = None,
) -> JSON:
    """A click on an interactive element (`action`: action_id, block_id, type, value...).

    `container` says where it was: `{"type": "message", "message_ts", "channel_id",
    "is_ephemeral"}` (then `channel`, `message` and `response_url` come along) or
    `{"type": "view", "view_id"}` (then `view`), as the block_actions payload reference shows.
    """
    payload: JSON = {
        "type": "block_actions",
        "trigger_id": trigger_id or new_trigger_id(),
        "container": container,
        "actions": [{"action_ts": _action_ts(), **action}],
        **_context(user_id, user_name, team_id, team_domain, None, None, False),
    }
    optional = {"channel": channel, "message": message, "view": view, "response_url": response_url}
    payload.update({key: value for key, value in optional.items() if value is not None})
    return payload


def app_home_opened_event(
    user_id: str = "U0ALICE",
    *,
    channel_id: str = "D0APPHOME",
    tab: str = "home",
    view: JSON | None = None,
) -> JSON:
    """`view` is present once a Home tab has been published for that user."""
    event: JSON = {"type": "app_home_opened", "user": user_id, "channel": channel_id, "tab": tab}
    event["event_ts"] = _action_ts()
    if view is not None:
        event["view"] = view
    return event


def app_uninstalled_event() -> JSON:
    return {"type": "app_uninstalled"}


def tokens_revoked_event(
    *, bot: tuple[str, ...] = (_DEFAULT.bot_user_id,), oauth: tuple[str, ...] = ()
) -> JSON:
    """Lists user ids whose tokens were revoked, by token kind, never the tokens themselves."""
    return {"type": "tokens_revoked", "tokens": {"oauth": list(oauth), "bot": list(bot)}}
