"""Events API listeners and plain button acks: App Home opened, uninstall, revoked tokens."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import Unavailable
from bot.meet.blocks import LINK_ACTION_IDS
from bot.slack.deps import ListenerDeps
from bot.slack.identity import workspace_of
from bot.slack.installations import RedisInstallationStore
from bot.slack.uninstall import forget_installation, revoke_tokens

log = logging.getLogger(__name__)


def register(
    app: AsyncApp, deps: ListenerDeps, installations: RedisInstallationStore | None
) -> None:
    @app.event("app_home_opened")
    async def home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        try:
            await deps.jobs.refresh_home(workspace_of(body), event["user"], opened=True)
        except Unavailable:
            # Slack retries events we fail; a stale Home tab is better than a retry storm.
            log.warning("App Home refresh not queued: Redis unavailable")

    @app.event("app_uninstalled")
    async def uninstalled(body: dict[str, Any]) -> None:
        if installations is not None:
            await forget_installation(installations, workspace_of(body))

    @app.event("tokens_revoked")
    async def revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        if installations is None:
            return
        tokens = event.get("tokens")
        tokens = tokens if isinstance(tokens, dict) else {}
        await revoke_tokens(
            installations,
            workspace_of(body),
            bot_user_ids=_ids(tokens.get("bot")),
            user_ids=_ids(tokens.get("oauth")),
        )

    for action_id in LINK_ACTION_IDS:

        @app.action(action_id)
        async def link_clicked(ack: AsyncAck) -> None:
            # A URL button still sends an interaction; Slack shows an error icon unless we ack it.
            await ack()


def _ids(value: object) -> list[str]:
    """`event.tokens.bot` / `.oauth`: lists of user ids (docs.slack.dev/reference/events/tokens_revoked)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
