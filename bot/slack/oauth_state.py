"""OAuth `state` values for the install flow, in Redis: unguessable, short-lived, single-use.

The state ties Slack's redirect back to the browser that started the install (Bolt also checks
a cookie holding it), so it must never be accepted twice. `async_consume` is one `DEL`: Redis
runs it atomically and answers how many keys it removed, so of two concurrent consumers of the
same state exactly one sees 1. Expiry is Redis' own TTL, so stale states cost nothing to clean.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import redis.asyncio as aioredis
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.storage.keys import OAUTH_STATE_TTL, Keys


class RedisOAuthStateStore(AsyncOAuthStateStore):
    """Bolt's OAuth state store on Redis."""

    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        keys: Keys = Keys(),  # noqa: B008 - Keys is a frozen dataclass
        expiration_seconds: int = OAUTH_STATE_TTL,
        logger: logging.Logger | None = None,
    ) -> None:
        if expiration_seconds <= 0:
            raise ValueError(f"expiration_seconds must be positive, got {expiration_seconds}")
        self._redis = redis
        self._keys = keys
        self.expiration_seconds = expiration_seconds
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A fresh state (256 random bits), valid for `expiration_seconds`."""
        state = secrets.token_urlsafe(32)
        await self._redis.set(self._keys.oauth_state(state), b"1", ex=self.expiration_seconds)
        return state

    async def async_consume(self, state: str) -> bool:
        """True the first time an issued, unexpired state is presented; False ever after."""
        if not state:  # Bolt passes None when the redirect carries no state at all
            return False
        removed: int = await self._redis.delete(self._keys.oauth_state(state))
        if removed != 1:
            self._logger.info("rejected an unknown, expired or already used OAuth state")
        return removed == 1
