"""Standups on either provider (issue 9): each run's card has a Join link that works and the
owner gets the host link by DM; the one room is renewed with links that outlive its old expiry,
recreated when gone, fired once however many workers race, and a recording made in it reaches
the newest card's thread.

`provider_bot` runs each test on the Meetings and on the Daily emulator. The bot and both
emulators share one steerable clock, so "the next run comes" is a clock move. Provider-free
standup behaviour (late runs, listing, cancelling, mistakes) is in tests/test_standups.py.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from meetbot_sandbox.meetings import MutableClock
from meetbot_sandbox.slack.models import ApiCall

from bot.app import WorkerRole, build, close
from tests.plugins.bot import CREATOR
from tests.plugins.providers import DailyRooms, ProviderBot
from tests.recordings import open_recording, recording_link
from tests.test_standups import cards, last_seq, next_card, next_run, schedule, settled

WEEKDAYS_0930 = {f"{day} 09:30" for day in ("Mon", "Tue", "Wed", "Thu", "Fri")}


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    """The clock both emulators read: the bot and the rooms move together."""
    return emulator_clock


def button_urls(call: ApiCall) -> list[str]:
    """Every link button in a message (the card's Join, the DM's Join as host)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button" and isinstance(node.get("url"), str):
                found.append(node["url"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(call.params.get("blocks", []))
    return found


def join_link(bot: ProviderBot, card: ApiCall) -> str:
    """The card's Join link, checked to let guests (and only guests) in now."""
    (link,) = button_urls(card)
    assert bot.rooms.admits(link) == "guest"
    return link


async def host_dm(bot: ProviderBot, card: ApiCall) -> ApiCall:
    """The owner's DM that follows a run's card."""
    dm = bot.slack.state.dm_channel(CREATOR).id
    return await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.seq > card.seq and c.params.get("channel") == dm,
        timeout=10,
    )


def host_link(bot: ProviderBot, dm: ApiCall) -> str:
    (link,) = [u for u in button_urls(dm) if bot.rooms.admits(u) == "host"]
    return link


async def run(bot: ProviderBot, clock: MutableClock, schedule_id: str) -> ApiCall:
    """Move the clock to the next run; the card it posts."""
    mark = last_seq(bot)
    clock.set(await next_run(bot, schedule_id))
    return await next_card(bot, mark)


async def test_each_run_posts_a_card_with_a_working_join_link_and_dms_the_host_link(
    provider_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = provider_bot
    schedule_id = await schedule(bot, "standup Team sync every weekday 09:30 --here")
    announced = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and "scheduled *Team sync*" in c.params["text"]
    )
    assert "Europe/Berlin" in announced.params["text"], "the creator's Slack time zone"
    assert not bot.rooms.room_ids(), "nothing runs before 09:30"

    due = await next_run(bot, schedule_id)
    assert due.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") in WEEKDAYS_0930
    card = await run(bot, bot_clock, schedule_id)
    room = bot.rooms.only_room()
    assert card.params["text"].startswith("<!here>"), "@here because --here was given"
    assert "Long-term room" in json.dumps(card.params["blocks"])
    assert room.guest_secret in join_link(bot, card)
    assert room.host_secret not in json.dumps(card.params), "the host link never in a channel"
    assert room.host_secret in host_link(bot, await host_dm(bot, card))

    # The next weekday at 09:30 Berlin: a fresh card, the same room, and the room's events
    # now reach the new card.
    following = await next_run(bot, schedule_id)
    assert following.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %H:%M") in WEEKDAYS_0930
    second = await run(bot, bot_clock, schedule_id)
    assert second.response["ts"] != card.response["ts"]
    assert bot.rooms.room_ids() == [room.id]
    join_link(bot, second)
    host_link(bot, await host_dm(bot, second))
    saved = await bot.components.standups.store.get(schedule_id)
    assert saved is not None and saved.room_id == room.id
    newest = bot.components.standups.occurrence_request(saved, int(following.timestamp()))
    assert await bot.components.store.records.id_for_room(room.id) == newest.meeting_id


async def test_a_renewed_room_hands_out_links_valid_past_its_old_expiry(
    provider_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = provider_bot
    schedule_id = await schedule(bot, "standup monthly on the last friday 17:00")
    first = await run(bot, bot_clock, schedule_id)
    room_id = bot.rooms.only_room().id
    old_expiry = bot.rooms.room_expiry(room_id)
    assert old_expiry is not None
    first_join = join_link(bot, first)
    await host_dm(bot, first)

    await run(bot, bot_clock, schedule_id)  # a month on: 55 days or more left, kept as it is
    assert bot.rooms.room_expiry(room_id) == old_expiry
    due = await next_run(bot, schedule_id)
    assert old_expiry - due < timedelta(days=45), "two months on: due for renewal"
    renewed = await run(bot, bot_clock, schedule_id)
    new_expiry = bot.rooms.room_expiry(room_id)
    assert new_expiry is not None and new_expiry >= due + timedelta(days=80)
    assert bot.rooms.room_ids() == [room_id], "the same room, renewed"

    # After the room's old expiry, the links handed out since the renewal still let people in.
    past = old_expiry + timedelta(minutes=1)
    join, host = join_link(bot, renewed), host_link(bot, await host_dm(bot, renewed))
    assert bot.rooms.admits(join, at=past) == "guest"
    assert bot.rooms.admits(host, at=past) == "host"
    if isinstance(bot.rooms, DailyRooms):
        # Daily's links carry meeting tokens: the renewal minted new ones expiring with the
        # room, and the first card's token still ends at the old expiry.
        tokens = bot.rooms.daily.state.tokens
        for link in (join, host):
            assert tokens[link.split("?t=")[1]]["exp"] == int(new_expiry.timestamp())
        assert tokens[first_join.split("?t=")[1]]["exp"] == int(old_expiry.timestamp())
        assert bot.rooms.admits(first_join, at=past) is None


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_a_renewal_cut_short_after_the_room_moved_is_made_again_with_fresh_links(
    provider_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = provider_bot
    assert isinstance(bot.rooms, DailyRooms)
    daily = bot.rooms.daily
    schedule_id = await schedule(bot, "standup monthly on the last friday 17:00")
    await run(bot, bot_clock, schedule_id)
    room_id = bot.rooms.only_room().id
    old_expiry = bot.rooms.room_expiry(room_id)
    assert old_expiry is not None
    await run(bot, bot_clock, schedule_id)

    # At the renewal Daily fails the new expiry once (tokens are signed by the bot itself
    # since issue 15, so the renewal is this one call): the run is retried a second later.
    await daily.control.set_fault(method="POST", path="/rooms/*", status=500, times=1)
    mark = last_seq(bot)
    bot_clock.set(await next_run(bot, schedule_id))
    async with asyncio.timeout(15):
        while not (posted := [c for c in cards(bot) if c.seq > mark]):
            bot_clock.advance(seconds=1)  # until the retry is due
            await asyncio.sleep(0.05)
    assert not daily.state.faults, "the failure happened"
    join = join_link(bot, posted[0])
    assert bot.rooms.admits(join, at=old_expiry + timedelta(minutes=1)) == "guest"


async def test_a_room_that_is_gone_is_recreated(
    provider_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = provider_bot
    schedule_id = await schedule(bot, "standup daily 09:30")
    await run(bot, bot_clock, schedule_id)
    (gone,) = bot.rooms.room_ids()

    bot.rooms.remove_room(gone)  # the provider answers 404 for it
    card = await run(bot, bot_clock, schedule_id)
    (room,) = bot.rooms.room_ids()
    assert room != gone
    join_link(bot, card)
    host_link(bot, await host_dm(bot, card))
    await settled(bot, schedule_id)  # the run is over: the schedule has adopted the room
    saved = await bot.components.standups.store.get(schedule_id)
    assert saved is not None and saved.room_id == room


async def test_two_workers_racing_post_one_card(
    provider_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = provider_bot
    schedule_id = await schedule(bot, "standup daily 09:30")
    c = bot.components
    other = await build(c.settings, http=bot.http, provider=c.provider, clock=bot_clock)
    second_worker = WorkerRole(other, shutdown_grace=0)
    second_worker.start()
    try:
        due = await next_run(bot, schedule_id)
        await run(bot, bot_clock, schedule_id)
        await settled(bot, schedule_id)
        # Anyone firing the same occurrence again without holding its claim meets the
        # occurrence's fired key and posts nothing.
        fired = await c.standups.fire(
            schedule_id, int(due.timestamp()), owner="dup", late_seconds=0
        )
        assert fired == "duplicate"
    finally:
        await second_worker.stop()
        await close(other, own_http=False, own_redis=True)
    assert len(cards(bot)) == 1
    assert len(bot.rooms.room_ids()) == 1
    assert await next_run(bot, schedule_id) > due, "on to the next day"


async def test_a_recording_in_the_standup_room_reaches_the_newest_card_s_thread(
    provider_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = provider_bot
    schedule_id = await schedule(bot, "standup daily 09:30")
    first = await run(bot, bot_clock, schedule_id)
    card = await run(bot, bot_clock, schedule_id)
    (room,) = bot.rooms.room_ids()
    bot.rooms.allow_recording(room)  # standups have no --record; people record by hand

    session = await bot.rooms.start_session(room)
    await bot.rooms.join(session, "Ana", is_host=True)
    recording = await bot.rooms.start_recording(session)
    bot.rooms.advance(minutes=9)
    await bot.rooms.end_session(session)
    link = await bot.rooms.recording_ready(recording)

    reply = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("thread_ts") == card.response["ts"],
        timeout=15,
    )
    shown = json.dumps(reply.params)
    assert "9 min" in shown
    assert urlsplit(link).path in await open_recording(bot.http, recording_link(shown, bot.url))
    channel = str(first.params["channel"])
    assert not bot.slack.state.thread(channel, str(first.response["ts"])), "not the older card"
