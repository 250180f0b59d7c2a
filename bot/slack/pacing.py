"""Slack's rate limits kept proactively, shared by every replica through Redis; and the marker
that stops all work for an installation whose token Slack has declared dead.

Each Web API call first takes its turn from every bucket it counts against (`bot.slack.tiers`:
the method's tier in the workspace; for chat.postMessage the channel's 1/s and the workspace's
own limit). The limiter is GCRA (a token bucket kept as one "theoretical arrival time" per
bucket) with bursts: one Lua script finds the earliest moment every bucket admits the call,
reserves it and answers the wait, on Redis's clock so replicas' clocks do not matter. The caller
sleeps that long and sends: a burst waits in line instead of collecting 429s. A slot further
ahead than the caller will wait is not taken.

When Slack answers 429 anyway, `throttled` moves the buckets to Slack's Retry-After for every
replica and remembers since when Slack has refused (`since`), so a step can give up after a
deadline however many attempts, jobs or replicas that took; a success clears it (`recovered`).

Redis unreachable opens the gate (logged): the call goes out, and a 429 is still honoured.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

import redis.asyncio as aioredis

from bot.domain.ports import PendingSteps
from bot.slack.tiers import Bucket, buckets_for
from bot.storage.keys import SLACK_BROKEN_TTL, STEP_TTL, Keys
from bot.storage.redis import RedisDown, text

log = logging.getLogger(__name__)

_WARN_EVERY = 60.0  # seconds between "pacing unavailable" warnings
# A 429 holds every replica back at most this long; the refused call itself waits Slack's whole
# Retry-After. Slack does not say which limit it applied (a post's channel or the workspace),
# so a long hold on every bucket the call touched could stall unrelated channels, or a
# replica taking over a dead one's job, for a limit that was never theirs.
SHARED_HOLD_MAX = 2.0

# Shared by both scripts: bucket i's interval (µs), burst and kind (1: calendar) in ARGV, after
# `skip` leading arguments; and "keep the key at least this long".
_COMMON = """
local function arg(skip, i, j) return tonumber(ARGV[skip + 3 * (i - 1) + j]) end
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, string.format('%.0f', ms)) end
end
local function used(key, w) return tonumber(redis.call('HGET', key, string.format('%.0f', w))) or 0 end
"""

# KEYS[1]: the installation's broken marker; KEYS[2..n+1]: the buckets (hashes); KEYS[n+2],
# with step values to record: the job's step hash. ARGV[1]: the longest acceptable wait (µs),
# ARGV[2]: how many step values, ARGV[3]: the step hash's TTL, then each bucket's interval,
# burst, kind, then the step names and values, written first whatever the answer. A token
# bucket keeps `tat`; a calendar counts posts per second (fields named by the second) and
# keeps `hint`, the first second that may have room. Returns {granted 1/0/-1 (-1: broken),
# wait µs, µs since Slack's first refusal or -1, broken reason}.
_ACQUIRE = (
    _COMMON
    + """
