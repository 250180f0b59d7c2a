"""Slack as it really answers, end to end: a calls.add answer without its `call` (Slack's own
sample answer is `{"ok": true}`), and a "Meet about this" title Slack measures in UTF-16."""

from __future__ import annotations

from meetbot_sandbox.slack.block_kit import utf16_length
from meetbot_sandbox.slack.payloads import message_shortcut_payload

from bot.slack import limits
from tests.plugins.bot import GENERAL, RunningBot
from tests.test_lifecycle_card import card_update, refreshes_done, start


async def test_a_calls_add_answer_without_a_call_still_turns_the_card_live(
    bot: RunningBot,
) -> None:
    bot.slack.state.calls_add_without_call = True
    card = await start(bot, "Sample answer")
    control = bot.emulator.control
    session = await control.start_session(card.room_id)
    await control.join(session, "Ana")

    live = await card_update(bot, card, lambda t: "Here now (1)" in t)
    await control.join(session, "Li")
    await card_update(bot, card, lambda t: "Here now (2)" in t)
    await refreshes_done(bot, card)

    assert not any(block["type"] == "call" for block in live["blocks"])
    assert len(bot.slack.state.calls_to("calls.add")) == 1, "not one more Call per refresh"


async def test_meet_about_this_prefills_a_title_slack_accepts(bot: RunningBot) -> None:
    text = "🎉" * 150 + " launch party"  # 150 characters of emoji: 300 UTF-16 units
    message = bot.slack.state.add_user_message(GENERAL, text, user="U0BOB")
    shortcut = message_shortcut_payload(
        "meet_about_message", channel_id=GENERAL, message_ts=message.ts, message_text=text
    )

    await bot.interact(shortcut)
    opened = await bot.slack.state.wait_for("views.open", timeout=5)

    assert opened.ok, opened.response  # the strict fake refuses what Slack refuses
    [title] = [b for b in opened.params["view"]["blocks"] if b.get("block_id") == "title"]
    prefill = title["element"]["initial_value"]
    assert utf16_length(prefill) <= limits.TITLE_MAX_CHARS
    assert prefill.startswith("🎉" * 99) and prefill.endswith("…"), "no emoji cut in half"
