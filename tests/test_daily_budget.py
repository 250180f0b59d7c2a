"""The provider account's request budget, shared through Redis by every replica: a burst waits
its turn instead of collecting 429s, lower per-endpoint limits hold, a 429 is still waited out,
and the Meetings client spends its own budget the same way. Waits are recorded, not slept,
except where the emulator's real limits are the thing under test."""

from __future__ import annotations

import asyncio
import base64
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
import redis.asyncio as aioredis
from meetbot_sandbox.daily import API_PREFIX, STATE_KEY, DailyState
from meetbot_sandbox.daily.app import create_daily_emulator
from meetbot_sandbox.faults import Fault
from pytest_aiohttp import AiohttpServer

from bot.config import Settings
from bot.domain.clock import utc_now
from bot.domain.rooms import RoomRequest
from bot.errors import RateLimitedError
from bot.providers.build import build_provider
from bot.providers.daily.client import DAILY_LIMITS, DailyClient
from bot.providers.http.budget import HEADROOM, Limits, Rate, RedisBudget, Rule
from bot.providers.http.retry import NO_RETRY, RetryPolicy
from bot.providers.meetings.auth import TokenCache
from bot.providers.meetings.bodies import CreateRoom
from bot.providers.meetings.client import MeetingsClient
from bot.storage.keys import Keys
from bot.storage.redis import connect_redis
from tests.plugins.bot import bot_env
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.meetings import RecordedSleeps
from tests.plugins.slack import FakeSlack

SLOW = Limits(
    overall=Rate(1, 10.0), rules=(Rule("deletes", "DELETE", r"/rooms/.+", Rate(1, 60.0)),)
)


def budget(redis: aioredis.Redis, sleeps: RecordedSleeps, limits: Limits = SLOW,
           **kwargs: float) -> RedisBudget:  # fmt: skip
    return RedisBudget(redis, keys=Keys(), provider="daily", account="acct", limits=limits,
                       sleep=sleeps, **kwargs)  # fmt: skip


def test_daily_s_published_limits_pick_the_buckets_of_each_request() -> None:
    interval = 1 / 20 / HEADROOM
    assert DAILY_LIMITS.buckets("POST", "/rooms") == [("all", interval)]
    assert DAILY_LIMITS.buckets("GET", "/rooms/mb-x") == [("all", interval)]
    lower = 30 / 50 / HEADROOM  # "about 2 per second, or 50 over a 30 second window"
    assert DAILY_LIMITS.buckets("DELETE", "/rooms/mb-x") == [
        ("all", interval),
        ("rooms-delete", lower),
    ]
    for path in ("/recordings", "/recordings/r-1", "/recordings/r-1/access-link?x=1"):
        assert DAILY_LIMITS.buckets("GET", path) == [("all", interval), ("recordings-get", lower)]
    assert DAILY_LIMITS.buckets("POST", "/rooms/mb-x/recordings/start")[1][0] == "calls-start"


async def test_two_replicas_take_turns_from_one_budget(
    redis: aioredis.Redis, recorded_sleeps: RecordedSleeps
) -> None:
    web, worker = budget(redis, recorded_sleeps), budget(redis, recorded_sleeps)
    for replica in (web, worker, web):
        await replica.acquire("POST", "/rooms")
    first, second = recorded_sleeps.delays  # the first request went at once
    step = 10.0 / HEADROOM
    assert step - 1 < first <= step and 2 * step - 1 < second <= 2 * step


async def test_a_turn_too_far_ahead_is_refused_unsent_and_not_kept(
    redis: aioredis.Redis, recorded_sleeps: RecordedSleeps
) -> None:
    impatient = budget(redis, recorded_sleeps, max_wait=15.0)
    await impatient.acquire("POST", "/rooms")
    await impatient.acquire("POST", "/rooms")  # ~10.5 s ahead: waited for
    with pytest.raises(RateLimitedError) as caught:
        await impatient.acquire("POST", "/rooms")  # ~21 s ahead: refused
    assert caught.value.retry_after is not None and caught.value.retry_after > 15
    patient = budget(redis, recorded_sleeps, max_wait=60.0)
    await patient.acquire("POST", "/rooms")
    assert recorded_sleeps.delays[-1] < 2 * 10.0 / HEADROOM + 0.01, "the refusal kept no slot"


async def test_an_endpoint_s_lower_limit_holds_it_back_alone(
    redis: aioredis.Redis, recorded_sleeps: RecordedSleeps
) -> None:
    limits = Limits(overall=Rate(1000, 1.0), rules=SLOW.rules)
    replica = budget(redis, recorded_sleeps, limits, max_wait=120.0)
    for method, path in (("DELETE", "/rooms/a"), ("GET", "/rooms/b"), ("DELETE", "/rooms/c")):
        await replica.acquire(method, path)
    (held,) = [d for d in recorded_sleeps.delays if d > 1]
    assert held > 50, "the second DELETE waits for the DELETE budget; the GET did not"


async def test_without_redis_requests_go_out_and_the_operator_hears_once(
    recorded_sleeps: RecordedSleeps, caplog: pytest.LogCaptureFixture
) -> None:
    down = connect_redis("redis://127.0.0.1:1/0")  # nothing listens there
    replica = budget(down, recorded_sleeps)
    with caplog.at_level(logging.WARNING, logger="bot.providers.http.budget"):
        for _ in range(3):
            await replica.acquire("POST", "/rooms")
    assert recorded_sleeps.delays == []
    (said,) = [r.getMessage() for r in caplog.records]
    assert "budget unavailable" in said
    await down.aclose(close_connection_pool=True)


