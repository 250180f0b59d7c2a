"""Where a Daily event that names no room happened: what earlier events told us, in Redis.

`recording.started` carries `recording_id`, `started_by` (the participant who started it) and
`instance_id`, but no room (https://docs.daily.co/reference/rest-api/webhooks/events/
recording-started). A recording starts while someone is in the room, and `participant.joined`
names both the participant (`session_id`) and the room: the route notes that pair, so the usual
case needs no request to Daily. Otherwise the recording's own room (`GET /recordings/{id}`,
`room_name`) is looked up once by a job and noted here, so a redelivery finds it at once.

Redis being unreachable makes a hint unknown (`None`), never an error: the job's lookup remains.
"""

from __future__ import annotations

import contextlib

import redis.asyncio as aioredis

from bot.storage.keys import DAILY_HINT_TTL, DAILY_UNUSABLE_TTL, Keys
from bot.storage.redis import RedisDown


class RoomHints:
    def __init__(self, redis: aioredis.Redis, keys: Keys) -> None:
        self._redis = redis
        self._keys = keys

    async def note_participant(self, participant_id: str, room: str) -> None:
        await self._set(self._keys.daily_participant_room(participant_id), room)

    async def note_recording(self, recording_id: str, room: str) -> None:
        await self._set(self._keys.daily_recording_room(recording_id), room)

    async def room_of_recording(
        self, recording_id: str, started_by: str | None = None
    ) -> str | None:
        """The recording's room, as noted, else its starter's room, else None."""
        keys = [self._keys.daily_recording_room(recording_id)]
        if started_by:
            keys.append(self._keys.daily_participant_room(started_by))
        try:
            found = await self._redis.mget(keys)
        except RedisDown:
            return None
        return next((_text(value) for value in found if value), None)

    async def first_report(self, event_id: str) -> bool:
        """Whether this unusable event is new (to log it once, not at every redelivery)."""
        try:
            fresh = await self._redis.set(
                self._keys.daily_unusable_event(event_id), "1", nx=True, ex=DAILY_UNUSABLE_TTL
            )
        except RedisDown:
            return True
        return bool(fresh)

    async def _set(self, key: str, room: str) -> None:
        with contextlib.suppress(*RedisDown):  # only a hint: the job asks Daily instead
            await self._redis.set(key, room, ex=DAILY_HINT_TTL)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
