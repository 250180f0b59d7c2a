"""Slack installations for multi-workspace (OAuth) mode, in Redis, tokens sealed with Fernet.

Bolt ships no Redis store, so this is ours. Key names come from `bot.storage.keys.Keys`; an org-wide
Enterprise Grid install is keyed without a team, as slack_sdk's SQLAlchemy and file stores do:

    bot(E, T)               the latest Bot: the only copy of the bot token (and its refresh
                            token and expiry, when Slack rotates it: bot.slack.token_rotation)
    installation(E, T)      the latest installation, minus bot fields and the installer's tokens
    installation(E, T, U)   user U's latest installation that carried a user token, minus bot fields
    installers(E, T)        the set of such U, so "delete every installation" finds them
    install_team(T)         E ("-" outside Grid) of workspace T's own installation

`async_find_serving_bot` is the lookup for acting in a workspace (Bolt's authorize and every
job's token): the workspace's own installation, else its org's org-wide one.

Every secret lives in exactly one record and `async_find_installation` assembles the Installation
from them, so deleting the bot record or a user's record revokes that token everywhere at once.
Each value is JSON `{"fields": {...}, "sealed": "<Fernet token>"}` with the tokens and the
incoming-webhook URL inside `sealed`. Only the latest installation is kept (no history), and no
token is ever logged.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable
from typing import Any

import redis.asyncio as aioredis
from cryptography.fernet import Fernet, InvalidToken
from redis.asyncio.client import Pipeline
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.errors import MeetbotError
from bot.storage.keys import Keys
from bot.storage.redis import unavailable_on_failure

Record = dict[str, Any]

SECRET_FIELDS = frozenset(
    {"bot_token", "bot_refresh_token", "user_token", "user_refresh_token", "incoming_webhook_url"}
)
BOT_FIELDS = (
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
    "bot_token_expires_at",
)
USER_FIELDS = ("user_token", "user_scopes", "user_refresh_token", "user_token_expires_at")


class InstallationDecryptError(MeetbotError):
    """A stored installation cannot be decrypted: ENCRYPTION_KEY is not the key it was saved with."""


def _team(team_id: str | None, is_enterprise_install: bool | None) -> str | None:
    """An org-wide install belongs to the enterprise, whichever workspace asks about it."""
    return None if is_enterprise_install else team_id


def _pick(record: Record, names: Iterable[str]) -> Record:
    return {name: record[name] for name in names if name in record}


def _without(record: Record, names: Iterable[str]) -> Record:
    dropped = set(names)
    return {name: value for name, value in record.items() if name not in dropped}


def _installation_record(installation: Installation) -> Record:
    record = installation.to_dict_for_copying()  # keeps custom_values apart, for the constructor
    # to_dict renders timestamps as datetimes and scopes as "a,b": keep the exact originals.
    record.update(
        installed_at=installation.installed_at,
        bot_token_expires_at=installation.bot_token_expires_at,
        user_token_expires_at=installation.user_token_expires_at,
        bot_scopes=list(installation.bot_scopes or []),
        user_scopes=list(installation.user_scopes or []),
    )
    return record


def _bot_record(bot: Bot) -> Record:
    record = bot.to_dict_for_copying()
    record.update(
        installed_at=bot.installed_at,
        bot_token_expires_at=bot.bot_token_expires_at,
        bot_scopes=list(bot.bot_scopes or []),
    )
    return record


class RedisInstallationStore(AsyncInstallationStore):
    """Bolt's installation store on Redis; see the module docstring for the layout."""

    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        fernet_key: bytes,
        keys: Keys = Keys(),  # noqa: B008 - Keys is a frozen dataclass
        client_id: str | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        self._redis = redis
        self._fernet = Fernet(fernet_key)
        # Several Slack apps may share one Redis: each keeps its installations under its own prefix.
        self._keys = (
            dataclasses.replace(keys, prefix=f"{keys.prefix}:{client_id}") if client_id else keys
        )
        self._logger = logger or logging.getLogger(__name__)

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    @property
    def keys(self) -> Keys:
        """This app's key names (prefixed with its client id)."""
        return self._keys

    async def async_save(self, installation: Installation) -> None:
        e = installation.enterprise_id
        t = _team(installation.team_id, installation.is_enterprise_install)
        record = _without(_installation_record(installation), BOT_FIELDS)
        async with self._redis.pipeline(transaction=True) as pipe:
            if installation.bot_token:
                pipe.set(self._keys.bot(e, t), self._seal(_bot_record(installation.to_bot())))
            pipe.set(self._keys.installation(e, t), self._seal(_without(record, USER_FIELDS)))
            if installation.user_token:
                pipe.set(self._keys.installation(e, t, installation.user_id), self._seal(record))
                pipe.sadd(self._keys.installers(e, t), installation.user_id)
            if t is not None:
                pipe.set(self._keys.install_team(t), e or "-")
            await pipe.execute()
        self._logger.debug("saved installation enterprise=%s team=%s", e, t)

    async def async_save_bot(self, bot: Bot) -> None:
        t = _team(bot.team_id, bot.is_enterprise_install)
        if not bot.bot_token:
            self._logger.debug(
                "not saving a bot without a token enterprise=%s team=%s", bot.enterprise_id, t
            )
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._keys.bot(bot.enterprise_id, t), self._seal(_bot_record(bot)))
            if t is not None:
                pipe.set(self._keys.install_team(t), bot.enterprise_id or "-")
            await pipe.execute()

    @unavailable_on_failure
    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        record = await self._load(
            self._keys.bot(enterprise_id, _team(team_id, is_enterprise_install))
        )
        return None if record is None else Bot(**record)

    @unavailable_on_failure
    async def async_find_serving_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The installation that acts for workspace `team_id` of org `enterprise_id`.

        In order: an org-wide install when the request says so; the workspace's own install;
        the workspace's own install under the org `install_team` names (a Slack Connect modal
        names the submitter's org), or outside Grid; the org's org-wide install, which serves
        every workspace of the org but is stored without one (a card, a standup or App Home
        only knows the workspace). One round trip, two the first time an install saved by an
        older deploy is found (its `install_team` is written then).
        """
        e, t = enterprise_id, team_id
        if is_enterprise_install or not t:
            return await self._find(self._keys.bot(e, None)) if e else None
        own_key, org_key, plain_key = (
            self._keys.bot(e, t),
            self._keys.bot(e, None),
            self._keys.bot(None, t),
        )
        index_key = self._keys.install_team(t)
        own, indexed, org_wide, plain = await self._redis.mget(
            own_key, index_key, org_key, plain_key
        )
        if own is not None:
            if indexed is None:  # saved before the index existed: write it now, once
                await self._redis.set(index_key, e or "-", nx=True)
            return Bot(**self._open(own, own_key))
        if indexed is None and plain is not None:  # the same, for a workspace outside Grid
            return Bot(**self._open(plain, plain_key))
        home = None if indexed is None or _text(indexed) == "-" else _text(indexed)
        if (
            indexed is not None
            and home != e
            and (bot := await self._find(self._keys.bot(home, t))) is not None
        ):
            return bot
        return Bot(**self._open(org_wide, org_key)) if e and org_wide is not None else None

    async def _find(self, key: str) -> Bot | None:
        record = await self._load(key)
        return None if record is None else Bot(**record)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        e, t = enterprise_id, _team(team_id, is_enterprise_install)
        latest_key, bot_key = self._keys.installation(e, t), self._keys.bot(e, t)
        latest_raw, bot_raw = await self._redis.mget(latest_key, bot_key)
        latest = None if latest_raw is None else self._open(latest_raw, latest_key)
        installer = user_id or (latest["user_id"] if latest else None)
        user = await self._load(self._keys.installation(e, t, installer)) if installer else None

        record: Record | None
        if user_id is not None:  # only installations that carried this user's token
            record = user
        elif latest is not None and user is not None:  # the installer's token is kept apart
            record = {**latest, **_pick(user, USER_FIELDS)}
        else:
            record = latest
        if record is None:
            return None
        if bot_raw is not None:
            record = {**record, **_pick(self._open(bot_raw, bot_key), BOT_FIELDS)}
        return Installation(**record)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._redis.delete(self._keys.bot(enterprise_id, team_id))

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is None:
            await self._delete_workspace(enterprise_id, team_id, with_bot=False)
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._keys.installation(enterprise_id, team_id, user_id))
            pipe.srem(self._keys.installers(enterprise_id, team_id), user_id)
            await pipe.execute()

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self._delete_workspace(enterprise_id, team_id, with_bot=True)

    async def _delete_workspace(self, e: str | None, t: str | None, *, with_bot: bool) -> None:
        """Delete every installation (and the bot) of E/T; WATCH retries if a user is added meanwhile."""
        installers = self._keys.installers(e, t)
        index = self._keys.install_team(t) if t and with_bot else None

        async def delete(pipe: Pipeline) -> None:
            users = await pipe.smembers(installers)
            doomed = [installers, self._keys.installation(e, t)]
            doomed += [self._keys.installation(e, t, _text(user)) for user in users]
            if with_bot:
                doomed.append(self._keys.bot(e, t))
            # The index goes only if it still names this org (the workspace may have moved).
            if index is not None and _text(await pipe.get(index) or b"") == (e or "-"):
                doomed.append(index)
            pipe.multi()  # type: ignore[no-untyped-call]  # unannotated in redis-py
            pipe.delete(*doomed)

        await self._redis.transaction(delete, installers, *([index] if index else []))
        self._logger.debug("deleted installations enterprise=%s team=%s bot=%s", e, t, with_bot)

    async def _load(self, key: str) -> Record | None:
        raw = await self._redis.get(key)
        return None if raw is None else self._open(raw, key)

    def _seal(self, record: Record) -> bytes:
        secrets = {name: record[name] for name in SECRET_FIELDS if record.get(name) is not None}
        sealed = self._fernet.encrypt(json.dumps(secrets).encode()).decode()
        return json.dumps({"fields": _without(record, SECRET_FIELDS), "sealed": sealed}).encode()

    def _open(self, raw: bytes | str, key: str) -> Record:
        stored = json.loads(raw)
        try:
            secrets = json.loads(self._fernet.decrypt(stored["sealed"]))
        except InvalidToken as exc:
            raise InstallationDecryptError(
                f"cannot decrypt {key}: ENCRYPTION_KEY is not the key it was saved with"
            ) from exc
        record: Record = {**stored["fields"], **secrets}
        return record


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
