"""Slack's rotating bot tokens: refreshed before they expire, by one replica at a time.

With token rotation on (an app setting Slack Marketplace apps are expected to support),
oauth.v2.access answers with a bot token that expires after `expires_in` seconds (12 hours)
and a refresh token. oauth.v2.access with `grant_type=refresh_token` trades the refresh token
for a new pair, and the refresh token used is revoked after a short grace period
(https://docs.slack.dev/authentication/using-token-rotation). slack_sdk's `AsyncTokenRotator`
makes that call, as Bolt's own authorize does; what neither does is coordinate replicas, which
would each spend the same refresh token. So the refresh runs under a Redis lock per
installation: its holder re-reads the installation (another replica may have just refreshed
it), refreshes it if it is still due and saves it; the others wait for the lock and read what
was saved.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import aiohttp
import redis.asyncio as aioredis
from redis.exceptions import LockError
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator

from bot.errors import SlackError, SlackUnavailable
from bot.slack.installations import RedisInstallationStore
from bot.storage.redis import RedisDown, unavailable_when_down

log = logging.getLogger(__name__)

METHOD = "oauth.v2.access"
# Refresh when less than this is left of the 12 hours: Bolt's default
# (AsyncInstallationStoreAuthorize's token_rotation_expiration_minutes).
REFRESH_BEFORE_MINUTES = 120
# A token this close to its expiry is not handed out: the call using it must still arrive in time.
USABLE_MARGIN_SECONDS = 60
# The lock outlives one oauth.v2.access call (30 s HTTP timeout) so no second replica refreshes
# while the first still waits for Slack; a crashed holder frees it after this.
LOCK_SECONDS = 45
WAIT_SECONDS = 10.0


class BotTokenRefresher:
    """Hands out a bot whose token is not about to expire, refreshing it first if need be."""

    def __init__(
        self,
        store: RedisInstallationStore,
        rotator: AsyncTokenRotator,
        redis: aioredis.Redis,
        *,
        clock: Callable[[], float] = time.time,
        wait_seconds: float = WAIT_SECONDS,
    ) -> None:
        self._store = store
        self._rotator = rotator
        self._redis = redis
        self._clock = clock  # Unix seconds, as AsyncTokenRotator and Slack's expiry reckon
        self._wait = wait_seconds

    def is_due(self, bot: Bot) -> bool:
        """True for a rotating token with less than REFRESH_BEFORE_MINUTES left."""
        expires_at = bot.bot_token_expires_at
        if expires_at is None or bot.bot_refresh_token is None:
            return False
        return expires_at <= self._clock() + REFRESH_BEFORE_MINUTES * 60

    def _usable(self, bot: Bot) -> bool:
        expires_at = bot.bot_token_expires_at
        return expires_at is None or expires_at > self._clock() + USABLE_MARGIN_SECONDS

    async def fresh(self, bot: Bot, *, before_ack: bool = False) -> Bot:
        """`bot`, or the same installation with a refreshed token when its own is due.

        `before_ack`: a request waits for its ack (Bolt's authorize), so a token that is due but
        still usable is left for the worker to refresh, right after.
        Raises SlackError when Slack refuses the refresh (the installation must be reinstalled),
        SlackUnavailable when it could not be asked in time and the old token is no longer usable.
        """
        if not self.is_due(bot) or (before_ack and self._usable(bot)):
            return bot
        t = None if bot.is_enterprise_install else bot.team_id
        lock = self._redis.lock(
            self._store.keys.token_refresh(bot.enterprise_id, t),
            timeout=LOCK_SECONDS,
            sleep=0.05,
            blocking_timeout=self._wait,
            thread_local=False,
        )
        with unavailable_when_down():
            acquired = await lock.acquire()
        if not acquired:
            if self._usable(bot):
                return bot
            raise SlackUnavailable(METHOD, "token_refresh_pending")
        try:
            return await self._refresh_locked(bot)
        finally:
            try:
                await lock.release()
            except LockError:  # held past LOCK_SECONDS: another replica may hold it now
                log.warning("token refresh outlasted its lock (%s s)", LOCK_SECONDS)
            except RedisDown:  # the lock expires by itself
                log.warning("token refresh lock not released: Redis unreachable")

    async def _refresh_locked(self, seen: Bot) -> Bot:
        current = await self._store.async_find_bot(
            enterprise_id=seen.enterprise_id,
            team_id=seen.team_id,
            is_enterprise_install=seen.is_enterprise_install,
        )
        if current is None:  # uninstalled meanwhile
            raise SlackError("authorize", "not_installed")
        if not self.is_due(current):  # another replica refreshed it while we waited
            return current
        try:
            refreshed = await self._rotator.perform_bot_token_rotation(
                bot=current, minutes_before_expiration=REFRESH_BEFORE_MINUTES
            )
        except SlackTokenRotationError as exc:
            response = exc.api_error.response
            error = str(response.get("error") or "unknown_error")
            if response.status_code >= 500:
                raise SlackUnavailable(METHOD, error) from exc
            log.error("Slack refused to refresh a bot token (%s): reinstall needed", error)
            raise SlackError(METHOD, error) from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise SlackUnavailable(METHOD, type(exc).__name__) from exc
        if refreshed is None:
            return current
        with unavailable_when_down():
            await self._store.async_save_bot(refreshed)
        log.info(
            "refreshed the bot token of enterprise=%s team=%s",
            refreshed.enterprise_id,
            refreshed.team_id,
        )
        return refreshed
