"""With `calls:write`, the card carries a Slack Call that follows the room; without, it does not."""

from __future__ import annotations

import json

from meetbot_sandbox.slack.scopes import BOT_SCOPES

from tests.plugins.bot import CREATOR, RunningBot
from tests.test_lifecycle_card import card_update, refreshes_done, start


async def test_the_call_is_added_with_the_guest_link_follows_people_and_ends_with_the_session(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Sync")
    control = bot.emulator.control
    session = await control.start_session(card.room_id)
    await control.join(session, "Ana", is_host=True)
    li = await control.join(session, "Li")

    added = await bot.slack.state.wait_for("calls.add", lambda c: c.ok, timeout=15)
    (room,) = bot.emulator.state.rooms.values()
    assert added.params["join_url"].endswith(f"/{room.meeting_code}"), "the guest link"
    assert room.participant_token not in json.dumps(added.params), "never the host link"
    assert added.params["created_by"] == CREATOR
    call_id = added.response["call"]["id"]
    await card_update(bot, card, lambda t: f'"call_id": "{call_id}"' in t and "Here now (2)" in t)
    call = bot.slack.state.call_objects[call_id]
    assert sorted(u["display_name"] for u in call["users"]) == ["Ana", "Li"]

    await control.leave(session, li)
    removed = await bot.slack.state.wait_for("calls.participants.remove", timeout=15)
    assert removed.params["users"] == [{"external_id": li, "display_name": "Li"}]

    bot.emulator.clock.advance(minutes=15)
    await control.end_session(session)
    ended = await bot.slack.state.wait_for("calls.end", lambda c: c.ok, timeout=15)
    assert ended.params == {"id": call_id, "duration": 900}
    final = await card_update(bot, card, lambda t: "Ended" in t)
    assert {"type": "call", "call_id": call_id} in final["blocks"]
    assert len(bot.slack.state.calls_to("calls.add")) == 1


async def test_without_calls_write_the_card_works_without_a_call(bot: RunningBot) -> None:
    bot.slack.state.scopes = frozenset(BOT_SCOPES) - {"calls:write"}
    card = await start(bot, "No calls")
    control = bot.emulator.control
    session = await control.start_session(card.room_id)
    await control.join(session, "Ana")
    live = await card_update(bot, card, lambda t: "Here now (1)" in t)
    assert not any(block["type"] == "call" for block in live["blocks"])
    await control.join(session, "Li")
    await card_update(bot, card, lambda t: "Here now (2)" in t)
    await refreshes_done(bot, card)
    (refused,) = bot.slack.state.calls_to("calls.add")
    assert refused.response["error"] == "missing_scope", "asked once, then left alone"
