"""A card posted through a response_url has no ts: it is never updated, its recordings go by DM."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from tests.plugins.bot import CREATOR, RunningBot
from tests.recordings import open_recording, recording_link
from tests.test_lifecycle_card import Card, refreshes_done

PRIVATE = "G0SECRET"


async def test_a_response_url_card_stays_as_posted_and_the_recording_reaches_the_creator(
    bot: RunningBot,
) -> None:
    state = bot.slack.state
    state.add_channel(PRIVATE, "secret", private=True, member=False)
    response_url = bot.slack.response_url()
    await bot.command(
        "Retro --record", channel_id=PRIVATE, channel_name="privategroup", response_url=response_url
    )
    await state.wait_for_response(
        response_url, lambda body: body.get("response_type") == "in_channel", timeout=10
    )
    (room,) = bot.emulator.state.rooms.values()
    meeting_id = await bot.components.store.records.id_for_room(room.id)
    assert meeting_id is not None and room.callback_urls is not None
    card = Card(PRIVATE, "", room.id, meeting_id, room.callback_urls["rooms_callback_url"])

    control = bot.emulator.control
    session = await control.start_session(room.id)
    await control.join(session, "Ana", is_host=True)
    bot.emulator.clock.advance(minutes=4)
    await control.end_session(session)
    (recording,) = bot.emulator.state.recordings.values()
    url = await control.upload_recording(recording.id)

    dm = state.dm_channel(CREATOR)
    reply = await state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == dm.id and "recording" in c.params["text"],
        timeout=15,
    )
    link = recording_link(json.dumps(reply.params), bot.url)
    assert urlsplit(url).path in await open_recording(bot.http, link)
    await refreshes_done(bot, card)
    assert state.calls_to("chat.update") == [], "a card without a ts cannot be updated"
    assert state.calls_to("calls.add") == [], "nor carry a Slack Call"
