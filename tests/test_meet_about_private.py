""" "Meet about this" on a message in a conversation meetbot is not in (issue 18): the person is
told privately what to do, and no room is made; the DM never claims a card that was not posted."""

from __future__ import annotations

import json

from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.payloads import message_shortcut_payload

from bot.domain.meeting import Meeting
from bot.meet.replies import host_dm
from tests.plugins.bot import RunningBot

PRIVATE = "C0SECRET"


async def meet_about_a_message(bot: RunningBot, *, member: bool) -> ApiCall:
    """ "Meet about this" on a message in #leadership; the views.open it brings."""
    bot.slack.state.add_channel(PRIVATE, "leadership", private=True, member=member)
    message = bot.slack.state.add_user_message(PRIVATE, "Q3 numbers are in", user="U0BOB")
    await bot.interact(
        message_shortcut_payload(
            "meet_about_message",
            channel_id=PRIVATE,
            channel_name="leadership",
            message_ts=message.ts,
            message_text=message.text,
        )
    )
    return await bot.slack.state.wait_for("views.open", timeout=5)


async def test_a_private_channel_the_bot_is_not_in_gets_what_to_do_and_no_room(
    bot: RunningBot,
) -> None:
    opened = await meet_about_a_message(bot, member=False)
    shown = json.dumps(opened.params["view"])
    assert "/invite @meetbot" in shown and "Nothing was created" in shown
    assert "submit" not in opened.params["view"], "nothing to submit: no room can come of it"
    assert bot.emulator.state.rooms == {}


async def test_once_invited_the_same_shortcut_opens_the_meeting_modal(bot: RunningBot) -> None:
    opened = await meet_about_a_message(bot, member=True)
    assert opened.params["view"].get("submit") is not None


def test_the_host_dm_does_not_claim_a_thread_card_that_was_not_posted() -> None:
    meeting = Meeting(
        id="m1",
        team_id="T1",
        creator_id="U0ALICE",
        title="Q3",
        channel_id=PRIVATE,
        thread_ts="1700000000.000100",
        guest_url="https://example.test/guest",
        host_url="https://example.test/host",
    )
    text = json.dumps(host_dm(meeting).blocks)
    assert "a thread in" not in text and "could not be posted" in text
