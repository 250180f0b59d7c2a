"""Multi-workspace mode through our own app: install, use, uninstall — tokens only ever encrypted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import unused_port
from cryptography.fernet import Fernet
from meetbot_sandbox.slack.payloads import app_uninstalled_event
from pytest_aiohttp import AiohttpServer
from yarl import URL

from bot.app import build, close, create_web_app
from bot.config import Settings
from tests.plugins.bot import GENERAL, RunningBot, bot_env
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack

CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"


@pytest.fixture
async def oauth_bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: Any,
) -> AsyncIterator[RunningBot]:
    slack_api.state.client_id, slack_api.state.client_secret = CLIENT_ID, CLIENT_SECRET
    slack_api.state.add_channel(GENERAL, "general")
    port = unused_port()
    env = bot_env(emulator, slack_api, redis_url, port)
    del env["SLACK_BOT_TOKEN"]
    env |= {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    async with aiohttp.ClientSession() as http:
        components = await build(Settings.from_env(env), http=http)
        await aiohttp_server(create_web_app(components), port=port)
        bot = RunningBot(f"http://127.0.0.1:{port}", components, slack_api, emulator, http)
        bot.start_worker()
        yield bot
        await bot.stop_worker()
        await close(components, own_http=False, own_redis=True)


async def install(bot: RunningBot, code: str) -> str:
    token = bot.slack.state.add_oauth_code(code, installer_user_id="U0ALICE")
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{bot.url}/slack/install", allow_redirects=False) as resp:
            assert resp.status == 302
            state = URL(resp.headers["Location"]).query["state"]
        # Bolt's state cookie is `Secure`; a browser on https would send it back, so do we.
        async with browser.get(
            f"{bot.url}/slack/oauth_redirect",
            params={"code": code, "state": state},
            headers={"Cookie": f"slack-app-oauth-state={state}"},
        ) as resp:
            assert resp.status == 200
            assert "xox" not in await resp.text()
    return token


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
