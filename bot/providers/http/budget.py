"""One request budget per provider account, shared by every replica through Redis.

A provider limits requests per *account*, and every web and worker process of every workspace
the bot serves spends the same allowance. Each call therefore takes its turn from one limiter
in Redis before it is sent: a burst waits in line instead of collecting 429s.

The limiter is GCRA (the "generic cell rate algorithm", a token bucket kept as one timestamp
per bucket: the theoretical arrival time of the next request that would conform). A request
belongs to the account's overall bucket and to every endpoint bucket it matches (Daily gives
some endpoints a lower limit); one Lua script finds the earliest moment that all of them
allow, *reserves* it atomically and answers the wait, measured on Redis's own clock so that
replicas' clocks do not matter. The caller sleeps that long and sends. Buckets hold no burst:
requests are spaced evenly at the published average, which keeps every sliding window the
provider may count in (Daily: "20 requests per second, or 100 requests over a 5 second window")
within its limit without relying on a burst allowance.

A reservation further ahead than `max_wait` is not taken: the call fails at once with
`RateLimitedError` (nothing was sent), and the job layer retries it later. Redis being
unreachable opens the gate (logged): the request goes out and a 429 is still honoured by the
retry policy (`bot.providers.http.retry`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

import redis.asyncio as aioredis

from bot.errors import RateLimitedError
from bot.storage.keys import Keys
from bot.storage.redis import RedisDown

log = logging.getLogger(__name__)

# A reservation this far ahead is refused rather than slept through: a /meet job (JOB_TIMEOUT
# 300 s, bot.storage.jobs) then still has time for its Slack steps, and a burst of a minute's
# budget (1,200 Daily calls) waits its turn.
MAX_WAIT = 60.0
# Spend at most this share of a published rate: our send time is not the provider's arrival
# time (event-loop lag, the network), and a request arriving early must not tip a window over.
# Against Daily's 100-per-5-second window this leaves 260 ms of lag; against a 20-in-any-second
# reading it would leave only 50 ms, and one request in 1,000 met a 429 in bench/daily_budget.py
# when the emulator counted that way (busy processes on two cores lag longer than that).
HEADROOM = 0.95
_WARN_EVERY = 60.0  # seconds between "budget unavailable" warnings

# KEYS: the buckets. ARGV: each bucket's interval (µs), then the longest acceptable wait (µs).
# Returns {1, wait µs} with the slot reserved, or {0, wait µs} when that is too far ahead.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local start = now
for i, key in ipairs(KEYS) do
  local tat = tonumber(redis.call('GET', key))
  if tat and tat > start then start = tat end
end
local wait = start - now
if wait > tonumber(ARGV[#KEYS + 1]) then return {0, wait} end
for i, key in ipairs(KEYS) do
  local tat = start + tonumber(ARGV[i])
  redis.call('SET', key, string.format('%.0f', tat), 'PX', string.format('%.0f', (tat - now) / 1000 + 1000))
end
return {1, wait}
"""


class Budget(Protocol):
    """What the transport asks before each request (`RedisBudget`; None sends at once)."""

    async def acquire(self, method: str, path: str) -> None: ...


@dataclass(frozen=True)
class Rate:
    """`count` requests per `per` seconds."""

    count: int
    per: float

    @property
    def interval(self) -> float:
        return self.per / self.count


@dataclass(frozen=True)
class Rule:
    """A lower limit for some endpoints: `method` ("*" for any) and a regex on the API path."""

    bucket: str
    method: str
    path: str
    rate: Rate
    _compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", re.compile(self.path))

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method.upper()) and bool(self._compiled.fullmatch(path))


@dataclass(frozen=True)
class Limits:
    """A provider's published limits: one for the whole account, lower ones per endpoint."""

    overall: Rate
    rules: tuple[Rule, ...] = ()
    headroom: float = HEADROOM

    def buckets(self, method: str, path: str) -> list[tuple[str, float]]:
        """(bucket, seconds between two of its requests) for each bucket the request spends."""
        path = path.split("?", 1)[0]
        found = [("all", self.overall)]
        found += [(rule.bucket, rule.rate) for rule in self.rules if rule.matches(method, path)]
        return [(name, rate.interval / self.headroom) for name, rate in found]


def account_id(secret: str) -> str:
    """A short, stable name for a provider account in key names, from its credential (the
    budget is the account's, whichever deployment or key prefix spends it)."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


class RedisBudget:
    """A `Budget` on Redis. Args:
    redis: any client of the shared Redis.
    keys: where the buckets live (`Keys.provider_budget`).
    provider, account: whose budget ("daily", `account_id(api_key)`).
    limits: the provider's published limits.
    sleep: awaited for the reserved wait (tests record it).
    max_wait: the longest wait accepted; further ahead raises `RateLimitedError`.
    """

    def __init__(
        self,
        redis: aioredis.Redis,
        *,
        keys: Keys,
        provider: str,
        account: str,
        limits: Limits,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        max_wait: float = MAX_WAIT,
    ) -> None:
        self._script = redis.register_script(_RESERVE)
        self._keys = keys
        self._provider = provider
        self._account = account
        self.limits = limits
        self._sleep = sleep
        self.max_wait = max_wait
        self._warned_at = -_WARN_EVERY

    async def acquire(self, method: str, path: str) -> None:
        """Wait for this request's turn. Raises RateLimitedError (nothing sent) past max_wait."""
        wait = await self.reserve(method, path)
        if wait > 0:
            await self._sleep(wait)

    async def reserve(self, method: str, path: str) -> float:
        """Reserve the request's slot: the seconds until it (0 when Redis is unreachable)."""
        buckets = self.limits.buckets(method, path)
        keys = [self._keys.provider_budget(self._provider, self._account, b) for b, _ in buckets]
        args = [round(interval * 1e6) for _, interval in buckets]
        try:
            granted, wait_us = await self._script(keys=keys, args=[*args, self.max_wait * 1e6])
        except RedisDown as exc:
            self._warn(exc)
            return 0.0
        wait = int(wait_us) / 1e6
        if not granted:
            raise RateLimitedError(
                f"{self._provider} request budget is spoken for the next {wait:.0f} s",
                retry_after=wait,
                method=method,
                url=path,
            )
        return wait

    def _warn(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            log.warning(
                "%s request budget unavailable (Redis: %s): sending without waiting its turn",
                self._provider,
                type(exc).__name__,
            )
