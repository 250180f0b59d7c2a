"""Events API listeners and plain button acks: App Home opened, uninstall, revoked tokens."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.errors import Unavailable
from bot.meet.blocks import LINK_ACTION_IDS
from bot.slack.deps import ListenerDeps, workspace_of
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
        if installations is None:
            return
        ws = workspace_of(body)
        await forget_installation(
            installations,
            enterprise_id=ws.enterprise_id,
            team_id=ws.team_id,
            is_enterprise_install=bool(body.get("is_enterprise_install")),
        )

    @app.event("tokens_revoked")
    async def revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        if installations is None:
            return
        ws = workspace_of(body)
        tokens = event.get("tokens", {})
        await revoke_tokens(
            installations,
            enterprise_id=ws.enterprise_id,
            team_id=ws.team_id,
            bot_user_ids=list(tokens.get("bot", [])),
            user_ids=list(tokens.get("oauth", [])),
        )

    for action_id in LINK_ACTION_IDS:

        @app.action(action_id)
        async def link_clicked(ack: AsyncAck) -> None:
            # A URL button still sends an interaction; Slack shows an error icon unless we ack it.
            await ack()
