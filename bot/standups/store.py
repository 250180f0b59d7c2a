"""Standup schedules in Redis: the record, its indexes, and the due set the schedulers share.

Exactly once, with any number of schedulers: `claim_due` atomically takes a batch of due
occurrences (one round trip), pushing each score to a lease end and naming the claim with a
token in the claimed hash; `settle` renews those leases, puts failed ones off to a retry time,
or advances finished ones to their next occurrence, again a batch per round trip and only for
the claim that still holds them. A scheduler that dies leaves leases that run out, and the
next claim takes the same occurrences over; `mark_fired` lets only the current claim begin an
occurrence (the claim marks it so at once), and the occurrence's recorded steps (bot.meet.service)
make a take-over resume the run rather than repeat it.
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

from bot.standups.scripts import CLAIM, MARK_FIRED, SETTLE
from bot.storage.keys import STANDUP_FIRED_TTL, Keys
from bot.storage.redis import unavailable_on_failure


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
    notes: bool = False  # each run is transcribed (issue 16)
    # The language of its channel messages (bot.i18n.LANGUAGES): the channel's default language
    # when it was created, else its creator's. None: stored before there was one (English,
    # unless the channel has a default language by the time a run is posted).
    language: str | None = None
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


@dataclass(frozen=True)
class Claimed:
    """One occurrence a scheduler holds: `token` names this claim, `attempt` counts the claims
    of this occurrence so far (above 1: a retry, or a take-over from a dead scheduler)."""

    schedule_id: str
    due: int  # epoch seconds of the occurrence
    schedule: Schedule | None  # None: cancelled since it was due
    token: str = ""
    attempt: int = 1


@dataclass(frozen=True)
class Settle:
    """What becomes of a claim: advanced to `score` (None: the rule has ended), or, with
    `hold`, kept and due again at `score` (a renewed lease, a retry time)."""

    claim: Claimed
    score: float | None
    hold: bool = False


class StandupStore:
    def __init__(self, redis: aioredis.Redis, *, keys: Keys | None = None) -> None:
        self.redis = redis
        self.keys = keys or Keys()
        self._claim = redis.register_script(CLAIM)
        self._settle = redis.register_script(SETTLE)
        self._mark_fired = redis.register_script(MARK_FIRED)
        # The fired key's prefix, for the claim script to build `standup_fired(id, due)`.
        self._fired = (self.keys.standup_fired("", 0).removesuffix(":0"), STANDUP_FIRED_TTL)

    @unavailable_on_failure
    async def get(self, schedule_id: str) -> Schedule | None:
        raw = await self.redis.get(self.keys.schedule(schedule_id))
        return Schedule.from_json(raw) if raw else None

    @unavailable_on_failure
    async def many(self, ids: list[str]) -> list[Schedule]:
        if not ids:
            return []
        raws = await self.redis.mget([self.keys.schedule(i) for i in ids])
        return [Schedule.from_json(r) for r in raws if r]

    @unavailable_on_failure
    async def save(self, schedule: Schedule) -> None:
        await self.redis.set(self.keys.schedule(schedule.id), schedule.to_json())

    @unavailable_on_failure
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

    @unavailable_on_failure
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

    @unavailable_on_failure
    async def delete(self, schedule: Schedule) -> None:
        k = self.keys
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(k.schedule(schedule.id))
            pipe.srem(k.channel_schedules(schedule.team_id, schedule.channel_id), schedule.id)
            pipe.srem(k.user_schedules(schedule.team_id, schedule.owner_id), schedule.id)
            pipe.zrem(k.standups_due(), schedule.id)
            pipe.hdel(k.standups_claimed(), schedule.id)
            await pipe.execute()

    @unavailable_on_failure
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

    @unavailable_on_failure
    async def channel_schedules(self, team_id: str, channel_id: str) -> list[Schedule]:
        ids = await self.redis.smembers(self.keys.channel_schedules(team_id, channel_id))
        return await self.many(sorted(_text(i) for i in ids))

    @unavailable_on_failure
    async def user_schedules(self, team_id: str, user_id: str) -> list[Schedule]:
        ids = await self.redis.smembers(self.keys.user_schedules(team_id, user_id))
        return await self.many(sorted(_text(i) for i in ids))

    @unavailable_on_failure
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
                found[schedule_id] = int(float(_text(held).split()[0]))
            elif score is not None:
                found[schedule_id] = int(score)
        return found

    @unavailable_on_failure
    async def claim_due(
        self, now: datetime, *, limit: int, lease: float, token: str
    ) -> tuple[list[Claimed], float | None]:
        """Take up to `limit` due occurrences for `lease` seconds, atomically across schedulers,
        in one round trip; also the earliest score left (when to look next), None if empty."""
        at = now.timestamp()
        raw, first = await self._claim(
            keys=[self.keys.standups_due(), self.keys.standups_claimed()],
            args=[at, limit, at + lease, self.keys.schedule(""), token, *self._fired],
        )
        claimed = [
            Claimed(
                schedule_id=_text(raw[i]),
                due=int(float(raw[i + 1])),
                schedule=Schedule.from_json(raw[i + 3]) if raw[i + 3] else None,
                token=token,
                attempt=int(raw[i + 2]),
            )
            for i in range(0, len(raw), 4)
        ]
        return claimed, float(first) if first else None

    @unavailable_on_failure
    async def settle(self, settles: list[Settle]) -> set[str]:
        """Advance or hold many claims in one round trip; the schedule ids of those another
        scheduler has taken over meanwhile (the caller must stop working on them)."""
        if not settles:
            return set()
        args: list[str | float] = []
        for s in settles:
            score = "" if s.score is None else repr(s.score)
            op = "h" if s.hold else "a"
            args += [op, s.claim.schedule_id, str(s.claim.due), s.claim.token, score]
        taken = await self._settle(
            keys=[self.keys.standups_due(), self.keys.standups_claimed()], args=args
        )
        return {_text(t) for t in taken}

    @unavailable_on_failure
    async def mark_fired(self, schedule_id: str, due: int, owner: str) -> bool:
        """Mark the occurrence as begun by the claim `owner`: True for the first claim to begin
        it, and for a claim that took it over from a dead one (it holds the current claim)."""
        done = await self._mark_fired(
            keys=[self.keys.standup_fired(schedule_id, due), self.keys.standups_claimed()],
            args=[owner, schedule_id, str(due), STANDUP_FIRED_TTL],
        )
        return bool(done)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
