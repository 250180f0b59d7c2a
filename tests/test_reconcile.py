"""Lost callbacks: one reconcile sweep asks the Meetings API and brings the card to the truth."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from bot.app import live_cards
from bot.storage.jobs import JobName
from tests.plugins.bot import RunningBot
from tests.recordings import open_recording, recording_link
from tests.test_lifecycle_card import Card, card_update, join_button, refreshes_done, start
from tests.test_lifecycle_recordings import recorded_session, thread_reply


async def reconcile(bot: RunningBot, card: Card) -> None:
    """What one sweep does for this meeting (the sweep itself: the last test)."""
    _, reconciler = live_cards(bot.components)
    await reconciler.check(card.meeting_id)


async def next_check(bot: RunningBot, card: Card) -> float | None:
    score = await bot.components.redis.zscore(
        bot.components.store.keys.active_meetings(), card.meeting_id
    )
    return None if score is None else float(score)


async def test_a_lost_session_end_is_read_off_the_instant_rooms_idle_clock(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Lost end")
    control = bot.emulator.control
    session = await control.start_session(card.room_id)
    await control.join(session, "Ana", is_host=True)
    await card_update(bot, card, lambda t: "Here now (1)" in t)
    bot.emulator.clock.advance(minutes=30)
    await control.end_session(session, callback=False)

    await reconcile(bot, card)
    ended = await card_update(bot, card, lambda t: "Ended" in t)
    shown = json.dumps(ended["blocks"])
    assert "lasted 30 min" in shown and "Attended (1)" in shown
    assert await next_check(bot, card) is not None, "still watched until the room expires"


async def test_a_lost_expiry_is_found_and_the_meeting_is_settled(bot: RunningBot) -> None:
    card = await start(bot, "Lost expiry --for 30d")
    await bot.emulator.control.expire_room(card.room_id, callback=False)
    await reconcile(bot, card)
    expired = await card_update(bot, card, lambda t: "expired" in t)
    assert not join_button(expired["blocks"])
    assert await next_check(bot, card) is None, "nothing can change any more"


async def test_an_unused_instant_room_expires_on_the_card_after_its_ten_minutes(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Nobody came")
    bot.emulator.clock.advance(minutes=11)
    await reconcile(bot, card)
    await card_update(bot, card, lambda t: "expired" in t)


async def test_a_lost_recording_upload_is_posted_in_the_thread(bot: RunningBot) -> None:
    card = await start(bot, "Lost upload --record")
    _, recording_id = await recorded_session(bot, card)
    url = await bot.emulator.control.upload_recording(recording_id, callback=False)
    await reconcile(bot, card)
    reply = await thread_reply(bot, card)
    link = recording_link(json.dumps(reply.params), bot.url)
    assert urlsplit(url).path in await open_recording(bot.http, link)
    await reconcile(bot, card)  # and a second look posts nothing more
    await refreshes_done(bot, card)
    assert len(bot.slack.state.thread(card.channel, card.ts)) == 1


async def test_a_long_term_rooms_lost_end_cannot_be_seen_so_the_card_stays_live(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Weekly --for 30d")
    session = await bot.emulator.control.start_session(card.room_id)
    await card_update(bot, card, lambda t: "Live" in t)
    await bot.emulator.control.end_session(session, callback=False)
    await reconcile(bot, card)
    await refreshes_done(bot, card)
    shown = json.dumps(bot.slack.state.message(card.channel, card.ts).blocks)
    assert "Live" in shown, "the API has no session endpoint: the documented limit"
    later = await next_check(bot, card)
    assert later is not None and later > datetime.now(UTC).timestamp()


async def test_the_periodic_job_runs_the_sweep_and_only_one_runs_at_a_time(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Periodic --for 30d")
    await bot.emulator.control.expire_room(card.room_id, callback=False)
    past = datetime.now(UTC) - timedelta(seconds=1)
    await bot.components.store.watchlist.mark_active(card.meeting_id, past)
    async with bot.components.store.locks.exclusive("reconcile", ttl=30) as held:
        assert held
        _, reconciler = live_cards(bot.components)
        assert await reconciler.sweep() == 0, "another replica is sweeping"
    await bot.components.jobs.enqueue(JobName.RECONCILE, "reconcile:now")
    await card_update(bot, card, lambda t: "expired" in t)
