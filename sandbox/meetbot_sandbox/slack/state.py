"""Everything the fake Slack knows: tokens, channels, users, messages, views, recorded calls.

Tests arrange it (`add_channel`, `add_user`, `set_rate_limit`) and read it back (`message`,
`thread`, `calls_to`, `wait_for`). Waiting is event-driven: every record wakes the waiters.
"""

from __future__ import annotations

import itertools
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from meetbot_sandbox.slack.changes import Changes
from meetbot_sandbox.slack.faults import ServerErrors
from meetbot_sandbox.slack.models import (
    JSON,
    ApiCall,
    Channel,
    Message,
    ResponseUrlPost,
    User,
    Workspace,
)
from meetbot_sandbox.slack.rate_limits import TierLimits
from meetbot_sandbox.slack.scopes import BOT_SCOPES
from meetbot_sandbox.slack.socket_mode import SocketModeHub

T = TypeVar("T")

# Slack message timestamps are "seconds.microseconds" strings of the posting time, unique per
# channel; ours come from the clock and are strictly increasing across the whole fake.
_TS_STEP_MICROS = 100


class FakeSlackState:
    """In-memory Slack workspace behind the fake Web API (one per test)."""

    def __init__(
        self,
        workspace: Workspace | None = None,
        *,
        valid_tokens: Iterable[str] | None = None,
        scopes: Iterable[str] | None = BOT_SCOPES,
        client_id: str | None = None,
        client_secret: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """A workspace with only the bot user in it; tests add channels and people.

        Args:
            workspace: who the default bot token belongs to (auth.test).
            valid_tokens: accepted bot tokens; None accepts any `xoxb-` token.
            scopes: what every bot token is granted (manifest.yml's); None skips scope checks.
            client_id, client_secret: checked by oauth.v2.access/apps.uninstall when set.
            clock: Unix seconds; message ts, view hashes and Call times come from it.
        """
        self.workspace = workspace or Workspace()
        self.valid_tokens = set(valid_tokens) if valid_tokens is not None else None
        self.scopes = frozenset(scopes) if scopes is not None else None
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.base_url: str | None = None
        self.calls: list[ApiCall] = []
        self.unexpected: list[str] = []
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, User] = {}
        # conversations.members: each conversation's member user ids (set by tests, in order).
        self.members: dict[str, list[str]] = {}
        self.messages: dict[str, dict[str, Message]] = {}
        self.ephemerals: list[Message] = []
        self.files: dict[str, Any] = {}  # files_api.FakeFile by id: uploads and shares
        self.views: dict[str, JSON] = {}
        self.home_tabs: dict[str, JSON] = {}
        self.call_objects: dict[str, JSON] = {}
        self.installs: dict[str, Workspace] = {}
        self.oauth_codes: dict[str, JSON] = {}
        self.revoked_tokens: set[str] = set()
        # Token rotation (install_api): a rotating token's expiry, and each unspent refresh
        # token's installation. Slack's tokens live 43,200 s; tests shorten it to reach the
        # refresh window without waiting (docs.slack.dev/authentication/using-token-rotation).
        self.token_lifetime = 43_200
        self.token_expires_at: dict[str, float] = {}
        self.refresh_tokens: dict[str, JSON] = {}
        self.used_triggers: set[str] = set()
        self.expired_triggers: set[str] = set()
        self.response_posts: list[ResponseUrlPost] = []
        self.sockets = SocketModeHub()
        self._rate_limits: dict[str, tuple[int, int]] = {}
        self.server_errors = ServerErrors()  # 5xx answers (meetbot_sandbox.slack.faults)
        # Slack's tiered rate limits, off until `tiers.enforce()` (meetbot_sandbox.slack.rate_limits)
        self.tiers = TierLimits(lambda: self.clock())
        # Answer calls.add as Slack's own sample answer does, `{"ok": true}` without the call
        # (tests/fixtures/slack-web-api/calls.add.ok.json): an app must cope with it.
        self.calls_add_without_call = False
        self._response_ids: set[str] = set()
        self._last_ts_micros = 0
        self._ids = itertools.count(1)
        self._changes = Changes()
        self._version = 0
        self.add_user(self.workspace.bot_user_id, self.workspace.bot_user_name, is_bot=True)

    # -- arranging ---------------------------------------------------------------------------

    def add_channel(
        self,
        id: str,
        name: str,
        *,
        private: bool = False,
        member: bool = True,
        creator: str = "U0CREATOR",
    ) -> Channel:
        channel = Channel(id=id, name=name, is_private=private, is_member=member, creator=creator)
        self.channels[id] = channel
        self.messages.setdefault(id, {})
        return channel

    def add_user(
        self,
        id: str,
        name: str,
        tz: str = "Europe/Berlin",
        *,
        real_name: str = "",
        display_name: str = "",
        is_bot: bool = False,
        is_admin: bool = False,
        is_owner: bool = False,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        team_id: str | None = None,
        locale: str = "en-US",
    ) -> User:
        """A member of the workspace; with `team_id`, of a partner organisation's team instead
        (Slack Connect: users.info says `is_external`); `locale` is their Slack language."""
        user = User(
            id=id,
            name=name,
            tz=tz,
            real_name=real_name,
            display_name=display_name,
            team_id=team_id or self.workspace.team_id,
            is_bot=is_bot,
            is_admin=is_admin,
            is_owner=is_owner,
            is_restricted=is_restricted,
            is_ultra_restricted=is_ultra_restricted,
            is_external=team_id is not None and team_id != self.workspace.team_id,
            locale=locale,
        )
        self.users[id] = user
        return user

    def add_user_message(self, channel: str, text: str, *, user: str) -> Message:
        """A message someone else wrote (e.g. the target of "Meet about this")."""
        message = Message(channel=channel, ts=self.next_ts(), text=text, user=user)
        self.messages.setdefault(channel, {})[message.ts] = message
        return message

    def set_rate_limit(self, method: str, times: int, retry_after: int = 1) -> None:
        """The next `times` calls of `method` answer HTTP 429 with `Retry-After: retry_after`."""
        self._rate_limits[method] = (times, retry_after)

    def add_oauth_code(
        self,
        code: str,
        workspace: Workspace | None = None,
        *,
        installer_user_id: str = "U0INSTALLER",
        is_enterprise_install: bool = False,
        rotating: bool = False,
    ) -> str:
        """Make `code` exchangeable once by oauth.v2.access; returns the bot token it will issue
        (with `rotating`, an expiring `xoxe.xoxb-` token and a refresh token, as for an app
        with token rotation turned on)."""
        install = workspace or self.workspace
        token = f"xoxb-{next(self._ids)}{install.team_id[1:]}-{secrets.token_hex(12)}"
        self.oauth_codes[code] = {
            "token": f"xoxe.{token}" if rotating else token,
            "workspace": install,
            "installer_user_id": installer_user_id,
            "is_enterprise_install": is_enterprise_install,
            "rotating": rotating,
        }
        return str(self.oauth_codes[code]["token"])

    def token_expired(self, token: str) -> bool:
        """A rotating token past its `expires_in` (Slack answers token_expired)."""
        expires_at = self.token_expires_at.get(token)
        return expires_at is not None and expires_at <= self.clock()

    def revoke_token(self, token: str) -> None:
        self.revoked_tokens.add(token)

    def expire_trigger(self, trigger_id: str) -> None:
        self.expired_triggers.add(trigger_id)

    # -- reading -----------------------------------------------------------------------------

    def message(self, channel: str, ts: str) -> Message:
        try:
            return self.messages[channel][ts]
        except KeyError:
            known = list(self.messages.get(channel, {}))
            raise KeyError(f"no message {ts} in {channel}; it has {known}") from None

    def history(self, channel: str) -> list[Message]:
        """Top-level messages of a channel, oldest first."""
        return [m for m in self.messages.get(channel, {}).values() if not m.is_reply]

    def thread(self, channel: str, ts: str) -> list[Message]:
        """Replies in the thread under message `ts`, oldest first (the parent excluded)."""
        return [
            m for m in self.messages.get(channel, {}).values() if m.is_reply and m.thread_ts == ts
        ]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method == method]

    def dm_channel(self, user_id: str) -> Channel:
        """The bot's DM with `user_id`, opened on first use (as conversations.open does)."""
        for channel in self.channels.values():
            if channel.is_im and channel.user == user_id:
                return channel
        channel = Channel(id=f"D{next(self._ids):08d}", name=user_id, is_im=True, user=user_id)
        self.channels[channel.id] = channel
        self.messages[channel.id] = {}
        return channel

    def response_url(self) -> str:
        """A fresh URL that records what the app POSTs to it (see `responses`)."""
        if self.base_url is None:
            raise RuntimeError("base_url is unset: the server sets it when it starts")
        response_id = f"R{next(self._ids):08d}"
        self._response_ids.add(response_id)
        return f"{self.base_url.rstrip('/')}/response/{response_id}"

    def responses(self, response_id_or_url: str) -> list[JSON]:
        response_id = response_id_or_url.rstrip("/").rsplit("/", 1)[-1]
        return [post.body for post in self.response_posts if post.response_id == response_id]

    # -- waiting -----------------------------------------------------------------------------

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - a test-facing deadline, like asyncio.wait_for's
    ) -> ApiCall:
        """The first recorded call of `method` matching `predicate`, waiting for it if need be."""

        def find() -> ApiCall | None:
            return next(
                (
                    c
                    for c in self.calls
                    if c.method == method and (predicate is None or predicate(c))
                ),
                None,
            )

        return await self._changes.wait(
            find, timeout, lambda: f"seen {method}: {self.calls_to(method)}"
        )

    async def wait_for_response(
        self,
        response_id_or_url: str,
        predicate: Callable[[JSON], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109 - as above
    ) -> JSON:
        """The first body POSTed to that response_url matching `predicate`."""

        def find() -> JSON | None:
            bodies = self.responses(response_id_or_url)
            return next((b for b in bodies if predicate is None or predicate(b)), None)

        return await self._changes.wait(
            find, timeout, lambda: f"seen {self.responses(response_id_or_url)}"
        )

    # -- used by the server ------------------------------------------------------------------

    def next_ts(self) -> str:
        micros = max(int(self.clock() * 1_000_000), self._last_ts_micros + _TS_STEP_MICROS)
        self._last_ts_micros = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def take_rate_limit(self, method: str) -> int | None:
        """Retry-After seconds if this call of `method` is to be rate limited."""
        times, retry_after = self._rate_limits.get(method, (0, 0))
        if times <= 0:
            return None
        self._rate_limits[method] = (times - 1, retry_after)
        return retry_after

    def workspace_for(self, token: str) -> Workspace | None:
        """Whose token this is, or None when the fake would answer invalid_auth."""
        if token in self.installs:
            return self.installs[token]
        if self.valid_tokens is None:
            return self.workspace if token.startswith("xoxb-") else None
        return self.workspace if token in self.valid_tokens else None

    def is_response_id(self, response_id: str) -> bool:
        return response_id in self._response_ids

    def record(
        self, method: str, params: JSON, token: str | None, status: int, body: JSON
    ) -> ApiCall:
        call = ApiCall(len(self.calls) + 1, method, params, token, status, body)
        self.calls.append(call)
        self._notify()
        return call

    def record_response(self, response_id: str, body: JSON) -> None:
        post = ResponseUrlPost(len(self.response_posts) + 1, response_id, body)
        self.response_posts.append(post)
        self._notify()

    # -- following changes (the local sandbox page) --------------------------------------------

    @property
    def version(self) -> int:
        """Grows with every change a reader could see: recorded calls, response_url posts and
        `touch()`; a follower remembers the last one it showed."""
        return self._version

    def touch(self) -> None:
        """Something outside the Web API changed what a reader sees (the sandbox's own notes)."""
        self._notify()

    async def changed_since(self, version: int, timeout: float) -> int:  # noqa: ASYNC109 - as above
        """The current version once it is past `version`; TimeoutError after `timeout` seconds."""
        return await self._changes.wait(
            lambda: self._version if self._version > version else None,
            timeout,
            lambda: f"no change since version {version}",
        )

    def _notify(self) -> None:
        self._version += 1
        self._changes.notify()

    def __repr__(self) -> str:
        return f"FakeSlackState(calls={len(self.calls)}, channels={list(self.channels)})"
