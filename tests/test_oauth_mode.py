"""Multi-workspace mode through our own app: install, use, uninstall — tokens only ever encrypted."""

from __future__ import annotations

import redis.asyncio as aioredis
from meetbot_sandbox.slack.payloads import app_uninstalled_event

from tests.plugins.bot import GENERAL, RunningBot
from tests.plugins.installs import CLIENT_SECRET, install, oauth_bot

__all__ = ["CLIENT_SECRET", "install", "oauth_bot"]  # tests/test_security_oauth.py uses them


async def test_an_installed_workspace_gets_cards_posted_with_its_own_token(
    oauth_bot: RunningBot, redis: aioredis.Redis
) -> None:
    token = await install(oauth_bot, "code-1")
    stored = [
        await redis.get(k)
        for k in await redis.keys("meetbot:*")
        if await redis.type(k) == b"string"
    ]
    assert all(token not in str(value) for value in stored), "stored tokens are encrypted"

    await oauth_bot.command("After install")
    card = await oauth_bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )
    assert card.token == token


async def test_uninstalling_forgets_the_workspace(
    oauth_bot: RunningBot, redis: aioredis.Redis
) -> None:
    await install(oauth_bot, "code-2")
    assert await redis.keys("meetbot:*bot:*")
    reply = await oauth_bot.event(app_uninstalled_event())
    assert reply.status == 200
    assert not await redis.keys("meetbot:*bot:*")
    assert not await redis.keys("meetbot:*install:*")
