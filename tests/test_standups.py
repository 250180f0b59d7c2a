"""Standups end to end: `/meet standup` schedules, the worker posts a card at each run, exactly once.

The bot and the Meetings emulator share one steerable clock (`bot_clock`), so "09:30 comes"
is a clock move; the scheduler loop in the worker notices it on its next look.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app import build, close
from bot.run import WorkerRole
from bot.sandbox.meetings import MutableClock
from bot.sandbox.slack.models import ApiCall
from bot.standup_scheduler import StandupScheduler
from bot.standup_tasks import StandupFirer
from tests.plugins.bot import CREATOR, GENERAL, RunningBot

WEEKDAYS_0930 = {f"{day} 09:30" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")}


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    """Starts at the wall-clock time, frozen; the provider's JWTs are minted in wall time, so
    tests move it by days at most."""
    return emulator_clock


async def settled(bot: RunningBot, schedule_id: str) -> None:
    """Wait until no scheduler holds the schedule's occurrence (its run is over and advanced)."""
    claimed = bot.components.standups.store.keys.standups_claimed()
    async with asyncio.timeout(10):
        while await bot.components.redis.hexists(claimed, schedule_id):  # noqa: ASYNC110
            await asyncio.sleep(0.02)  # Redis has no "hash field deleted" to wait on


async def next_run(bot: RunningBot, schedule_id: str) -> datetime:
    """The next occurrence, once the one in flight (if any) has moved the schedule on."""
    await settled(bot, schedule_id)
    due = (await bot.components.standups.store.next_due([schedule_id]))[schedule_id]
    return datetime.fromtimestamp(due, UTC)


def is_card(call: ApiCall) -> bool:
    return (
        call.ok
        and call.params.get("channel") == GENERAL
        and ":repeat: Standup" in call.params["text"]
    )


def cards(bot: RunningBot) -> list[ApiCall]:
    return [c for c in bot.slack.state.calls_to("chat.postMessage") if is_card(c)]


async def schedule(bot: RunningBot, text: str) -> str:
    """Run `/meet <text>` and return the new schedule's id from the private confirmation."""
    url = bot.slack.response_url()
    reply = await bot.command(text, response_url=url)
    assert reply.status == 200 and "Scheduling" in reply.text
    body = await bot.slack.state.wait_for_response(url, lambda b: "Its id is" in b["text"], 10)
    found = re.search(r"Its id is `([a-z0-9]+)`", body["text"])
    assert found is not None
    return found.group(1)


async def next_card(bot: RunningBot, after: int) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: is_card(c) and c.seq > after, timeout=10
    )


def last_seq(bot: RunningBot) -> int:
    return bot.slack.state.calls[-1].seq if bot.slack.state.calls else 0


async def test_a_standup_posts_a_card_at_each_run_in_one_reused_room(
    bot: RunningBot, bot_clock: MutableClock
) -> None:
    schedule_id = await schedule(bot, "standup Team sync every weekday 09:30 --here")
    announced = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and "scheduled *Team sync*" in c.params["text"]
    )
    assert "Europe/Berlin" in announced.params["text"], "the creator's Slack time zone"
    assert not bot.emulator.state.rooms, "nothing runs before 09:30"

    due = await next_run(bot, schedule_id)
    mark = last_seq(bot)
    bot_clock.set(due)
    card = await next_card(bot, mark)
    (room,) = bot.emulator.state.rooms.values()
    assert room.type == "long_term"
    assert card.params["text"].startswith("<!here>"), "@here because --here was given"
    assert f"/{room.meeting_code}" in json.dumps(card.params)
    assert room.participant_token not in json.dumps(card.params)
    dm = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.seq > card.seq and room.participant_token in json.dumps(c.params),
        timeout=10,
    )
    assert dm.params["channel"] == bot.slack.state.dm_channel(CREATOR).id
    assert due.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") in WEEKDAYS_0930

    # The next weekday at 09:30 Berlin: a fresh card, the same room, and callbacks for that
    # room now reach the new card.
    following = await next_run(bot, schedule_id)
    assert following.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") in WEEKDAYS_0930
    mark = last_seq(bot)
    bot_clock.set(following)
    second = await next_card(bot, mark)
    assert second.response["ts"] != card.response["ts"]
    assert list(bot.emulator.state.rooms) == [room.id]
    saved = await bot.components.standups.store.get(schedule_id)
    assert saved is not None and saved.room_id == room.id
    newest = bot.components.standups.occurrence_request(saved, int(following.timestamp()))
    assert await bot.components.store.meeting_id_for_room(room.id) == newest.meeting_id


async def test_the_room_is_renewed_before_it_expires_and_recreated_when_gone(
    bot: RunningBot, bot_clock: MutableClock
) -> None:
    schedule_id = await schedule(bot, "standup daily 09:30")
    mark = last_seq(bot)
    bot_clock.set(await next_run(bot, schedule_id))
    await next_card(bot, mark)
    (room,) = bot.emulator.state.rooms.values()

    due = await next_run(bot, schedule_id)
    room.expires_at = due + timedelta(days=5)  # about to expire at the next run
    mark = last_seq(bot)
    bot_clock.set(due)
    await next_card(bot, mark)
    assert room.expires_at >= due + timedelta(days=80), "PATCHed to a new expiry"
    assert list(bot.emulator.state.rooms) == [room.id]

    del bot.emulator.state.rooms[room.id]  # gone: the API answers 404
    mark = last_seq(bot)
    bot_clock.set(await next_run(bot, schedule_id))
    card = await next_card(bot, mark)
    (new_room,) = bot.emulator.state.rooms.values()
    assert new_room.id != room.id
    assert f"/{new_room.meeting_code}" in json.dumps(card.params)


