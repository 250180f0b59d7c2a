"""The bot in multi-workspace (OAuth) mode, and installing it the way Slack does.

Not registered in conftest: a test module imports `oauth_bot` (a fixture) and the helpers.
`install` runs the whole OAuth flow through the bot's own routes against the fake Slack's
oauth.v2.access, for a workspace, a Grid workspace or a whole org (org-wide), with or without
token rotation, so what ends up in Redis is what Bolt saves from Slack's answer.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from cryptography.fernet import Fernet
from meetbot_sandbox.slack import Workspace as FakeWorkspace
from pytest_aiohttp import AiohttpServer
from yarl import URL

from bot.app import build, close, create_web_app
from bot.config import Settings
from bot.slack.installations import RedisInstallationStore
from tests.plugins.bot import GENERAL, RunningBot, bot_env
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack

CLIENT_ID, CLIENT_SECRET = "1111.2222", "oauth-client-secret"
_codes = itertools.count(1)


@dataclass(frozen=True)
class Installed:
    """An installation as Slack knows it: a workspace (in an org), or an org (org-wide)."""

    team_id: str
    enterprise_id: str | None = None
    org_wide: bool = False
    bot_user_id: str = "U0FAKEBOT"

    def workspace(self) -> FakeWorkspace:
        """What the fake Slack's oauth.v2.access answers for it."""
        return FakeWorkspace(
            team_id=self.team_id,
            team_name=f"Workspace {self.team_id}",
            enterprise_id=self.enterprise_id,
            enterprise_name=f"Org {self.enterprise_id}" if self.enterprise_id else None,
            bot_user_id=self.bot_user_id,
        )


@pytest.fixture
async def oauth_bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: Any,
) -> AsyncIterator[RunningBot]:
    """Web role and worker in OAuth mode; nothing installed yet."""
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


async def install(
    bot: RunningBot,
    code: str | None = None,
    workspace: FakeWorkspace | None = None,
    *,
    org_wide: bool = False,
    rotating: bool = False,
    installer: str = "U0ALICE",
) -> str:
    """Install meetbot as an admin would (browser → Slack → back); returns the bot token."""
    code = code or f"code-{next(_codes)}"
    token = bot.slack.state.add_oauth_code(
        code,
        workspace,
        installer_user_id=installer,
        is_enterprise_install=org_wide,
        rotating=rotating,
    )
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


def installation_store(bot: RunningBot) -> RedisInstallationStore:
    """The bot's own installation store (same Redis, key and client id)."""
    settings = bot.components.settings
    assert settings.encryption_key is not None
    return RedisInstallationStore(
        bot.components.redis, fernet_key=settings.encryption_key, client_id=settings.slack_client_id
    )


async def install_as(bot: RunningBot, installed: Installed, *, rotating: bool = False) -> str:
    """`install` for an `Installed`; returns the bot token."""
    return await install(
        bot, workspace=installed.workspace(), org_wide=installed.org_wide, rotating=rotating
    )
