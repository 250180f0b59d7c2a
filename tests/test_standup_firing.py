"""Firing standups: claimed in batches, fired once each, taken over when a worker dies mid-run,
retried when Slack fails for a moment, and told to the owner when it fails for good.

Schedules are stored directly, due now on the wall clock (what the command does is covered
in tests/test_standups.py), so a separate `python -m bot --role worker` process sees them too.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timedelta

from meetbot_sandbox.slack.models import ApiCall
from redis.asyncio import Redis

from bot.app import WorkerRole, build, close
from bot.domain.clock import utc_now
from bot.standups.scheduler import StandupScheduler
from bot.standups.store import Claimed, Schedule, StandupStore
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.takeover import host_dm_from_the_survivor, worker_killed_before_the_dm


def standup(number: int, due: datetime, channel: str = GENERAL) -> Schedule:
    return Schedule(
        id=f"sf{number:03d}",
        key=f"test-{number}",
        team_id="T0TEST",
        owner_id=CREATOR,
        channel_id=channel,
        title=f"Firing {number:03d}",
        rule=f"FREQ=DAILY;BYHOUR={due.hour};BYMINUTE={due.minute};BYSECOND={due.second}",
        description="every day",
        tz="UTC",
        dtstart=due.replace(hour=0, minute=0, second=0, tzinfo=None),
    )


async def seed(store: StandupStore, count: int, *, channel: str = GENERAL) -> datetime:
    """`count` daily standups whose first run is this second; that second."""
    due = utc_now().replace(microsecond=0)
    for number in range(count):
        assert await store.create(standup(number, due, channel), due)
    return due


def cards(bot: RunningBot) -> list[ApiCall]:
    return [
        c
        for c in bot.slack.state.calls_to("chat.postMessage")
        if c.ok and c.params.get("channel") == GENERAL and ":repeat: Standup" in c.params["text"]
    ]


async def moved_on(store: StandupStore, ids: list[str], due: datetime) -> bool:
    """Every schedule has left the claimed hash and is due again a day later."""
    nxt = await store.next_due(ids)
    claimed = await store.redis.hmget(store.keys.standups_claimed(), ids)
    day_after = int((due + timedelta(days=1)).timestamp())
    return all(v is None for v in claimed) and all(nxt[i] == day_after for i in ids)


async def until_moved_on(store: StandupStore, ids: list[str], due: datetime) -> None:
    """Wait (10 s at most) until the runs are over and the schedules moved on."""
    async with asyncio.timeout(10):
        while not await moved_on(store, ids, due):  # noqa: ASYNC110 - Redis has no such event
            await asyncio.sleep(0.05)


class Recorder:
    """A Firer that notes what it fired (no Slack): for counting claims, not cards."""

    def __init__(self) -> None:
        self.fired: list[tuple[str, int]] = []

    async def fire(self, claim: Claimed, late_seconds: float) -> str:
        self.fired.append((claim.schedule_id, claim.due))
        return "noted"

    async def give_up(self, claim: Claimed, exc: BaseException) -> None:
        raise AssertionError(f"nothing fails here: {exc!r}")


async def test_a_burst_is_claimed_in_batches_of_one_round_trip_each(redis: Redis) -> None:
    store = StandupStore(redis)
    due = await seed(store, 200)
    scheduler = StandupScheduler(store, Recorder(), utc_now, batch=50)
    assert isinstance(scheduler.firer, Recorder)

    while await scheduler.run_once():
        pass

    assert sorted(scheduler.firer.fired) == [
        (f"sf{n:03d}", int(due.timestamp())) for n in range(200)
    ]
    # 4 full claims and the empty look that ends the burst; one settle per batch.
    assert scheduler.stats.claim_calls == 5
    assert scheduler.stats.settle_calls == 4
    assert await moved_on(store, [f"sf{n:03d}" for n in range(200)], due), "settled at once"


async def test_two_workers_share_a_burst_and_post_each_card_once(bot: RunningBot) -> None:
    other = await build(bot.components.settings, http=bot.http, provider=bot.components.provider)
    second_worker = WorkerRole(other, shutdown_grace=0)
    second_worker.start()
    try:
        store = bot.components.standups.store
        due = await seed(store, 20)
        async with asyncio.timeout(30):
            while len(cards(bot)) < 20:
                await bot.slack.state.changed_since(bot.slack.state.version, 5)
    finally:
        await second_worker.stop()
        await close(other, own_http=False, own_redis=True)
    titles = sorted(c.params["text"].split("Firing ")[1][:3] for c in cards(bot))
    assert titles == [f"{n:03d}" for n in range(20)], "each standup once, none twice"
    assert len(bot.emulator.state.rooms) == 20
    await until_moved_on(store, [f"sf{n:03d}" for n in range(20)], due)


async def test_a_worker_killed_mid_run_is_taken_over_and_posts_one_card(
    bot_no_worker: RunningBot,
) -> None:
    bot = bot_no_worker
    state = bot.slack.state
    # The host DM stalls (Slack asks us to wait 30 s): the first worker is killed after the
    # room and the card exist, before the DM is sent.
    store = bot.components.standups.store
    async with worker_killed_before_the_dm(bot):
        due = await seed(store, 1)
        await state.wait_for("chat.postMessage", lambda c: c in cards(bot), timeout=15)
    dm, recovered_in = await host_dm_from_the_survivor(bot)

    (room,) = bot.emulator.state.rooms.values()
    assert len(cards(bot)) == 1, "the run taken over did not post a second card"
    assert room.participant_token in json.dumps(dm.params), "the owner still gets the host link"
    assert recovered_in < 10, f"taken over within 10 s (took {recovered_in:.1f} s)"
    await until_moved_on(store, ["sf000"], due)


async def test_slack_failing_for_a_moment_is_retried_into_one_card(bot: RunningBot) -> None:
    bot.slack.state.server_errors.set("chat.postMessage", times=2, status=503)
    await seed(bot.components.standups.store, 1)

    card = await bot.slack.state.wait_for("chat.postMessage", lambda c: c in cards(bot), timeout=15)
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.seq > card.seq, timeout=10
    )  # and the host DM after it
    assert len(cards(bot)) == 1
    assert len(bot.emulator.state.rooms) == 1


async def test_a_run_that_fails_for_good_tells_the_owner_once_and_moves_on(
    bot: RunningBot,
) -> None:
    await bot.emulator.control.set_fault(method="POST", path="/rooms", status=403, times=10)
    store = bot.components.standups.store
    due = await seed(store, 1)

    told = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == bot.slack.state.dm_channel(CREATOR).id,
        timeout=15,
    )
    await until_moved_on(store, ["sf000"], due)
    assert not cards(bot) and not bot.emulator.state.rooms
    dm = bot.slack.state.dm_channel(CREATOR).id
    told_again = [
        c for c in bot.slack.state.calls_to("chat.postMessage") if c.params.get("channel") == dm
    ]
    assert told_again == [told], "told once, not retried"
