"""The running bot (web role and in-process worker, tests/plugins/bot.py) with settings of the
reliability tests' own: another Redis, a shorter reconcile interval."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
from aiohttp.test_utils import unused_port
from pytest_aiohttp import AiohttpServer

from bot.app import build, close, create_web_app
from bot.config import Settings
from tests.plugins.bot import CREATOR, GENERAL, RunningBot, bot_env
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack


@contextlib.asynccontextmanager
async def running_bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    **env: str,
) -> AsyncIterator[RunningBot]:
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    port = unused_port()
    settings = Settings.from_env({**bot_env(emulator, slack_api, redis_url, port), **env})
    async with aiohttp.ClientSession() as http:
        components = await build(settings, http=http)
        await aiohttp_server(create_web_app(components), port=port)
        bot = RunningBot(f"http://127.0.0.1:{port}", components, slack_api, emulator, http)
        bot.start_worker()
        try:
            yield bot
        finally:
            await bot.stop_worker()
            await close(components, own_http=False, own_redis=True)
