"""`recording.started` as Daily sends it (no room: https://docs.daily.co/reference/rest-api/
webhooks/events/recording-started) turns the card's recording badge on: through what the host's
`participant.joined` told us, or else through one `GET /recordings/{id}`, noted for redeliveries.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.job_wait import finished
from tests.plugins.providers import DailyRooms, ProviderBot
from tests.test_daily_route import post, secret
from tests.test_lifecycle_card import card_update, start_on

pytestmark = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


def rooms(bot: ProviderBot) -> DailyRooms:
    assert isinstance(bot.rooms, DailyRooms)
    return bot.rooms


async def recording_lookups(bot: ProviderBot) -> int:
    stats = await rooms(bot).daily.control.stats()
    return int(stats["requests"].get("GET /recordings/{recording_id}", 0))


async def delivered(bot: ProviderBot, kind: str) -> dict[str, Any]:
    (body,) = [d["body"] for d in await rooms(bot).daily.control.deliveries() if d["type"] == kind]
    return dict(body)


async def test_the_host_s_recording_shows_without_asking_daily(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card = await start_on(bot, "Recorded --record")
    session = await bot.rooms.start_session(card.room_id)
    await bot.rooms.join(session, "Ana", is_host=True)
    await bot.rooms.start_recording(session)
    await card_update(bot, card, lambda t: "Recording" in t)
    started = await delivered(bot, "recording.started")
    assert "room" not in started["payload"] and "room_name" not in started["payload"]
    assert await recording_lookups(bot) == 0, "the host's join said which room it is"


async def test_a_recording_nobody_s_join_explains_is_looked_up_once(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    daily = rooms(bot).daily
    card = await start_on(bot, "Recorded --record")
    session = await bot.rooms.start_session(card.room_id)
    await card_update(bot, card, lambda t: "Live" in t)
    await daily.control.join(session, "Ana", is_host=True, webhook=False)  # that webhook is lost
    await bot.rooms.start_recording(session)
    await card_update(bot, card, lambda t: "Recording" in t)
    assert await recording_lookups(bot) == 1

    # Daily delivers it again (say our 200 never reached it): answered from what we noted.
    raw = json.dumps(await delivered(bot, "recording.started")).encode()
    assert await post(bot, raw, signed_with=secret(bot)) == (200, None)
    assert await recording_lookups(bot) == 1


async def test_a_recording_in_a_room_meetbot_did_not_make_changes_nothing(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    daily = rooms(bot).daily
    card = await start_on(bot, "Ours")
    other = {"name": "someone-elses", "properties": {"enable_recording": "cloud"}}
    async with bot.http.post(
        f"{daily.base_url}/rooms",
        json=other,
        headers={"Authorization": f"Bearer {daily.api_key}"},
    ) as response:
        assert response.status == 200
    session = await daily.control.start_session("someone-elses")
    recording_id = await daily.control.start_recording(session)
    (started,) = [d for d in await daily.control.deliveries() if d["type"] == "recording.started"]
    assert started["status"] == 200
    key = f"daily-recording:daily|recording.started|{started['body']['id']}"
    job = await bot.components.queue.job(key)
    assert job is not None
    await finished(job, within=10)
    assert job.result == "not ours"
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and not meeting.recordings
    assert recording_id not in json.dumps([c.params for c in bot.slack.state.calls])