async def test_two_workers_racing_post_one_card(bot: RunningBot, bot_clock: MutableClock) -> None:
    schedule_id = await schedule(bot, "standup daily 09:30")
    other = await build(
        bot.components.settings,
        http=bot.http,
        provider=bot.components.provider,
        clock=bot_clock,
    )
    second_worker = WorkerRole(other, shutdown_grace=0)
    second_worker.start()
    try:
        due = await next_run(bot, schedule_id)
        mark = last_seq(bot)
        bot_clock.set(due)
        await next_card(bot, mark)
        await settled(bot, schedule_id)
        # Anyone firing the same occurrence again without holding its claim meets the
        # occurrence's fired key and posts nothing.
        standups = bot.components.standups
        fired = await standups.fire(schedule_id, int(due.timestamp()), owner="dup", late_seconds=0)
        assert fired == "duplicate"
    finally:
        await second_worker.stop()
        await close(other, own_http=False, own_redis=True)
    assert len(cards(bot)) == 1
    assert len(bot.emulator.state.rooms) == 1
    assert await next_run(bot, schedule_id) > due, "on to the next day"


async def test_a_run_up_to_15_minutes_late_is_posted_and_marked_late_older_ones_are_skipped(
    bot_no_worker: RunningBot, bot_clock: MutableClock
) -> None:
    bot = bot_no_worker
    bot.start_worker()
    schedule_id = await schedule(bot, "standup daily 09:30")
    await bot.stop_worker()  # every worker is down at 09:30

    mark = last_seq(bot)
    bot_clock.set(await next_run(bot, schedule_id) + timedelta(minutes=10))
    bot.start_worker()
    card = await next_card(bot, mark)
    assert "posted 10 min late" in card.params["text"]
    job_done = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params["channel"].startswith("D"), timeout=10
    )
    assert job_done.seq > card.seq
    await settled(bot, schedule_id)
    await bot.stop_worker()

    # Down again, and back 20 minutes after the next run: that run is skipped, not posted.
    due = await next_run(bot, schedule_id)
    bot_clock.set(due + timedelta(minutes=20))
    c = bot.components
    scheduler = StandupScheduler(c.standups.store, StandupFirer(c.standups), c.clock)
    assert await scheduler.run_once() == 1
    assert await next_run(bot, schedule_id) > due + timedelta(hours=12), "on to the day after"
    assert scheduler.stats.skipped == 1 and scheduler.stats.fired == 0, "nothing posted"
    assert len(cards(bot)) == 1


async def test_schedules_lists_the_channel_and_cancel_needs_the_owner_or_an_admin(
    bot: RunningBot,
) -> None:
    schedule_id = await schedule(bot, "standup every monday 14:00")
    listed = await bot.command("schedules")
    assert schedule_id in listed.text and "every Monday at 14:00 (Europe/Berlin)" in listed.text
    assert "<!date^" in listed.text, "the next run in each reader's own time"

    bot.slack.state.add_user("U0BOB", "bob")
    url = bot.slack.response_url()
    await bot.command(f"cancel {schedule_id}", user_id="U0BOB", response_url=url)
    refused = await bot.slack.state.wait_for_response(url, timeout=10)
    assert "Only <@U0ALICE>" in refused["text"]
    assert await bot.components.standups.store.get(schedule_id) is not None

    bot.slack.state.add_user("U0ADMIN", "root", is_admin=True)
    url = bot.slack.response_url()
    await bot.command(f"cancel {schedule_id}", user_id="U0ADMIN", response_url=url)
    done = await bot.slack.state.wait_for_response(url, timeout=10)
    assert "is cancelled" in done["text"]
    assert await bot.components.standups.store.get(schedule_id) is None
    assert "No standups" in (await bot.command("schedules")).text


async def test_the_owner_cancels_at_once_and_unknown_ids_are_named(
    bot: RunningBot,
) -> None:
    schedule_id = await schedule(bot, "standup daily 9:00")
    reply = await bot.command(f"cancel {schedule_id}")
    assert "is cancelled" in reply.text
    assert "There is no standup `nope`" in (await bot.command("cancel nope")).text


async def test_mistakes_get_examples_and_a_channel_we_cannot_post_in_is_refused(
    bot: RunningBot,
) -> None:
    for text, problem in [
        ("standup 09:30", "needs days"),
        ("standup every monday", "Add the time"),
        ("standup every blursday 10:00", "can't read"),
    ]:
        reply = await bot.command(text)
        assert problem in reply.text and "/meet standup every weekday 09:30" in reply.text

    bot.slack.state.add_channel("G0SECRET", "secret", private=True, member=False)
    url = bot.slack.response_url()
    await bot.command("standup daily 9:00", channel_id="G0SECRET", response_url=url)
    body = await bot.slack.state.wait_for_response(url, lambda b: "can't post" in b["text"], 10)
    assert "/invite @meetbot" in body["text"]
    assert "No standups" in (await bot.command("schedules", channel_id="G0SECRET")).text
