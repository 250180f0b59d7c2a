"""OAuth state: unguessable, expires on Redis' clock, and accepted exactly once."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis.asyncio as aioredis

from bot.slack.oauth_state import RedisOAuthStateStore
from bot.storage.keys import OAUTH_STATE_TTL, Keys


@pytest.fixture
def states(redis: aioredis.Redis) -> RedisOAuthStateStore:
    return RedisOAuthStateStore(redis)


async def test_an_issued_state_is_accepted_once(states: RedisOAuthStateStore) -> None:
    state = await states.async_issue()

    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False


async def test_states_are_long_random_and_url_safe(states: RedisOAuthStateStore) -> None:
    issued = {await states.async_issue() for _ in range(20)}

    assert len(issued) == 20
    for state in issued:
        assert len(state) >= 43  # 32 random bytes, base64url
        assert state.replace("-", "").replace("_", "").isalnum()


async def test_unknown_or_missing_states_are_refused(states: RedisOAuthStateStore) -> None:
    assert await states.async_consume("made-up") is False
    assert await states.async_consume("") is False


async def test_of_concurrent_consumers_of_one_state_exactly_one_wins(
    states: RedisOAuthStateStore, redis_url: str
) -> None:
    # Separate connections, as two web replicas would have.
    clients = [aioredis.Redis.from_url(redis_url) for _ in range(8)]
    try:
        state = await states.async_issue()
        stores = [RedisOAuthStateStore(client) for client in clients]
        results = await asyncio.gather(*(store.async_consume(state) for store in stores))
    finally:
        for client in clients:
            await client.aclose()

    assert sorted(results) == [False] * 7 + [True]


async def test_a_state_lives_for_the_configured_ttl(
    states: RedisOAuthStateStore, redis: aioredis.Redis
) -> None:
    short = RedisOAuthStateStore(redis, expiration_seconds=5)
    short_state, default_state = await short.async_issue(), await states.async_issue()

    assert 0 < await redis.ttl(Keys().oauth_state(short_state)) <= 5
    assert (
        OAUTH_STATE_TTL - 5 < await redis.ttl(Keys().oauth_state(default_state)) <= OAUTH_STATE_TTL
    )


async def test_an_expired_state_is_refused(
    states: RedisOAuthStateStore, redis: aioredis.Redis
) -> None:
    state = await states.async_issue()
    # Move Redis' view of the deadline into the past rather than sleeping through the TTL.
    await redis.pexpireat(Keys().oauth_state(state), int(time.time() * 1000) - 1)

    assert await states.async_consume(state) is False


async def test_states_live_under_their_own_prefix(redis: aioredis.Redis) -> None:
    states = RedisOAuthStateStore(redis, keys=Keys(prefix="other"))
    state = await states.async_issue()

    assert await redis.exists(Keys(prefix="other").oauth_state(state)) == 1
    assert await RedisOAuthStateStore(redis).async_consume(state) is False
    assert await states.async_consume(state) is True


async def test_a_non_positive_ttl_is_refused(redis: aioredis.Redis) -> None:
    with pytest.raises(ValueError, match="expiration_seconds"):
        RedisOAuthStateStore(redis, expiration_seconds=0)
