"""The Redis connection and what its failures mean to the rest of meetbot.

`RedisDown` is the set of redis-py exceptions that say "Redis is unreachable"; it stays in
`bot.storage` (and the job queue): callers above it only ever see `bot.errors.Unavailable`.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.errors import Unavailable

RedisDown = (RedisConnectionError, RedisTimeoutError, OSError)

P = ParamSpec("P")
R = TypeVar("R")


def connect_redis(url: str, *, max_connections: int = 64) -> aioredis.Redis:
    """A pool that waits for a free connection instead of failing, and fails fast when Redis is
    down (no silent reconnect loop: the user must hear "temporarily unavailable" within 3 s)."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=2,
        socket_connect_timeout=1,
        socket_timeout=2,
        retry=Retry(NoBackoff(), 0),
    )
    return aioredis.Redis(connection_pool=pool)


def unavailable_from(exc: BaseException) -> Unavailable:
    return Unavailable(f"Redis unreachable: {type(exc).__name__}")


@contextmanager
def unavailable_when_down() -> Iterator[None]:
    """Turn "Redis is unreachable" into the project's own `Unavailable`."""
    try:
        yield
    except RedisDown as exc:
        raise unavailable_from(exc) from exc


def unavailable_on_failure(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, Coroutine[Any, Any, R]]:
    """For store methods that Slack listeners call: Redis down raises `Unavailable`."""

    @functools.wraps(method)
    async def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        with unavailable_when_down():
            return await method(*args, **kwargs)

    return guarded


async def reachable(redis: aioredis.Redis) -> bool:
    try:
        return bool(await redis.ping())
    except RedisDown:
        return False


def text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
