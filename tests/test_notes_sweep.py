"""Webhooks Daily never delivered: the reconcile sweep finds the ended meeting's transcript, and
a summary that finished unannounced, and the thread gets its one reply all the same."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from aiohttp.test_utils import unused_port
from meetbot_sandbox.meetings import MutableClock
from pytest_aiohttp import AiohttpServer

from tests.notes_helpers import (
    blocks_text,
    daily_of,
    notes_meeting,
    only_job,
    replies,
)
from tests.plugins.bot import CREATOR, GENERAL
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.providers import ProviderBot
from tests.plugins.slack import FakeSlack
from tests.test_notes_retention import retention_bot


@pytest.fixture
async def swept_bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: object,
    emulator_clock: MutableClock,
) -> AsyncIterator[ProviderBot]:
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    async with retention_bot(
        aiohttp_server,
        emulator,
        slack_api,
        redis_url,
        emulator_clock,
        unused_port(),
        RECONCILE_INTERVAL_SECONDS="1",
    ) as bot:
        yield bot


async def test_the_sweep_finds_a_transcript_and_a_summary_nobody_announced(
    swept_bot: ProviderBot, emulator_clock: MutableClock
) -> None:
    bot = swept_bot
    daily = daily_of(bot)
    card, session = await notes_meeting(bot)
    await daily.control.transcript_ready(session, webhook=False)

    await time_passes(bot, emulator_clock, lambda: bool(replies(bot, card)))
    (reply,) = replies(bot, card)
    assert "Summary on its way" in blocks_text(reply)
    await daily.control.summary_ready((await only_job(bot))["id"], webhook=False)
    await time_passes(bot, emulator_clock, lambda: edited(bot, str(reply.response["ts"])))
    assert replies(bot, card) == [reply]


def edited(bot: ProviderBot, ts: str) -> bool:
    return any(
        c.ok and c.params.get("ts") == ts and "Key points" in blocks_text(c)
        for c in bot.slack.state.calls_to("chat.update")
    )


async def time_passes(bot: ProviderBot, clock: MutableClock, until: Callable[[], bool]) -> None:
    """A minute at a time (the sweep looks at a meeting when its next check is due), until."""
    for _ in range(60):
        if until():
            return
        clock.advance(minutes=1)
        await asyncio.sleep(0.5)
    raise AssertionError("the sweep never caught up")
