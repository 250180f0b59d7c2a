"""The retention policy: with NOTES_RETENTION_DAYS and RECORDING_RETENTION_DAYS set, the worker
deletes transcripts, summaries and recordings at Daily that many days after they were ready and
edits their thread replies to say so: once, however many sweeps or replicas run, and after a
restart. Off by default: then nothing is ever scheduled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import unused_port
from meetbot_sandbox.meetings import MutableClock
from pytest_aiohttp import AiohttpServer

from bot.app import notes_parts
from bot.storage.keys import Keys
from tests.notes_helpers import (
    blocks_text,
    daily_of,
    notes_meeting,
    only_job,
    reply_posted,
    reply_updated,
    settled,
)
from tests.plugins.bot import CREATOR, GENERAL
from tests.plugins.daily import running_daily
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.providers import DailyRooms, ProviderBot, _running, daily_env
from tests.plugins.slack import FakeSlack

RETENTION = {
    "NOTES_RETENTION_DAYS": "1",
    "RECORDING_RETENTION_DAYS": "2",
    "RECONCILE_INTERVAL_SECONDS": "1",
}


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    """The bot, Daily and the fake Slack's notion of "now" move together (days pass at once)."""
    return emulator_clock


@contextlib.asynccontextmanager
async def retention_bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    clock: MutableClock,
    port: int,
    **env: str,
) -> AsyncIterator[ProviderBot]:
    async with running_daily(aiohttp_server, clock=clock, signing_clock=clock) as daily:
        settings_env = daily_env(emulator, daily, slack_api, redis_url, port) | env
        await daily.control.set_webhook(f"http://127.0.0.1:{port}/callbacks/daily")
        rooms = DailyRooms(daily, slack_api.state, redis_url)
        async with _running(
            settings_env, port, rooms, aiohttp_server, emulator, slack_api, clock
        ) as bot:
            yield bot


@pytest.fixture
async def kept_bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: object,
    bot_clock: MutableClock,
) -> AsyncIterator[ProviderBot]:
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    async with retention_bot(
        aiohttp_server, emulator, slack_api, redis_url, bot_clock, unused_port(), **RETENTION
    ) as bot:
        yield bot


async def locks_expire(redis: aioredis.Redis) -> None:
    """What a lock's TTL does after the worker holding it was killed mid-sweep (the tests'
    workers stop without grace), without waiting minutes for it."""
    stale = [key async for key in redis.scan_iter(match=Keys().lock("*"))]
    if stale:
        await redis.delete(*stale)


async def wait_until(check: Callable[[], bool]) -> None:
    """Daily's state, which no event announces, polled for up to 15 s."""
    for _ in range(300):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_notes_are_removed_after_their_days_and_the_reply_says_so(
    kept_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = kept_bot
    daily = daily_of(bot)
    card, session = await notes_meeting(bot)
    transcript_id = await daily.control.transcript_ready(session)
    reply = await reply_posted(bot, card)
    job_id = (await only_job(bot))["id"]
    await daily.control.summary_ready(job_id)
    await reply_updated(bot, str(reply.response["ts"]), "Key points")
    await settled(bot)
    assert transcript_id in daily.state.transcripts, "not yet: a day has not passed"

    bot_clock.advance(minutes=24 * 60 + 5)
    removed = await reply_updated(bot, str(reply.response["ts"]), "retention policy")
    assert "Key points" not in blocks_text(removed)
    await wait_until(lambda: transcript_id not in daily.state.transcripts)
    assert job_id not in daily.state.jobs
    assert all(f.deleted for f in bot.slack.state.files.values())

    await asyncio.sleep(2.5)  # more sweeps run: nothing happens twice
    await settled(bot)
    assert len(bot.slack.state.calls_to("files.delete")) == 1
    edits = [
        c for c in bot.slack.state.calls_to("chat.update") if "retention policy" in blocks_text(c)
    ]
    assert len(edits) == 1


async def test_a_recording_is_removed_after_its_days(
    kept_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = kept_bot
    daily = daily_of(bot)
    from tests.test_lifecycle_card import start_on

    card = await start_on(bot, "Demo --record")
    session = await bot.rooms.start_session(card.room_id)
    recording_id = await bot.rooms.start_recording(session)
    await bot.rooms.end_session(session)
    await bot.rooms.recording_ready(recording_id)
    reply = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("thread_ts") == card.ts and "recording" in c.params["text"],
        timeout=15,
    )
    await settled(bot)
    bot_clock.advance(minutes=24 * 60 + 5)
    await asyncio.sleep(1.5)
    assert recording_id in daily.state.recordings, "two days for recordings, not one"

    bot_clock.advance(minutes=24 * 60)
    removed = await reply_updated(bot, str(reply.response["ts"]), "retention policy")
    assert "recording" in blocks_text(removed)
    await wait_until(lambda: recording_id not in daily.state.recordings)
    await settled(bot)
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and [r.status for r in meeting.recordings] == ["removed"]


async def test_two_sweeps_at_once_remove_once(
    kept_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    """Replicas' sweeps race for the same due deletion: the lock lets one make it."""
    bot = kept_bot
    card, session = await notes_meeting(bot)
    await daily_of(bot).control.transcript_ready(session)
    await reply_posted(bot, card)
    await settled(bot)
    await bot.stop_worker()  # the sweeps below are the only ones
    await locks_expire(bot.components.redis)
    bot_clock.advance(minutes=24 * 60 + 5)
    (_, first), (_, second) = notes_parts(bot.components), notes_parts(bot.components)
    done = await asyncio.gather(first.sweep(), second.sweep())
    assert sorted(done) == [0, 1]
    assert len(bot.slack.state.calls_to("files.delete")) == 1


async def test_due_deletions_survive_a_restart(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: aioredis.Redis,
    bot_clock: MutableClock,
) -> None:
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    port = unused_port()
    async with retention_bot(
        aiohttp_server, emulator, slack_api, redis_url, bot_clock, port, **RETENTION
    ) as bot:
        card, session = await notes_meeting(bot)
        transcript_id = await daily_of(bot).control.transcript_ready(session)
        reply = await reply_posted(bot, card)
        await settled(bot)
        daily_state = daily_of(bot).state
    # Down for the day the deletion falls due; a new process finds it waiting in Redis.
    bot_clock.advance(minutes=24 * 60 + 5)
    assert transcript_id in daily_state.transcripts
    assert await redis.zcard(Keys().prefix + ":retention-due") == 1
    await locks_expire(redis)
    async with retention_bot(
        aiohttp_server, emulator, slack_api, redis_url, bot_clock, unused_port(), **RETENTION
    ) as bot:
        await reply_updated(bot, str(reply.response["ts"]), "retention policy")


async def test_without_a_policy_nothing_is_scheduled(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    if bot.rooms.name != "daily":
        return
    card, session = await notes_meeting(bot)
    await daily_of(bot).control.transcript_ready(session)
    await reply_posted(bot, card)
    await settled(bot)
    keys = bot.components.store.keys
    assert await bot.components.redis.zcard(f"{keys.prefix}:retention-due") == 0
