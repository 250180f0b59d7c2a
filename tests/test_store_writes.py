"""The store's meeting updates and job steps: concurrent updates of one meeting all land, a
stale `known` record is corrected from Redis, and noted step results reach Redis with the next
write that carries them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import redis.asyncio as aioredis

from bot.domain.meeting import Meeting, Participant
from bot.storage.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_store(redis: aioredis.Redis) -> Store:
    return Store.open(redis, clock=lambda: NOW)


def meeting() -> Meeting:
    return Meeting(id="m1", team_id="T1", creator_id="U1", title="Sync", channel_id="C1")


async def test_concurrent_updates_of_one_meeting_all_land(redis: aioredis.Redis) -> None:
    store = make_store(redis)
    await store.records.save(meeting())

    async def join(n: int) -> None:
        async def add(m: Meeting) -> Meeting:
            await asyncio.sleep(0)  # let the others read the same record meanwhile
            return m.replace(participants=(*m.participants, Participant(id=f"p{n}", name="")))

        await store.records.update("m1", add)

    await asyncio.gather(*(join(n) for n in range(20)))

    saved = await store.records.get("m1")
    assert saved is not None
    assert sorted(p.id for p in saved.participants) == sorted(f"p{n}" for n in range(20))


async def test_a_stale_known_record_is_not_written_back(redis: aioredis.Redis) -> None:
    store = make_store(redis)
    original = meeting()
    await store.records.save(original)
    await store.records.update("m1", lambda m: m.replace(session_id="S1"))  # a callback

    updated = await store.records.update("m1", lambda m: m.replace(card_ts="1.2"), known=original)

    assert updated is not None and (updated.session_id, updated.card_ts) == ("S1", "1.2")
    assert await store.records.get("m1") == updated
    assert await store.records.id_for_session("S1") == "m1"


async def test_noted_steps_are_written_with_the_next_write(redis: aioredis.Redis) -> None:
    store = make_store(redis)
    await store.records.save(meeting())
    _, steps = await store.records.resume("m1", "meet:k1")
    steps.note("card", "1.2")
    assert await store.steps.read("meet:k1") == {}  # not yet: it rides with the next write

    await store.records.update("m1", lambda m: m.replace(card_ts="1.2"), steps=steps)
    steps.note("host_dm", "3.4")
    await store.watchlist.watch("m1", NOW, steps=steps)

    assert await store.steps.read("meet:k1") == {"card": "1.2", "host_dm": "3.4"}
    assert steps.pending == {}


async def test_an_update_of_a_missing_meeting_still_writes_noted_steps(
    redis: aioredis.Redis,
) -> None:
    store = make_store(redis)
    _, steps = await store.records.resume("gone", "meet:k2")
    steps.note("card", "1.2")

    assert await store.records.update("gone", lambda m: m, steps=steps) is None
    assert await store.steps.read("meet:k2") == {"card": "1.2"}


async def test_a_saved_meeting_is_found_every_way_and_carries_the_job_s_steps(
    redis: aioredis.Redis,
) -> None:
    store = make_store(redis)
    _, steps = await store.records.resume("m1", "meet:k3")
    steps.note("card", "1.2")
    saved = meeting().replace(callback_token="tok", room_id="R1", session_id="S1")

    await store.records.save(saved, steps=steps, record={"room:attempt": "t0"})

    assert await store.records.get("m1") == saved
    assert await store.records.id_for_token("tok") == "m1"
    assert await store.records.id_for_room("R1") == "m1"
    assert await store.records.id_for_session("S1") == "m1"
    assert [m.id for m in await store.records.user_meetings("T1", "U1")] == ["m1"]
    assert await store.steps.read("meet:k3") == {"card": "1.2", "room:attempt": "t0"}
    assert steps.pending == {}
    keys = store.keys
    ttls = [await redis.ttl(key) for key in (keys.meeting("m1"), keys.room("R1"),
                                             keys.user_meetings("T1", "U1"))]  # fmt: skip
    assert min(ttls) > 0 and max(ttls) - min(ttls) <= 1, (
        "the record and its indexes expire together"
    )


async def test_the_watch_writes_noted_steps_and_says_whether_home_was_opened(
    redis: aioredis.Redis,
) -> None:
    store = make_store(redis)
    steps = await store.steps.load("job-1")
    steps.note("host_dm", "1.0001")

    seen = await store.watchlist.watch("m1", NOW, steps=steps, viewer=("T1", "U1"))
    assert not seen  # U1 has not opened App Home
    assert await store.steps.read("job-1") == {"host_dm": "1.0001"}
    assert not steps.pending

    await store.home_viewers.mark("T1", "U1")
    assert await store.watchlist.watch("m1", NOW, steps=steps, viewer=("T1", "U1"))
    assert not await store.watchlist.watch("m1", NOW, viewer=("T1", "U2"))
    assert await store.watchlist.due(NOW) == ["m1"]
