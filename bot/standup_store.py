"""Standup schedules in Redis: the record, its indexes, and the due set the schedulers share.

Exactly once, with any number of schedulers: `claim_due` atomically takes due schedules and
pushes their score to a lease end, remembering the occurrence in a hash; `advance` sets the
next occurrence and forgets the claim. A scheduler that dies between the two leaves a lease
that runs out, and the next claim takes the same occurrence again (the job key and the
per-occurrence fired key, `Keys.standup_fired`, keep that from posting twice).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from bot.keys import STANDUP_FIRED_TTL, Keys


@dataclass(frozen=True)
class Schedule:
    """One recurring standup: where it posts, when (an RRULE in `tz`), and its long-term room."""

    id: str
    key: str  # the request that created it (a retried creation finds its own record)
    team_id: str
    owner_id: str
    channel_id: str
    title: str
    rule: str
    description: str
    tz: str
    dtstart: datetime  # naive local: where the rule counts from (INTERVAL anchor)
    enterprise_id: str | None = None
    here: bool = False  # mention @here in each card
    paused: bool = False
    created_at: datetime | None = None
    room_id: str | None = None
    guest_url: str | None = None
    host_url: str | None = field(default=None, repr=False)
    meeting_code: str | None = None
    room_expires_at: datetime | None = None
    callback_token: str | None = field(default=None, repr=False)
    last_meeting_id: str | None = None

    def replace(self, **changes: Any) -> Schedule:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> str:
        data = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in vars(self).items()}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> Schedule:
        data = json.loads(raw)
        for name in ("dtstart", "created_at", "room_expires_at"):
            data[name] = datetime.fromisoformat(data[name]) if data.get(name) else None
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


# KEYS: due zset, claimed hash. ARGV: now, limit, lease end, schedule key prefix.
# Returns [id, occurrence epoch, record JSON or false, ...] for each schedule it claimed.
_CLAIM = """
local due = redis.call('zrangebyscore', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
local out = {}
for i = 1, #due, 2 do
  local id, score = due[i], due[i + 1]
  local occurrence = redis.call('hget', KEYS[2], id)
  if not occurrence then
    occurrence = string.format('%d', tonumber(score))
    redis.call('hset', KEYS[2], id, occurrence)
  end
  redis.call('zadd', KEYS[1], ARGV[3], id)
  out[#out + 1] = id
  out[#out + 1] = occurrence
  out[#out + 1] = redis.call('get', ARGV[4] .. id)
end
return out
"""

# KEYS: due zset, claimed hash. ARGV: id, occurrence, next epoch ('' = the rule has ended).
# Only the claim of that occurrence advances (a cancel or a re-claim meanwhile wins).
_ADVANCE = """
if redis.call('hget', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('hdel', KEYS[2], ARGV[1])
if ARGV[3] == '' then redis.call('zrem', KEYS[1], ARGV[1])
else redis.call('zadd', KEYS[1], ARGV[3], ARGV[1]) end
return 1
"""


@dataclass(frozen=True)
class Claimed:
    schedule_id: str
    due: int  # epoch seconds of the occurrence
    schedule: Schedule | None  # None: cancelled since it was due


class StandupStore:
    def __init__(self, redis: aioredis.Redis, *, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._claim = redis.register_script(_CLAIM)
        self._advance = redis.register_script(_ADVANCE)

    async def get(self, schedule_id: str) -> Schedule | None:
        raw = await self.redis.get(self.keys.schedule(schedule_id))
        return Schedule.from_json(raw) if raw else None

    async def many(self, ids: list[str]) -> list[Schedule]:
        if not ids:
            return []
        raws = await self.redis.mget([self.keys.schedule(i) for i in ids])
        return [Schedule.from_json(r) for r in raws if r]

    async def save(self, schedule: Schedule) -> None:
        await self.redis.set(self.keys.schedule(schedule.id), schedule.to_json())

    async def update(
        self, schedule_id: str, change: Callable[[Schedule], Schedule]
    ) -> Schedule | None:
        """Optimistic read-modify-write; None if the schedule was deleted (never resurrects it)."""
        key = self.keys.schedule(schedule_id)
        while True:
            async with self.redis.pipeline(transaction=True) as pipe:
                try:
                    await pipe.watch(key)
                    raw = await pipe.get(key)
                    if raw is None:
                        return None
                    updated = change(Schedule.from_json(raw))
                    pipe.multi()  # type: ignore[no-untyped-call]
                    pipe.set(key, updated.to_json())
                    await pipe.execute()
                    return updated
                except WatchError:
                    continue

    async def create(self, schedule: Schedule, first_due: datetime) -> bool:
        """Store a new schedule and its first occurrence; False if the id is taken."""
        k = self.keys
        if not await self.redis.set(k.schedule(schedule.id), schedule.to_json(), nx=True):
            return False
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.sadd(k.channel_schedules(schedule.team_id, schedule.channel_id), schedule.id)
            pipe.sadd(k.user_schedules(schedule.team_id, schedule.owner_id), schedule.id)
            pipe.zadd(k.standups_due(), {schedule.id: int(first_due.timestamp())})
            await pipe.execute()
        return True

    async def delete(self, schedule: Schedule) -> None:
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(k.schedule(schedule.id))
            pipe.srem(k.channel_schedules(schedule.team_id, schedule.channel_id), schedule.id)
            pipe.srem(k.user_schedules(schedule.team_id, schedule.owner_id), schedule.id)
            pipe.zrem(k.standups_due(), schedule.id)
            pipe.hdel(k.standups_claimed(), schedule.id)
            await pipe.execute()

    async def set_paused(self, schedule_id: str, next_due: datetime | None) -> Schedule | None:
        """Pause (`next_due` None: nothing is due) or resume from `next_due`."""
        updated = await self.update(schedule_id, lambda s: s.replace(paused=next_due is None))
        if updated is None:
            return None
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            # Forgetting the claim makes an in-flight `advance` a no-op (it checks the claim).
            pipe.hdel(k.standups_claimed(), schedule_id)
            if next_due is None:
                pipe.zrem(k.standups_due(), schedule_id)
            else:
                pipe.zadd(k.standups_due(), {schedule_id: int(next_due.timestamp())})
            await pipe.execute()
        return updated

    async def channel_schedules(self, team_id: str, channel_id: str) -> list[Schedule]:
        ids = await self.redis.smembers(self.keys.channel_schedules(team_id, channel_id))
        return await self.many(sorted(_text(i) for i in ids))

    async def user_schedules(self, team_id: str, user_id: str) -> list[Schedule]:
        ids = await self.redis.smembers(self.keys.user_schedules(team_id, user_id))
        return await self.many(sorted(_text(i) for i in ids))

    async def next_due(self, schedule_ids: list[str]) -> dict[str, int]:
        """Next occurrence epoch per schedule (a claimed one reports the occurrence it holds)."""
        if not schedule_ids:
            return {}
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.zmscore(self.keys.standups_due(), schedule_ids)
            pipe.hmget(self.keys.standups_claimed(), schedule_ids)
            scores, claimed = await pipe.execute()
        found: dict[str, int] = {}
        for schedule_id, score, held in zip(schedule_ids, scores, claimed, strict=True):
            if held is not None:
                found[schedule_id] = int(float(held))
            elif score is not None:
                found[schedule_id] = int(score)
        return found

    async def claim_due(self, now: datetime, *, limit: int, lease: float) -> list[Claimed]:
        """Take up to `limit` due schedules for `lease` seconds (atomic across schedulers)."""
        at = now.timestamp()
        raw = await self._claim(
            keys=[self.keys.standups_due(), self.keys.standups_claimed()],
            args=[at, limit, at + lease, self.keys.schedule("")],
        )
        return [
            Claimed(
                _text(raw[i]),
                int(float(raw[i + 1])),
                Schedule.from_json(raw[i + 2]) if raw[i + 2] else None,
            )
            for i in range(0, len(raw), 3)
        ]

    async def advance(self, schedule_id: str, due: int, next_due: datetime | None) -> bool:
        """Move a claimed schedule on to `next_due` (None: its rule has ended)."""
        nxt = "" if next_due is None else str(int(next_due.timestamp()))
        done = await self._advance(
            keys=[self.keys.standups_due(), self.keys.standups_claimed()],
            args=[schedule_id, str(due), nxt],
        )
        return bool(done)

    async def mark_fired(self, schedule_id: str, due: int, owner: str) -> bool:
        """Set NX the occurrence's fired key: True for its first job (and that job's retries)."""
        key = self.keys.standup_fired(schedule_id, due)
        if await self.redis.set(key, owner, nx=True, ex=STANDUP_FIRED_TTL):
            return True
        return _text(await self.redis.get(key) or b"") == owner


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
