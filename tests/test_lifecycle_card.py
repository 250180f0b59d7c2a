"""The card follows the room: live with people, ended with duration and who came, expired.

The emulator fires real callbacks at the running bot; we read what the fake Slack shows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.providers.meetings.events import parse_callback
from tests.job_wait import finished
from tests.plugins.bot import GENERAL, RunningBot
from tests.plugins.providers import ProviderBot


@dataclass(frozen=True)
class Card:
    channel: str
    ts: str
    room_id: str
    meeting_id: str
    callback_url: str


async def start(bot: RunningBot, text: str = "", channel: str = GENERAL) -> Card:
    """/meet, and the card it posts (with the room and meeting behind it), once the job is done."""
    trigger_id = new_trigger_id()
    await bot.command(text, channel_id=channel, trigger_id=trigger_id)
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    posted = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == channel, timeout=10
    )
    room = next(r for r in bot.emulator.state.rooms.values() if r.callback_urls)
    assert room.callback_urls is not None
    meeting_id = await bot.components.store.records.id_for_room(room.id)
    assert meeting_id is not None
    url = room.callback_urls["sessions_callback_url"]
    return Card(channel, str(posted.response["ts"]), room.id, meeting_id, url)


async def start_on(bot: ProviderBot, text: str = "") -> Card:
    """`start` on whichever provider the bot runs (Daily rooms have no callback URL)."""
    trigger_id = new_trigger_id()
    await bot.command(text, trigger_id=trigger_id)
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    posted = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )
    room = bot.rooms.only_room()
    meeting_id = await bot.components.store.records.id_for_room(room.id)
    assert meeting_id is not None
    return Card(GENERAL, str(posted.response["ts"]), room.id, meeting_id, "")


def card_text(call: ApiCall) -> str:
    return json.dumps(call.params.get("blocks", []))


async def card_update(
    bot: RunningBot, card: Card, shows: Callable[[str], bool], within: float = 15
) -> dict[str, Any]:
    """The first chat.update of this card whose blocks satisfy `shows`; returns the blocks."""
    call = await bot.slack.state.wait_for(
        "chat.update",
        lambda c: c.ok and c.params.get("ts") == card.ts and shows(card_text(c)),
        timeout=within,
    )
    return {"blocks": call.params["blocks"], "text": call.params.get("text", "")}


def join_button(blocks: list[dict[str, Any]]) -> bool:
    return any(b.get("accessory", {}).get("action_id") == "join_meeting" for b in blocks)


async def test_the_card_goes_live_shows_who_is_there_and_ends_with_duration_and_attendees(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Design review")
    control = bot.rooms
    session = await control.start_session(card.room_id)
    live = await card_update(bot, card, lambda t: "Live" in t)
    assert "<!date^" in json.dumps(live["blocks"]), "live since HH:MM in the reader's zone"

    ana = await control.join(session, "Ana", is_host=True)
    li = await control.join(session, "Li")
    both = await card_update(bot, card, lambda t: "Here now (2)" in t)
    assert "Ana _(host)_" in json.dumps(both["blocks"]) and "Li" in json.dumps(both["blocks"])

    await control.leave(session, li)
    await card_update(bot, card, lambda t: "Here now (1)" in t)
    await control.leave(session, ana)
    control.advance(minutes=30)
    await control.end_session(session)
    ended = await card_update(bot, card, lambda t: "Ended" in t)
    text = json.dumps(ended["blocks"])
    assert "lasted 30 min" in text
    assert "Attended (2)" in text and "Ana _(host)_" in text and "Li" in text
    assert not join_button(ended["blocks"]), "an ended instant room has no Join button"
    message = bot.slack.state.message(card.channel, card.ts)
    assert "Ended" in json.dumps(message.blocks)


async def test_a_long_term_room_keeps_its_join_button_after_the_session(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Q4 planning --for 30d")
    session = await bot.rooms.start_session(card.room_id)
    await card_update(bot, card, lambda t: "Live" in t)
    bot.rooms.advance(minutes=5)
    await bot.rooms.end_session(session)
    ended = await card_update(bot, card, lambda t: "Ended" in t)
    assert "lasted 5 min" in json.dumps(ended["blocks"])
    assert join_button(ended["blocks"])


async def test_an_expired_room_says_so_and_loses_its_join_button(bot: RunningBot) -> None:
    card = await start(bot, "Q4 planning --for 30d")
    await bot.emulator.control.expire_room(card.room_id)
    expired = await card_update(bot, card, lambda t: "expired" in t)
    assert not join_button(expired["blocks"])


async def test_a_recording_shows_a_badge_while_it_runs(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card = await start_on(bot, "Recorded --record")
    session = await bot.rooms.start_session(card.room_id)
    await bot.rooms.join(session, "Ana", is_host=True)
    await bot.rooms.start_recording(session)
    await card_update(bot, card, lambda t: "Recording" in t and "Here now (1)" in t)


async def test_fifty_joins_in_a_burst_cost_a_few_updates_and_all_fifty_are_counted(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "All hands")
    session = await bot.rooms.start_session(card.room_id)
    await card_update(bot, card, lambda t: "Live" in t)
    before = len(bot.slack.state.calls_to("chat.update"))
    for i in range(50):
        await bot.rooms.join(session, f"Person {i:02d}")
    final = await card_update(bot, card, lambda t: "Here now (50)" in t)
    assert "and 30 more" in json.dumps(final["blocks"]), "the list is capped at 20 names"
    updates = len(bot.slack.state.calls_to("chat.update")) - before
    assert updates <= 3, f"50 joins made {updates} chat.update calls"


async def test_a_card_still_being_posted_catches_up_with_the_room(bot: RunningBot) -> None:
    # The first session starts before the worker has saved the card's ts: the refresh waits
    # for the card instead of losing the update.
    card = await start(bot, "Early birds")
    await bot.components.store.records.update(card.meeting_id, lambda m: m.replace(card_ts=None))
    session = await bot.emulator.control.start_session(card.room_id)
    await bot.emulator.control.join(session, "Ana")
    await bot.components.store.records.update(card.meeting_id, lambda m: m.replace(card_ts=card.ts))
    await card_update(bot, card, lambda t: "Here now (1)" in t)


async def post_callback(bot: RunningBot, card: Card, payload: dict[str, Any]) -> int:
    """POST a hand-made callback body to the card's callback URL, as the provider would."""
    async with bot.http.post(card.callback_url, json=payload) as response:
        return response.status


