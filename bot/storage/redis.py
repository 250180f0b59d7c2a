"""The Redis connection and what its failures mean to the rest of meetbot.

`RedisDown` is the set of redis-py exceptions that say "Redis is unreachable"; it stays in
`bot.storage` (and the job queue): callers above it only ever see `bot.errors.Unavailable`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import redis.asyncio as aioredis
from redis.asyncio.connection import AbstractConnection
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.errors import Unavailable

RedisDown = (RedisConnectionError, RedisTimeoutError, OSError)

P = ParamSpec("P")
R = TypeVar("R")


class WaitingPool(aioredis.ConnectionPool):
    """A pool that waits up to `timeout` seconds for a free connection instead of failing, as
    redis-py's BlockingConnectionPool does, but only when none is free: that one takes a
    condition and a timeout on every command, ~16 % of a round trip's client CPU, and a /meet
    makes some 15 round trips in the worker (docs/benchmarks.md, issue 20).

    Taking and returning a connection also skip what redis-py 8 does around them for features
    meetbot does not use: an asyncio lock (nothing awaits between taking a connection from the
    free list and marking it used, so one event loop needs none), OpenTelemetry connection
    counts (no collector is configured) and the "connection released" event (for re-auth
    listeners and cluster maintenance notices). ~5 µs of a ~28 µs GET (issue 20, third round).
    The check that a pooled connection is still connected and has no unread data stays.
    """

    def __init__(self, *, timeout: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.timeout = timeout
        self._freed = asyncio.Condition()
        self._waiting = 0

    async def get_connection(self, *args: Any, **kwargs: Any) -> AbstractConnection:
        while not self.can_get_connection():
            self._waiting += 1
            try:
                async with self._freed, asyncio.timeout(self.timeout):
                    await self._freed.wait_for(self.can_get_connection)
            except TimeoutError as exc:
                raise RedisConnectionError("No connection available.") from exc
            finally:
                self._waiting -= 1
        connection: AbstractConnection = self.get_available_connection()  # type: ignore[no-untyped-call]
        try:
            await self.ensure_connection(connection)
        except BaseException:
            await self.release(connection)
            raise
        return connection

    async def release(self, connection: AbstractConnection) -> None:
        self._in_use_connections.remove(connection)
        try:
            if connection.should_reconnect():  # type: ignore[no-untyped-call]
                await connection.disconnect()
        except BaseException:
            connection._force_disconnect()  # not known to be closed: reuse reconnects
            raise
        finally:
            self._available_connections.append(connection)  # even if cancelled meanwhile
            if self._waiting:
                async with self._freed:
                    self._freed.notify()


def connect_redis(url: str, *, max_connections: int = 64) -> aioredis.Redis:
    """A pool that waits for a free connection instead of failing, and fails fast when Redis is
    down (no silent reconnect loop: the user must hear "temporarily unavailable" within 3 s)."""
    pool = WaitingPool.from_url(
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
