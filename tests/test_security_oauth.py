"""OAuth mode through the running bot: an install's state works once, expires, and belongs to the
browser that started it; the tokens it yields are only ever stored encrypted."""

from __future__ import annotations

import re
import time

import aiohttp
import redis.asyncio as aioredis
from cryptography.fernet import Fernet
from yarl import URL

from bot.slack.installations import RedisInstallationStore
from bot.storage.keys import Keys
from tests.plugins.bot import RunningBot
from tests.test_oauth_mode import CLIENT_SECRET, install, oauth_bot  # noqa: F401 - fixture

COOKIE = "slack-app-oauth-state"


async def begin(bot: RunningBot, browser: aiohttp.ClientSession) -> str:
    async with browser.get(f"{bot.url}/slack/install", allow_redirects=False) as resp:
        assert resp.status == 302
        return URL(resp.headers["Location"]).query["state"]


async def come_back(
    bot: RunningBot, browser: aiohttp.ClientSession, state: str, code: str, cookie: str | None
) -> tuple[int, str]:
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    async with browser.get(
        f"{bot.url}/slack/oauth_redirect",
        params={"code": code, "state": state},
        headers=headers,
    ) as resp:
        return resp.status, await resp.text()


def exchanges(bot: RunningBot) -> int:
    return len(bot.slack.state.calls_to("oauth.v2.access"))


async def installed_token(bot: RunningBot) -> str | None:
    settings = bot.components.settings
    assert settings.encryption_key is not None
    store = RedisInstallationStore(
        bot.components.redis, fernet_key=settings.encryption_key, client_id=settings.slack_client_id
    )
    found = await store.async_find_bot(enterprise_id=None, team_id="T0FAKE001")
    return found.bot_token if found is not None else None


async def test_a_state_is_accepted_once(oauth_bot: RunningBot) -> None:  # noqa: F811
    bot = oauth_bot
    first_token = bot.slack.state.add_oauth_code("code-a", installer_user_id="U0ALICE")
    bot.slack.state.add_oauth_code("code-b", installer_user_id="U0MALLORY")
    async with aiohttp.ClientSession() as browser:
        state = await begin(bot, browser)
        status, _ = await come_back(bot, browser, state, "code-a", state)
        assert status == 200
        again, page = await come_back(bot, browser, state, "code-b", state)

    assert 400 <= again < 500, page
    assert exchanges(bot) == 1, "the reused state never reached Slack"
    assert await installed_token(bot) == first_token, "the first install stands"


async def test_an_expired_state_is_refused(oauth_bot: RunningBot, redis: aioredis.Redis) -> None:  # noqa: F811
    bot = oauth_bot
    bot.slack.state.add_oauth_code("code-late")
    async with aiohttp.ClientSession() as browser:
        state = await begin(bot, browser)
        # Move Redis' deadline into the past rather than sleeping through the 10 minutes.
        await redis.pexpireat(Keys().oauth_state(state), int(time.time() * 1000) - 1)
        status, page = await come_back(bot, browser, state, "code-late", state)

    assert 400 <= status < 500, page
    assert exchanges(bot) == 0
    assert await installed_token(bot) is None


async def test_a_foreign_or_made_up_state_is_refused(oauth_bot: RunningBot) -> None:  # noqa: F811
    bot = oauth_bot
    bot.slack.state.add_oauth_code("code-x")
    async with aiohttp.ClientSession() as victim, aiohttp.ClientSession() as attacker:
        victims_state = await begin(bot, victim)
        attackers_state = await begin(bot, attacker)
        # The attacker's redirect with the victim's state (but the attacker's own cookie).
        crossed, _ = await come_back(bot, attacker, victims_state, "code-x", attackers_state)
        # A state nobody issued, with a cookie to match.
        made_up, _ = await come_back(bot, attacker, "forged-state", "code-x", "forged-state")
        # The victim's state without any cookie (a link sent to someone else).
        no_cookie, _ = await come_back(bot, attacker, victims_state, "code-x", None)

    assert all(400 <= s < 500 for s in (crossed, made_up, no_cookie)), (crossed, made_up, no_cookie)
    assert exchanges(bot) == 0
    assert await installed_token(bot) is None


async def test_stored_tokens_are_encrypted_at_rest(
    oauth_bot: RunningBot,  # noqa: F811
    redis: aioredis.Redis,
) -> None:
    token = await install(oauth_bot, "code-rest")
    dumped: list[str] = []
    for key in await redis.keys("*"):
        kind = await redis.type(key)
        if kind == b"string":
            dumped.append(repr(await redis.get(key)))
        elif kind == b"hash":
            dumped.append(repr(await redis.hgetall(key)))
        elif kind == b"set":
            dumped.append(repr(await redis.smembers(key)))
        elif kind == b"zset":
            dumped.append(repr(await redis.zrange(key, 0, -1)))
        elif kind == b"list":
            dumped.append(repr(await redis.lrange(key, 0, -1)))
        dumped.append(repr(key))
    everything = "\n".join(dumped)
    assert token not in everything, "no bot token in clear, under any key or type"
    assert CLIENT_SECRET not in everything
    assert oauth_bot.components.settings.slack_signing_secret not in everything

    # ...yet it is there, sealed with ENCRYPTION_KEY: the bot can act for the workspace.
    fernet_key = oauth_bot.components.settings.encryption_key
    assert fernet_key is not None
    sealed = re.findall(r"gAAAA[A-Za-z0-9_=-]+", everything)
    opened = [Fernet(fernet_key).decrypt(blob).decode() for blob in sealed]
    assert any(token in plain for plain in opened)
