"""A job that crashed between posting and recording the post finds its post on resuming, even
in a busy channel where hundreds of messages came after it (found by bench/faults.py: 5 of
1,000 cards were posted twice when the post had slipped past the first page of history)."""

from __future__ import annotations

from bot.domain.inputs import Workspace
from bot.domain.message import Message
from tests.plugins.bot import GENERAL, RunningBot

WS = Workspace(team_id="T0FAKE001")


async def test_a_post_buried_under_450_messages_is_found_not_repeated(
    bot_no_worker: RunningBot,
) -> None:
    service, state = bot_no_worker.components.service, bot_no_worker.slack.state
    steps = await service.store.steps.load("meet:crashed")
    # What the crashed attempt did: recorded the attempt, posted with its marker, and died.
    await steps.record("card:attempt", str(service.clock().timestamp() - 1))
    posted = await service.slack.post(
        WS, GENERAL, Message(text="Card", blocks=[]), marker="meet:crashed:card"
    )
    for i in range(450):  # the channel moves on: more than two pages of history
        state.add_user_message(GENERAL, f"chatter {i}", user="U0BOB")

    found = await service.post_once("meet:crashed", "card", WS, GENERAL, Message("Card", []))

    assert found == posted.ts
    assert [m.text for m in state.history(GENERAL)].count("Card") == 1
    pages = state.calls_to("conversations.history")
    assert len(pages) == 3 and pages[-1].response["response_metadata"]["next_cursor"] == ""
