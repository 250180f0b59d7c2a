"""10 % of the provider's callbacks lost (an end, a start, a join): the reconcile sweep still
brings every card to "Ended" within its interval."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.signing import new_trigger_id
from pytest_aiohttp import AiohttpServer

from tests.job_wait import finished
from tests.plugins.bot import GENERAL, RunningBot
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack
from tests.reliability.harness import running_bot

ROOMS = 10
INTERVAL = 2  # seconds between sweeps (RECONCILE_INTERVAL_SECONDS; 60 by default)
DROPPED = {2, 12, 22}  # of the 30 callbacks: room 0's end, room 4's start, room 7's join


@pytest.fixture
async def bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: Any,
) -> AsyncIterator[RunningBot]:
    env = {"RECONCILE_INTERVAL_SECONDS": str(INTERVAL)}
    async with running_bot(aiohttp_server, emulator, slack_api, redis_url, **env) as running:
        yield running


async def start(bot: RunningBot, title: str) -> tuple[str, str]:
    """/meet; the room id and the card's ts once the job is done."""
    trigger_id = new_trigger_id()
    await bot.command(title, trigger_id=trigger_id)
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    room = next(r for r in bot.emulator.state.rooms.values() if r.display_name == title)
    meeting = await bot.components.store.records.get(str(room.metadata))
    assert meeting is not None and meeting.card_ts is not None
    return room.id, meeting.card_ts


async def test_every_card_ends_within_the_sweep_interval(bot: RunningBot) -> None:
    control, state = bot.emulator.control, bot.slack.state
    started = [await start(bot, f"Lossy-{i:02d}") for i in range(ROOMS)]
    seq = iter(range(3 * ROOMS))
    sessions = []
    for room_id, _ in started:
        session = await control.start_session(room_id, callback=next(seq) not in DROPPED)
        await control.join(session, "Ana", is_host=True, callback=next(seq) not in DROPPED)
        sessions.append(session)
    bot.emulator.clock.advance(minutes=30)
    for session in sessions:
        await control.end_session(session, callback=next(seq) not in DROPPED)
    loop = asyncio.get_running_loop()
    last_event = loop.time()

    for _, ts in started:

        def ended(call: ApiCall, ts: str = ts) -> bool:
            return call.ok and call.params.get("ts") == ts and "Ended" in json.dumps(call.params)

        await state.wait_for("chat.update", ended, timeout=4 * INTERVAL + 10)
    settled_in = loop.time() - last_event
    for _, ts in started:
        assert "Ended" in json.dumps(state.message(GENERAL, ts).blocks), "as people see it now"
    # One sweep interval, plus the 2-second card coalescing and a sweep already under way.
    assert settled_in < 2 * INTERVAL + 2 + 2, (
        f"all cards ended {settled_in:.1f} s after the last event"
    )
