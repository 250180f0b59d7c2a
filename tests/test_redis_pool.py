"""meetbot's Redis pool: with every connection busy a command waits for one to be freed
instead of failing, and gives up (as "Redis unreachable") only after the pool's timeout."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from bot.storage.redis import RedisDown, WaitingPool, connect_redis


async def test_commands_beyond_the_pool_wait_their_turn(redis_url: str) -> None:
    client = connect_redis(redis_url, max_connections=2)
    await client.set("pool-test", "1")

    # Twenty commands at once on two connections, two of them blocking for a moment.
    slow = [client.blpop(["pool-test:empty"], timeout=0.3) for _ in range(2)]
    fast = [client.get("pool-test") for _ in range(18)]
    answers = await asyncio.gather(*slow, *fast)
    await client.aclose()
    await client.connection_pool.disconnect()

    assert answers == [None, None, *[b"1"] * 18]


async def test_a_pool_busy_past_its_timeout_fails_as_redis_down(redis_url: str) -> None:
    pool = WaitingPool.from_url(redis_url, max_connections=1, timeout=0.2)
    client = aioredis.Redis(connection_pool=pool)

    async def hold_the_one_connection() -> None:
        await client.blpop(["pool-test:empty"], timeout=1)

    holder = asyncio.create_task(hold_the_one_connection())
    await asyncio.sleep(0.05)

    with pytest.raises(RedisDown):
        await client.get("pool-test")
    await holder
    assert await client.get("pool-test:missing") is None, "usable again once freed"
    await client.aclose()
    await pool.disconnect()


async def test_a_command_cancelled_midway_leaves_no_stale_answer_behind(redis_url: str) -> None:
    client = connect_redis(redis_url, max_connections=1)
    other = connect_redis(redis_url)
    await client.set("pool-test", "1")

    async def wait_in_blpop() -> None:
        await client.blpop(["pool-test:list"], timeout=1)

    blocked = asyncio.create_task(wait_in_blpop())
    await asyncio.sleep(0.05)  # the pool's one connection waits in BLPOP
    blocked.cancel()
    await other.rpush("pool-test:list", "x")  # what that BLPOP would have answered

    # The one connection is handed out again, with no answer of the cancelled command in it.
    assert await client.get("pool-test") == b"1"
    assert await client.lrange("pool-test:list", 0, -1) in ([b"x"], [])
    pool = client.connection_pool
    assert not pool._in_use_connections and len(pool._available_connections) == 1
    for each in (client, other):
        await each.aclose()
        await each.connection_pool.disconnect()