local steps = tonumber(ARGV[2])
local n = #KEYS - 1
if steps > 0 then
  n = n - 1
  redis.call('HSET', KEYS[#KEYS], unpack(ARGV, 4 + 3 * n, 3 + 3 * n + 2 * steps))
  redis.call('EXPIRE', KEYS[#KEYS], ARGV[3])
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local broken = redis.call('GET', KEYS[1])
if broken then return {-1, 0, -1, broken} end
local start, since, tats, windows = now, -1, {}, {}
for i = 1, n do
  local key = KEYS[i + 1]
  local first = tonumber(redis.call('HGET', key, 'since'))
  if first and (since < 0 or first < since) then since = first end
  if arg(3, i, 3) == 0 then
    tats[i] = math.max(tonumber(redis.call('HGET', key, 'tat')) or now, now)
    start = math.max(start, tats[i] - (arg(3, i, 2) - 1) * arg(3, i, 1))
  end
end
for i = 1, n do
  if arg(3, i, 3) == 1 then
    local key, interval = KEYS[i + 1], arg(3, i, 1)
    local per = math.max(1, math.floor(1000000 / interval + 0.5))
    local w = math.max(math.floor(start / 1000000), tonumber(redis.call('HGET', key, 'hint')) or 0)
    while used(key, w) >= per do w = w + 1 end
    windows[i] = w
    start = math.max(start, w * 1000000 + used(key, w) * interval)
  end
end
local age = -1
if since >= 0 then age = now - since end
local wait = start - now
if wait > tonumber(ARGV[1]) then return {0, wait, age, ''} end
for i = 1, n do
  local key, interval = KEYS[i + 1], arg(3, i, 1)
  if arg(3, i, 3) == 0 then
    local tat = math.max(tats[i], start) + interval
    redis.call('HSET', key, 'tat', string.format('%.0f', tat))
    keep(key, (tat - now) / 1000 + 600000)
  else
    local per = math.max(1, math.floor(1000000 / interval + 0.5))
    local second = math.floor(now / 1000000)
    redis.call('HINCRBY', key, string.format('%.0f', windows[i]), 1)
    local hint = math.max(tonumber(redis.call('HGET', key, 'hint')) or 0, second)
    while used(key, hint) >= per do hint = hint + 1 end
    redis.call('HSET', key, 'hint', string.format('%.0f', hint))
    local pruned = tonumber(redis.call('HGET', key, 'pruned')) or second - 1
    for gone = math.max(pruned, second - 200), second - 1 do
      redis.call('HDEL', key, string.format('%.0f', gone))
    end
    redis.call('HSET', key, 'pruned', string.format('%.0f', second - 1))
    keep(key, ((windows[i] + 1) * 1000000 - now) / 1000 + 600000)
  end
end
return {1, wait, age, ''}
"""
)

# KEYS: the buckets. ARGV[1]: Slack's Retry-After (µs), then each bucket's interval, burst,
# kind. No bucket admits anything before Retry-After has passed; records `since` (the first
# refusal) and returns µs since then.
_THROTTLED = (
    _COMMON
    + """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local oldest, blocked = now, now + tonumber(ARGV[1])
for i = 1, #KEYS do
  local key = KEYS[i]
  redis.call('HSETNX', key, 'since', string.format('%.0f', now))
  oldest = math.min(oldest, tonumber(redis.call('HGET', key, 'since')))
  local free = blocked
  if arg(1, i, 3) == 0 then
    local tat = math.max(tonumber(redis.call('HGET', key, 'tat')) or 0,
                         blocked + (arg(1, i, 2) - 1) * arg(1, i, 1))
    redis.call('HSET', key, 'tat', string.format('%.0f', tat))
    free = tat
  else
    local hint = math.max(tonumber(redis.call('HGET', key, 'hint')) or 0,
                          math.ceil(blocked / 1000000))
    redis.call('HSET', key, 'hint', string.format('%.0f', hint))
    free = hint * 1000000
  end
  keep(key, (free - now) / 1000 + 600000)
end
return now - oldest
"""
)


@dataclass(frozen=True)
class Grant:
    """What `acquire` answered. `granted`: a slot is reserved `wait` seconds from now (False:
    it would be further than the caller waits; nothing reserved). `broken`: Slack's code when
    the installation is marked broken (nothing reserved). `refused_for`: seconds since Slack
    first answered 429 for these buckets without a success since (None: it has not)."""

    granted: bool
    wait: float
    refused_for: float | None = None
    broken: str | None = None


def installation_id(org_or_team: str, token: str) -> str:
    """The org or workspace and a hash of its bot token: names one installation in logs and in
    its broken marker, never the token, and changes when a reinstall brings a new token."""
    return f"{org_or_team}:{hashlib.sha256(token.encode()).hexdigest()[:16]}"


def _args(buckets: tuple[Bucket, ...]) -> list[int]:
    return [
        n
        for b in buckets
        for n in (round(b.rate.interval * 1e6), b.rate.burst, 1 if b.calendar else 0)
    ]


class SlackPacer:
    """Args: redis: the shared Redis; keys: where buckets and markers live."""

    def __init__(self, redis: aioredis.Redis, *, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys
        self._acquire = redis.register_script(_ACQUIRE)
        self._throttled = redis.register_script(_THROTTLED)
        self._warned_at = -_WARN_EVERY

    def _bucket_keys(self, team_id: str, buckets: tuple[Bucket, ...]) -> list[str]:
        return [self._keys.slack_pace(team_id, b.name) for b in buckets]

    async def acquire(
        self,
        team_id: str,
        method: str,
        *,
        channel: str | None = None,
        installation: str,
        max_wait: float,
        steps: PendingSteps | None = None,
    ) -> Grant:
        """Reserve this call's turn in `team_id`, unless the installation is marked broken.

        `steps`: a job's step results that must be in Redis before the call goes out (a post's
        attempt marker): written by the same script, whatever it answers, so they cost no
        round trip of their own. With them, Redis unreachable raises instead of opening the gate.
        """
        buckets = buckets_for(method, channel)
        keys = [self._keys.slack_broken(installation), *self._bucket_keys(team_id, buckets)]
        record = steps.pending if steps is not None else {}
        if steps is not None and record:
            keys.append(self._keys.steps(steps.key))
        args = [round(max_wait * 1e6), len(record), STEP_TTL, *_args(buckets)]
        try:
            granted, wait_us, age_us, reason = await self._acquire(
                keys=keys, args=[*args, *(item for pair in record.items() for item in pair)]
            )
        except RedisDown as exc:
            if record:
                raise  # the call may not go out before its attempt is recorded
            self._warn(exc)
            return Grant(granted=True, wait=0.0)
        if steps is not None and record:
            steps.written(record)
        refused_for = None if int(age_us) < 0 else int(age_us) / 1e6
        if int(granted) < 0:
            return Grant(granted=False, wait=0.0, broken=text(reason))
        return Grant(granted=int(granted) == 1, wait=int(wait_us) / 1e6, refused_for=refused_for)

    async def throttled(
        self, team_id: str, method: str, *, channel: str | None, retry_after: float
    ) -> float:
        """Slack answered 429: hold these buckets on every replica for `retry_after` seconds, at
        most SHARED_HOLD_MAX. Returns how long (seconds) Slack has been refusing them without a
        success."""
        buckets = buckets_for(method, channel)
        hold = min(retry_after, SHARED_HOLD_MAX)
        try:
            age_us = await self._throttled(
                keys=self._bucket_keys(team_id, buckets), args=[round(hold * 1e6), *_args(buckets)]
            )
        except RedisDown as exc:
            self._warn(exc)
            return 0.0
        return int(age_us) / 1e6

    async def recovered(self, team_id: str, method: str, *, channel: str | None) -> None:
        """A call went through after 429s: Slack is no longer refusing these buckets."""
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in self._bucket_keys(team_id, buckets_for(method, channel)):
                    pipe.hdel(key, "since")
                await pipe.execute()
        except RedisDown as exc:
            self._warn(exc)

    async def mark_broken(self, installation: str, error: str) -> bool:
        """Stop all work for this installation (until reinstalled); True if it is news."""
        try:
            key = self._keys.slack_broken(installation)
            return bool(await self._redis.set(key, error, nx=True, ex=SLACK_BROKEN_TTL))
        except RedisDown as exc:
            self._warn(exc)
            return True

    def _warn(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at >= _WARN_EVERY:
            self._warned_at = now
            log.warning(
                "Slack pacing unavailable (Redis: %s): calling Slack without waiting our turn",
                type(exc).__name__,
            )
