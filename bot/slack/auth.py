"""Which bot token acts for a workspace, for Bolt (`authorize`) and for workers (`TokenSource`).

Single-workspace mode knows its token from the environment; OAuth mode reads the installation
store. Neither calls the Slack API while a request waits for its ack: the bot's own user id
is looked up once at start-up (auth.test) rather than on the first request, as Bolt would.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.inputs import Workspace
from bot.errors import SlackError, Unavailable
from bot.slack.installations import RedisInstallationStore

log = logging.getLogger(__name__)

# Bolt passes an authorize function only the arguments it names positionally (by inspection).
Authorize = Callable[..., Awaitable[Any]]


class SingleWorkspaceAuth:
    def __init__(self, token: str) -> None:
        self._token = token
        self.bot_user_id: str | None = None
        self.bot_id: str | None = None

    async def warm_up(self, client: AsyncWebClient) -> None:
        """Learn the bot's ids once (Bolt uses bot_user_id to ignore the bot's own events)."""
        try:
            data = await client.auth_test(token=self._token)
        except Exception as exc:  # start-up must not fail because Slack is slow
            log.warning("auth.test failed at start-up (%s); continuing", type(exc).__name__)
            return
        self.bot_user_id, self.bot_id = data.get("user_id"), data.get("bot_id")

    def bolt_authorize(self) -> Authorize:
        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=team_id,
                bot_token=self._token,
                bot_user_id=self.bot_user_id,
                bot_id=self.bot_id,
            )

        return authorize

    async def token(self, ws: Workspace) -> str:
        return self._token


class InstallationAuth:
    def __init__(self, store: RedisInstallationStore) -> None:
        self._store = store

    def bolt_authorize(self) -> Authorize:
        store = self._store

        async def authorize(
            enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
        ) -> AuthorizeResult | None:
            try:
                bot = await store.async_find_bot(
                    enterprise_id=enterprise_id,
                    team_id=team_id,
                    is_enterprise_install=is_enterprise_install,
                )
            except Unavailable:
                # Let the listener run token-less: it only enqueues, fails the same way and
                # answers "temporarily unavailable" instead of Bolt's generic install prompt.
                return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id)
            if bot is None:
                return None
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=team_id,
                bot_token=bot.bot_token,
                bot_user_id=bot.bot_user_id,
                bot_id=bot.bot_id,
            )

        return authorize

    async def token(self, ws: Workspace) -> str:
        bot = await self._store.async_find_bot(enterprise_id=ws.enterprise_id, team_id=ws.team_id)
        if bot is None or not bot.bot_token:
            raise SlackError("authorize", "not_installed")
        return bot.bot_token
