"""With Redis unreachable the bot still answers: fast, honest, and with nothing half-done."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from pytest_aiohttp import AiohttpServer

from bot.app import build, close, create_web_app
from bot.config import Settings
from bot.sandbox.slack.payloads import global_shortcut_payload, view_submission_payload
from bot.slack.views import START_MEETING_CALLBACK_ID
from tests.plugins.bot import RunningBot, bot_env
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack
from tests.test_shortcuts_and_home import modal_values


@pytest.fixture
async def bot_without_redis(
    aiohttp_server: AiohttpServer, emulator: EmulatorHandle, slack_api: FakeSlack
) -> AsyncIterator[RunningBot]:
    port = unused_port()
    nothing_listens = f"redis://127.0.0.1:{unused_port()}/0"
    settings = Settings.from_env(bot_env(emulator, slack_api, nothing_listens, port))
    async with aiohttp.ClientSession() as http:
        components = await build(settings, http=http)
        await aiohttp_server(create_web_app(components), port=port)
        yield RunningBot(f"http://127.0.0.1:{port}", components, slack_api, emulator, http)
        await close(components, own_http=False, own_redis=True)


async def test_meet_says_temporarily_unavailable_within_three_seconds(
    bot_without_redis: RunningBot,
) -> None:
    reply = await bot_without_redis.command("Standup")
    assert reply.status == 200
    assert reply.body is not None and reply.body["response_type"] == "ephemeral"
    assert "temporarily unavailable" in reply.text
    assert reply.elapsed < 3.0
    assert not bot_without_redis.emulator.state.rooms, "nothing half-done"
    assert not bot_without_redis.slack.state.calls


async def test_readiness_turns_503(bot_without_redis: RunningBot) -> None:
    async with bot_without_redis.http.get(f"{bot_without_redis.url}/readyz") as resp:
        assert resp.status == 503
        assert (await resp.json())["redis"] == "unreachable"
    async with bot_without_redis.http.get(f"{bot_without_redis.url}/healthz") as resp:
        assert resp.status == 200


async def test_modal_submission_keeps_the_modal_open_with_the_reason(
    bot_without_redis: RunningBot,
) -> None:
    reply = await bot_without_redis.interact(
        view_submission_payload(START_MEETING_CALLBACK_ID, modal_values("Planning"))
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert "temporarily unavailable" in str(reply.body["errors"])


async def test_shortcuts_still_open_the_modal(bot_without_redis: RunningBot) -> None:
    await bot_without_redis.interact(global_shortcut_payload("start_meeting"))
    await bot_without_redis.slack.state.wait_for("views.open", timeout=5)