async def processed(bot: RunningBot, card: Card, payload: dict[str, Any]) -> None:
    """Wait until the room_event job for this callback body has finished."""
    job = await bot.components.queue.job(
        f"event:{card.meeting_id}:{parse_callback(payload).identity}"
    )
    assert job is not None, "the callback was enqueued"
    await finished(job, within=15)


async def refreshes_done(bot: RunningBot, card: Card) -> None:
    """Wait until every card refresh scheduled so far for this meeting has run."""
    queue = bot.components.queue
    pattern = queue.job_id(f"card:{card.meeting_id}:*")
    for job_id in await queue.redis.keys(pattern):
        raw = job_id.decode() if isinstance(job_id, bytes) else job_id
        job = await queue.job(queue.job_key_from_id(raw))
        if job is not None:
            await finished(job, within=15)


async def test_a_card_update_slack_fails_to_take_is_made_once_slack_answers_again(
    bot: RunningBot,
) -> None:
    """Slack answering 5xx to chat.update (an outage) must not leave the card behind the room."""
    card = await start(bot, "Outage review")
    bot.slack.state.server_errors.set("chat.update", times=3, status=503)
    await bot.emulator.control.start_session(card.room_id)
    await card_update(bot, card, lambda t: "Live" in t, within=30)
    refused = [c for c in bot.slack.state.calls_to("chat.update") if not c.ok]
    assert len(refused) == 3, "the outage was met, and the card still went live after it"
