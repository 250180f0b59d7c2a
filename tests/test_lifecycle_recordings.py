"""A ready recording: its link, duration and size once in the card's thread, and in App Home.

The link is meetbot's own (`PUBLIC_URL/recordings/<token>`), which fetches a fresh download
link at each click: tests/test_recording_links.py tells what happens when it is clicked.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.payloads import app_home_opened_event

from tests.plugins.bot import CREATOR, RunningBot
from tests.plugins.providers import ProviderBot
from tests.recordings import open_recording, recording_link
from tests.test_lifecycle_card import (
    Card,
    card_update,
    post_callback,
    processed,
    start,
    start_on,
)


async def recorded_session(bot: RunningBot, card: Card) -> tuple[str, str]:
    """An auto-recorded session of 9 minutes, ended: (session id, recording id)."""
    control = bot.emulator.control
    session = await control.start_session(card.room_id)
    await control.join(session, "Ana", is_host=True)
    await card_update(bot, card, lambda t: "Recording" in t)
    bot.emulator.clock.advance(minutes=9)
    await control.end_session(session)
    (recording,) = [r for r in bot.emulator.state.recordings.values() if r.session_id == session]
    return session, recording.id


async def thread_reply(bot: RunningBot, card: Card) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("thread_ts") == card.ts, timeout=15
    )


async def test_a_ready_recording_is_posted_once_in_the_thread_with_link_duration_and_size(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Retro --record")
    # The host has looked at meetbot's Home tab, so it is kept current from now on.
    await bot.event(app_home_opened_event(CREATOR))
    await bot.slack.state.wait_for("views.publish", lambda c: c.params.get("user_id") == CREATOR)
    session, recording_id = await recorded_session(bot, card)
    url = await bot.emulator.control.upload_recording(recording_id, callback="twice")

    reply = await thread_reply(bot, card)
    shown = json.dumps(reply.params)
    assert "9 min" in shown, "the duration"
    assert " B" in shown or "KB" in shown, "the size, read off the download link"
    link = recording_link(shown, bot.url)
    assert json.dumps(url)[1:-1] not in shown, "not the provider's link: it expires"
    assert urlsplit(url).path in await open_recording(bot.http, link), "the link itself"
    await card_update(bot, card, lambda t: "1 recording in the thread" in t)
    await bot.slack.state.wait_for(
        "views.publish",
        lambda c: c.params.get("user_id") == CREATOR and link in json.dumps(c.params),
        timeout=15,
    )

    # However often and under whichever name the callback comes back: one reply.
    late = {
        "event": "recording:ready",
        "recording_id": recording_id,
        "session_id": session,
        "url": url,
    }
    assert await post_callback(bot, card, late) == 204
    await processed(bot, card, late)
    assert len(bot.slack.state.thread(card.channel, card.ts)) == 1


async def test_a_ready_callback_without_a_link_fetches_the_recording(bot: RunningBot) -> None:
    card = await start(bot, "Retro --record")
    session, recording_id = await recorded_session(bot, card)
    url = await bot.emulator.control.upload_recording(recording_id, callback=False)
    bare = {"event": "recording:ready", "recording_id": recording_id, "session_id": session}
    assert await post_callback(bot, card, bare) == 204

    reply = await thread_reply(bot, card)
    link = recording_link(json.dumps(reply.params), bot.url)
    assert urlsplit(url).path in await open_recording(bot.http, link)
    assert "9 min" in json.dumps(reply.params), "GET /recordings/{id} gave the duration"


async def test_every_callback_delivered_twice_still_gives_one_true_card(bot: RunningBot) -> None:
    card = await start(bot, "Twice")
    control = bot.emulator.control
    session = await control.start_session(card.room_id, callback="twice")
    ana = await control.join(session, "Ana", is_host=True, callback="twice")
    li = await control.join(session, "Li", callback="twice")
    await control.leave(session, li, callback="twice")
    recording = await control.start_recording(session, callback="twice")
    await control.stop_recording(recording, callback="twice")
    await control.leave(session, ana, callback="twice")
    bot.emulator.clock.advance(minutes=12)
    await control.end_session(session, callback="twice")
    await control.upload_recording(recording, callback="twice")

    ended = await card_update(
        bot, card, lambda t: "Ended" in t and "1 recording in the thread" in t
    )
    shown = json.dumps(ended["blocks"])
    assert "lasted 12 min" in shown and "Attended (2)" in shown
    await thread_reply(bot, card)
    assert len(bot.slack.state.thread(card.channel, card.ts)) == 1


async def test_on_either_provider_a_ready_recording_reaches_the_thread(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Retro --record")
    session = await bot.rooms.start_session(card.room_id)
    await bot.rooms.join(session, "Ana", is_host=True)
    recording = await bot.rooms.start_recording(session)
    await card_update(bot, card, lambda t: "Recording" in t)
    bot.rooms.advance(minutes=9)
    await bot.rooms.end_session(session)
    download = await bot.rooms.recording_ready(recording)

    reply = await thread_reply(bot, card)
    shown = json.dumps(reply.params)
    assert "9 min" in shown, "the duration"
    assert " B" in shown or "KB" in shown, "the size, read off the download link"
    assert download not in shown, "meetbot's own link, not the provider's"
    assert download in await open_recording(bot.http, recording_link(shown, bot.url))
    await card_update(bot, card, lambda t: "1 recording in the thread" in t)
