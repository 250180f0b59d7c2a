"""A standup made from the modal with "Take notes": each run's card says the meeting is
transcribed, and its one room transcribes (Daily). The Meetings API refuses it by name when the
standup is scheduled, before anything runs."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from meetbot_sandbox.meetings import MutableClock
from meetbot_sandbox.slack.payloads import view_submission_payload

from bot.slack import start_submission
from tests.plugins.bot import GENERAL, RunningBot
from tests.plugins.providers import DailyRooms, ProviderBot
from tests.test_standup_modal import values
from tests.test_standups import cards, next_card, next_run

CONSENT = "📝 Notes on: this meeting is transcribed"


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    return emulator_clock


async def submit_standup_with_notes(bot: RunningBot) -> str:
    """The modal with a repeat and Take notes ticked; the picker's response_url."""
    url = bot.slack.response_url()
    state: dict[str, Any] = values(
        conversation=GENERAL,
        room_kind="instant",
        title="Team sync",
        repeat="every weekday",
        repeat_time="09:30",
    )
    state["notes"] = {
        "notes_checkbox": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
    }
    payload = view_submission_payload(
        start_submission.START_MEETING_CALLBACK_ID,
        state,
        view_id="V0NOTESSTANDUP",
        response_urls=[
            {
                "block_id": "conversation",
                "action_id": "conversation_select",
                "channel_id": GENERAL,
                "response_url": url,
            }
        ],
    )
    reply = await bot.interact(payload)
    assert reply.status == 200 and reply.body is None
    return url


async def test_each_run_of_a_notes_standup_is_transcribed(
    provider_bot: ProviderBot, bot_clock: MutableClock
) -> None:
    bot = provider_bot
    url = await submit_standup_with_notes(bot)
    if not isinstance(bot.rooms, DailyRooms):
        refusal = await bot.slack.state.wait_for_response(url, timeout=10)
        assert (
            "The Vonage Meetings API" in refusal["text"] and "cannot transcribe" in refusal["text"]
        )
        assert "No standups" in (await bot.command("schedules")).text
        return
    confirmed = await bot.slack.state.wait_for_response(url, lambda b: "Its id is" in b["text"], 10)
    found = re.search(r"Its id is `([a-z0-9]+)`", confirmed["text"])
    assert found is not None
    bot_clock.set(await next_run(bot, found.group(1)))
    card = await next_card(bot, 0)
    assert CONSENT in json.dumps(card.params["blocks"], ensure_ascii=False)
    (room,) = bot.rooms.daily.state.rooms.values()
    assert room.enable_transcription_storage
    assert len(cards(bot)) == 1
