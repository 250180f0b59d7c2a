"""The Daily client under the emulator's injected faults (meetbot_sandbox.faults): what it waits
out, what it retries, what it hands up, and how a repeated room creation stays one room.

POST /rooms is not blindly retried: a 500, a dropped connection or a timeout may have created
the room, so the client raises. Repeating it (the job layer does) is safe because the room's
name is derived from our meeting id: the repeat meets "already exists" and adopts the room.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from aiohttp.test_utils import unused_port

from bot.domain.rooms import RoomRequest
from bot.errors import (
    ProviderConnectionError,
    ProviderServerError,
    ProviderTimeout,
    RateLimitedError,
    user_message,
)
from bot.providers.daily.client import DailyClient
from bot.providers.daily.provider import DailyProvider, room_name
from bot.providers.http.retry import RetryPolicy
from tests.plugins.daily import DailyHandle
from tests.plugins.meetings import RecordedSleeps

NOT_ANSWERING = "The video provider is not answering right now"
OVER_ALLOWANCE = "used up the video provider's request allowance"


def now() -> datetime:
    return datetime.now(UTC)


async def test_429_waits_as_retry_after_says_on_reads_and_creates(
    daily_provider: DailyProvider, daily: DailyHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await daily.control.set_fault(method="POST", path="/rooms", status=429, retry_after=3)
    room = await daily_provider.create_room(RoomRequest("Q4", metadata="m-1"))
    await daily.control.set_fault(path="/rooms/*", status=429, retry_after=2, times=2)
    assert (await daily_provider.get_room(room.id)).id == room.id
    assert recorded_sleeps.delays == [3.0, 2.0, 2.0] and len(daily.state.rooms) == 1
    await daily.control.set_fault(path="/rooms/*", status=429, retry_after=2, times=None)
    with pytest.raises(RateLimitedError) as caught:
        await daily_provider.get_room(room.id)
    assert caught.value.retry_after == 2 and OVER_ALLOWANCE in user_message(caught.value)


async def test_5xx_is_retried_on_reads_and_on_a_create_only_when_refused_unprocessed(
    daily_provider: DailyProvider, daily: DailyHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await daily.control.set_fault(method="POST", path="/rooms", status=503, retry_after=1)
    room = await daily_provider.create_room(RoomRequest("Q4", metadata="m-1"))
    assert recorded_sleeps.delays == [1.0]  # 503 says "not processed": safe to repeat

    await daily.control.set_fault(method="GET", path="/rooms/*", status=500)
    assert (await daily_provider.get_room(room.id)).id == room.id
    assert len(recorded_sleeps.delays) == 2

    await daily.control.set_fault(method="POST", path="/rooms", status=500)
    with pytest.raises(ProviderServerError):
        await daily_provider.create_room(RoomRequest("Standup", metadata="m-2"))
    assert len(recorded_sleeps.delays) == 2, "a 500 on POST /rooms is handed up, not repeated"
    again = await daily_provider.create_room(RoomRequest("Standup", metadata="m-2"))
    assert again.id == room_name(b"key", "m-2") and len(daily.state.rooms) == 2


async def test_a_dropped_connection_is_retried_on_reads_and_handed_up_on_creates(
    daily_provider: DailyProvider, daily: DailyHandle, recorded_sleeps: RecordedSleeps
) -> None:
    room = await daily_provider.create_room(RoomRequest("Q4", metadata="m-1"))
    await daily.control.set_fault(method="GET", path="/rooms/*", drop=True)
    # Repeated by aiohttp itself (an idempotent request on a reused connection) or by ours.
    assert (await daily_provider.get_room(room.id)).id == room.id
    waited = len(recorded_sleeps.delays)
    await daily.control.set_fault(method="POST", path="/rooms", drop=True)
    with pytest.raises(ProviderServerError, match="connection lost"):
        await daily_provider.create_room(RoomRequest("Standup", metadata="m-2"))
    assert len(recorded_sleeps.delays) == waited and len(daily.state.rooms) == 1


@pytest.fixture
async def impatient(
    daily: DailyHandle, recorded_sleeps: RecordedSleeps
) -> AsyncIterator[DailyProvider]:
    """A provider whose client gives up after 0.2 s (the emulator is told to take 1 s)."""
    async with aiohttp.ClientSession() as session:
        client = DailyClient(
            session,
            base_url=daily.base_url,
            api_key=daily.api_key,
            retry=RetryPolicy(max_attempts=2, random=lambda: 0.5),
            sleep=recorded_sleeps,
            timeout=aiohttp.ClientTimeout(total=0.2),
        )
        yield DailyProvider(client, name_key=b"key", clock=now)


async def test_a_create_whose_answer_never_came_is_adopted_when_repeated(
    impatient: DailyProvider,
    daily_provider: DailyProvider,
    daily: DailyHandle,
    recorded_sleeps: RecordedSleeps,
) -> None:
    await daily.control.set_fault(method="POST", path="/rooms", delay_ms=1000, times=1)
    with pytest.raises(ProviderTimeout) as caught:
        await impatient.create_room(RoomRequest("Q4", metadata="m-1"))
    assert recorded_sleeps.delays == [] and NOT_ANSWERING in user_message(caught.value)
    # The emulator still makes the room nobody heard about. The job layer's repeat (held back
    # here so that it lands after that) meets "already exists" and adopts it.
    await daily.control.set_fault(method="POST", path="/rooms", delay_ms=1500, times=1)
    room = await daily_provider.create_room(RoomRequest("Q4", metadata="m-1"))
    assert room.id == room_name(b"key", "m-1") and len(daily.state.rooms) == 1
    assert "?t=" in room.host_url, "the adopted room comes with fresh links"


async def test_reads_that_time_out_are_retried_then_raise_provider_timeout(
    impatient: DailyProvider, daily: DailyHandle, recorded_sleeps: RecordedSleeps
) -> None:
    await daily.control.set_fault(method="GET", path="/rooms/*", delay_ms=1000, times=2)
    with pytest.raises(ProviderTimeout):
        await impatient.get_room("mb-any")
    assert len(recorded_sleeps.delays) == 1


async def test_connection_refused_is_retried_even_for_creates_then_raised(
    recorded_sleeps: RecordedSleeps,
) -> None:
    async with aiohttp.ClientSession() as session:
        client = DailyClient(
            session,
            base_url=f"http://127.0.0.1:{unused_port()}/v1",
            api_key="k",
            retry=RetryPolicy(max_attempts=3, random=lambda: 0.5),
            sleep=recorded_sleeps,
        )
        provider = DailyProvider(client, name_key=b"key", clock=now)
        with pytest.raises(ProviderConnectionError) as caught:
            await provider.create_room(RoomRequest("Q4", metadata="m-1"))
    # Never reached the server, so certainly not processed: repeating is safe.
    assert len(recorded_sleeps.delays) == 2 and NOT_ANSWERING in user_message(caught.value)
