"""Redis killed and restarted under a running bot: during the outage /meet answers "temporarily
unavailable" at once; after it the bot serves again within seconds, and every command it
acknowledged gets exactly one room, card and host DM."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from meetbot_sandbox.slack.models import ApiCall
from pytest_aiohttp import AiohttpServer

from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack
from tests.reliability.harness import running_bot
from tests.reliability.own_redis import OwnRedis


@pytest.fixture
async def own_redis(tmp_path: Path) -> AsyncIterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    await server.start()
    yield server
    await server.kill()


@pytest.fixture
async def bot_on_own_redis(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    own_redis: OwnRedis,
) -> AsyncIterator[RunningBot]:
    async with running_bot(aiohttp_server, emulator, slack_api, own_redis.url) as bot:
        yield bot


def count(calls: list[ApiCall], channel: str, titles: set[str]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for call in calls:
        if call.ok and call.params.get("channel") == channel:
            seen.update(t for t in titles if t in json.dumps(call.params))
    return seen


async def test_redis_restarted_mid_load_loses_and_repeats_nothing(
    bot_on_own_redis: RunningBot, own_redis: OwnRedis
) -> None:
    bot, state = bot_on_own_redis, bot_on_own_redis.slack.state
    acknowledged: set[str] = set()
    for i in range(3):
        reply = await bot.command(f"Before-{i:03d}")
        assert reply.status == 200 and "unavailable" not in reply.text
        acknowledged.add(f"Before-{i:03d}")

    await own_redis.kill()
    for i in range(3):
        reply = await bot.command(f"During-{i:03d}")
        assert reply.status == 200 and reply.body is not None
        assert reply.body["response_type"] == "ephemeral"
        assert "temporarily unavailable" in reply.text
        assert reply.elapsed < 3.0, f"answered in {reply.elapsed:.2f} s"

    await own_redis.start()
    loop = asyncio.get_running_loop()
    back, i = loop.time(), 0
    while True:  # keep trying as a user would; every accepted command must then complete
        reply = await bot.command(f"After-{i:03d}")
        if "unavailable" not in reply.text:
            acknowledged.add(f"After-{i:03d}")
            break
        i += 1
        assert loop.time() - back < 5, "serving again within 5 s of Redis"
        await asyncio.sleep(0.1)  # a person retrying, not a test waiting for an event
    for j in range(i + 1, i + 4):
        assert "unavailable" not in (await bot.command(f"After-{j:03d}")).text
        acknowledged.add(f"After-{j:03d}")

    dm = state.dm_channel(CREATOR).id

    def all_done(_: ApiCall) -> bool:
        posted = state.calls_to("chat.postMessage")
        return (
            count(posted, GENERAL, acknowledged)
            == count(posted, dm, acknowledged)
            == Counter(acknowledged)
        )

    await state.wait_for("chat.postMessage", all_done, timeout=30)
    rooms = Counter(r.display_name for r in bot.emulator.state.rooms.values())
    assert rooms == Counter(acknowledged), "one room per acknowledged command, none for refused"