@asynccontextmanager
async def daily_with_limits(
    aiohttp_server: AiohttpServer,
) -> AsyncIterator[tuple[str, str, DailyState]]:
    """A Daily emulator that enforces Daily's published limits: (API base URL, key, state)."""
    key = secrets.token_hex(32)
    app = create_daily_emulator(api_key=key, webhook_secret=b"s" * 32, rate_limits=True)
    server = await aiohttp_server(app, port=0)
    yield str(server.make_url(API_PREFIX)), key, app[STATE_KEY]
    await server.close()


@pytest.fixture
async def limited_daily(
    aiohttp_server: AiohttpServer,
) -> AsyncIterator[tuple[str, str, DailyState]]:
    async with daily_with_limits(aiohttp_server) as daily:
        yield daily


BURST = 110  # more than Daily takes in a 5-second window (100)


async def burst(client_for: Callable[[int], DailyClient], url: str, key: str) -> list[object]:
    """One room, then BURST reads of it at once (the i-th by `client_for(i)`)."""
    async with aiohttp.ClientSession() as http:
        setup = DailyClient(http, base_url=url, api_key=key)
        await setup.create_room("mb-burst", exp=datetime.now(UTC) + timedelta(days=1), record=False)
    reads = (client_for(i).get_room("mb-burst") for i in range(BURST))
    return list(await asyncio.gather(*reads, return_exceptions=True))


async def test_without_a_budget_a_burst_collects_429s(
    limited_daily: tuple[str, str, DailyState],
) -> None:
    url, key, state = limited_daily
    async with aiohttp.ClientSession() as http:
        bare = DailyClient(http, base_url=url, api_key=key, retry=NO_RETRY)
        outcomes = await burst(lambda _: bare, url, key)
    refused = [o for o in outcomes if isinstance(o, RateLimitedError)]
    assert refused and state.requests.rate_limited == len(refused)


async def test_with_the_shared_budget_a_burst_from_three_replicas_waits_its_turn(
    limited_daily: tuple[str, str, DailyState], redis: aioredis.Redis, redis_url: str
) -> None:
    url, key, state = limited_daily
    pooled = connect_redis(redis_url)  # as the bot's: a burst waits for a connection
    shared = RedisBudget(pooled, keys=Keys(), provider="daily", account="acct", limits=DAILY_LIMITS)
    async with aiohttp.ClientSession() as http:
        replicas = [
            DailyClient(http, base_url=url, api_key=key, retry=NO_RETRY, budget=shared)
            for _ in range(3)
        ]
        outcomes = await burst(lambda i: replicas[i % 3], url, key)
    await pooled.aclose(close_connection_pool=True)
    assert not [o for o in outcomes if isinstance(o, BaseException)]
    assert state.requests.rate_limited == 0, "no 429 at all"


async def test_a_429_is_still_waited_out_and_each_attempt_takes_a_turn(
    limited_daily: tuple[str, str, DailyState],
    redis: aioredis.Redis,
    recorded_sleeps: RecordedSleeps,
) -> None:
    url, key, state = limited_daily
    shared = RedisBudget(redis, keys=Keys(), provider="daily", account="acct", limits=DAILY_LIMITS)
    async with aiohttp.ClientSession() as http:
        client = DailyClient(http, base_url=url, api_key=key, budget=shared,
                             retry=RetryPolicy(random=lambda: 0.5), sleep=recorded_sleeps)  # fmt: skip
        state.faults.append(Fault(id=1, method="POST", path="/rooms", status=429, retry_after=2))
        room = await client.create_room("mb-x", exp=datetime.now(UTC) + timedelta(days=1),
                                        record=False)  # fmt: skip
    assert room.name == "mb-x" and recorded_sleeps.delays == [2.0]
    assert state.requests.counts["POST /rooms"] == 1, "the refused attempt never got past"


async def test_the_meetings_client_spends_its_own_budget(
    emulator: EmulatorHandle, redis: aioredis.Redis, recorded_sleeps: RecordedSleeps
) -> None:
    tight = RedisBudget(redis, keys=Keys(), provider="meetings", account="app",
                        limits=Limits(overall=Rate(1, 60.0)), max_wait=1.0)  # fmt: skip
    async with aiohttp.ClientSession() as http:
        auth = TokenCache(emulator.application_id, emulator.private_key_pem, clock=utc_now)
        client = MeetingsClient(http, base_url=emulator.base_url, auth=auth, budget=tight,
                                sleep=recorded_sleeps)  # fmt: skip
        await client.create_room(CreateRoom("First"))
        with pytest.raises(RateLimitedError):
            await client.create_room(CreateRoom("Second"))
    assert [r.display_name for r in emulator.state.rooms.values()] == ["First"]


@pytest.mark.parametrize("provider", ["meetings", "daily"])
async def test_built_providers_take_their_calls_from_the_shared_budget(
    provider: str,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: aioredis.Redis,
    limited_daily: tuple[str, str, DailyState],
) -> None:
    env = bot_env(emulator, slack_api, redis_url, 3000)
    if provider == "daily":
        url, key, _ = limited_daily
        env = {k: v for k, v in env.items() if "VONAGE" not in k} | {
            "DAILY_API_URL": url,
            "DAILY_API_KEY": key,
            "DAILY_WEBHOOK_SECRET": base64.b64encode(b"s" * 32).decode(),
        }
    async with aiohttp.ClientSession() as http:
        built = build_provider(Settings.from_env(env), http=http, clock=lambda: datetime.now(UTC),
                               redis=redis, keys=Keys())  # fmt: skip
        await built.create_room(RoomRequest("Budgeted", metadata="m-1"))
    assert await redis.keys(f"meetbot:budget:{provider}:*")
