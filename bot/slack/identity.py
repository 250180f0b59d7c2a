"""Which installation a Slack request belongs to: one reading, the one Bolt authorizes with.

Slack puts the ids in a different place in every payload: flat form fields in a slash command,
`team`/`enterprise` objects (or `team: null` and `user.team_id` for an org-wide app) in
interactions, `view.app_installed_team_id` in a modal opened from a Slack Connect channel,
`authorizations[0]` in the Events API (in a Slack Connect channel the envelope's own
`team_id` is the sender's). Bolt's extractors in `slack_bolt.request.internals` know all of
it, and Bolt looks the token up with what they return, so the job carries the same reading
(their precedence is summarised in tests/fixtures/slack/README.md). Two additions:

- The workspace the person acted in, where Bolt's reading has none: an org-wide app's events
  carry `authorizations[0].team_id: null` and the workspace in the envelope's `team_id`.
- A modal opened in a Slack Connect channel by someone of the other organisation names *their*
  org in `enterprise` and ours only by `view.app_installed_team_id`; that enterprise is not
  our installation's, so it is dropped and the installation is found by its workspace alone
  (`RedisInstallationStore.async_find_serving_bot`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_bolt.request.internals import (
    extract_enterprise_id,
    extract_is_enterprise_install,
    extract_team_id,
)

from bot.domain.inputs import Workspace


def workspace_of(body: Mapping[str, Any]) -> Workspace:
    """The installation a Slack payload belongs to, whatever its shape: slash command,
    shortcut, block action, view submission or Events API envelope."""
    payload = dict(body)
    is_org_wide = extract_is_enterprise_install(payload) is True
    enterprise_id = _text(extract_enterprise_id(payload))
    team_id = _text(extract_team_id(payload)) or _acting_team(payload)
    if not is_org_wide and _opened_from_another_org(payload):
        enterprise_id = None
    return Workspace(
        team_id=team_id or "", enterprise_id=enterprise_id, is_enterprise_install=is_org_wide
    )


def _acting_team(payload: Mapping[str, Any]) -> str | None:
    """Where the person acted, when the installation has no workspace of its own."""
    user = payload.get("user")
    event = payload.get("event")
    candidates = (
        payload.get("team_id"),
        event.get("team") if isinstance(event, Mapping) else None,
        user.get("team_id") if isinstance(user, Mapping) else None,
    )
    return next((text for value in candidates if (text := _text(value))), None)


def _opened_from_another_org(payload: Mapping[str, Any]) -> bool:
    """A view our installation opened, submitted by someone whose own team is another one."""
    view = payload.get("view")
    installed = _text(view.get("app_installed_team_id")) if isinstance(view, Mapping) else None
    if installed is None:
        return False
    team, user = payload.get("team"), payload.get("user")
    own = (team.get("id") if isinstance(team, Mapping) else None) or (
        user.get("team_id") if isinstance(user, Mapping) else None
    )
    return _text(own) not in (None, installed)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
