"""Which bot token acts for a workspace, for Bolt (`authorize`) and for workers (`TokenSource`).

Single-workspace mode knows its token from the environment; OAuth mode reads the installation
store. Neither calls the Slack API while a request waits for its ack (the bot's own user id
is looked up once at start-up, auth.test, rather than on the first request, as Bolt would),
except to refresh a rotating token that has run out (a due one is left to the worker).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import ConfigError
from bot.domain.inputs import Workspace
from bot.errors import SlackError, Unavailable
from bot.slack.installations import RedisInstallationStore
from bot.slack.token_rotation import BotTokenRefresher

log = logging.getLogger(__name__)

# auth.test's answers for a token that will never work (https://api.slack.com/methods/auth.test).
REFUSED_TOKEN = frozenset({"invalid_auth", "not_authed", "token_revoked", "account_inactive"})

# Bolt passes an authorize function only the arguments it names positionally (by inspection).
Authorize = Callable[..., Awaitable[Any]]


class SingleWorkspaceAuth:
    def __init__(self, token: str) -> None:
        self._token = token
        self.bot_user_id: str | None = None
        self.bot_id: str | None = None

    async def warm_up(self, client: AsyncWebClient) -> None:
        """Learn the bot's ids once (Bolt uses bot_user_id to ignore the bot's own events).

        A token Slack refuses stops the start with a line naming the variable to check; any
        other failure (Slack slow or down) is logged with Slack's error code and the bot starts.
        """
        try:
            data = await client.auth_test(token=self._token)
        except SlackApiError as exc:
            code = str(exc.response.get("error") or exc.response.status_code)
            if code in REFUSED_TOKEN:
                raise ConfigError(
                    [f"SLACK_BOT_TOKEN: Slack refused it ({code}); check SLACK_BOT_TOKEN"]
                ) from exc
            log.warning("auth.test failed at start-up: Slack says %s; continuing", code)
            return
        except Exception as exc:  # start-up must not fail because Slack is slow or unreachable
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
    """OAuth mode: the installation that serves a workspace, its rotating token kept fresh.

    Bolt's authorize and the workers' token source make the same lookup
    (`RedisInstallationStore.async_find_serving_bot`) and the same refresh (`BotTokenRefresher`),
    so a request and the job it enqueues act with the same installation.
    """

    def __init__(
        self, store: RedisInstallationStore, refresher: BotTokenRefresher | None = None
    ) -> None:
        self._store = store
        self._refresher = refresher

    async def bot(
        self,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool,
        *,
        before_ack: bool = False,
    ) -> Bot | None:
        bot = await self._store.async_find_serving_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if bot is None or self._refresher is None:
            return bot
        return await self._refresher.fresh(bot, before_ack=before_ack)

    def bolt_authorize(self) -> Authorize:
        async def authorize(
            enterprise_id: str | None, team_id: str | None, is_enterprise_install: bool | None
        ) -> AuthorizeResult | None:
            try:
                bot = await self.bot(
                    enterprise_id, team_id, bool(is_enterprise_install), before_ack=True
                )
            except (Unavailable, SlackError) as exc:
                # Let the listener run token-less: it only enqueues, and the worker looks the
                # token up again (Redis back, token refreshed) or tells the user what failed,
                # instead of Bolt's generic "please reinstall".
                log.warning("authorize without a token: %s", type(exc).__name__)
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
        bot = await self.bot(ws.enterprise_id, ws.team_id or None, ws.is_enterprise_install)
        if bot is None or not bot.bot_token:
            raise SlackError("authorize", "not_installed")
        return bot.bot_token
