"""Shortcuts, the start-meeting modal and App Home, end to end through real HTTP."""

from __future__ import annotations

import json
from typing import Any

from meetbot_sandbox.slack.payloads import (
    app_home_opened_event,
    global_shortcut_payload,
    message_shortcut_payload,
    view_submission_payload,
)

from bot.slack.start_submission import (
    CONVERSATION_ACTION_ID,
    CONVERSATION_BLOCK_ID,
    EXPIRES_BLOCK_ID,
    KIND_ACTION_ID,
    KIND_BLOCK_ID,
    START_MEETING_CALLBACK_ID,
    TITLE_ACTION_ID,
    TITLE_BLOCK_ID,
)
from tests.plugins.bot import CREATOR, GENERAL, RunningBot


def modal_values(
    title: str, *, channel: str | None = GENERAL, kind: str = "instant"
) -> dict[str, Any]:
    values: dict[str, Any] = {
        TITLE_BLOCK_ID: {TITLE_ACTION_ID: {"type": "plain_text_input", "value": title}},
        KIND_BLOCK_ID: {
            KIND_ACTION_ID: {"type": "radio_buttons", "selected_option": {"value": kind}}
        },
    }
    if channel is not None:
        values[CONVERSATION_BLOCK_ID] = {
            CONVERSATION_ACTION_ID: {
                "type": "conversations_select",
                "selected_conversation": channel,
            }
        }
    return values


async def test_global_shortcut_opens_the_modal_after_acking(bot_no_worker: RunningBot) -> None:
    payload = global_shortcut_payload("start_meeting")
    reply = await bot_no_worker.interact(payload)
    assert reply.status == 200
    opened = await bot_no_worker.slack.state.wait_for("views.open", timeout=5)
    assert opened.params["trigger_id"] == payload["trigger_id"]
    assert opened.params["view"]["callback_id"] == START_MEETING_CALLBACK_ID


async def test_modal_submission_posts_the_card(bot: RunningBot) -> None:
    payload = view_submission_payload(
        START_MEETING_CALLBACK_ID, modal_values("Roadmap"), view_id="V0ROADMAP"
    )
    reply = await bot.interact(payload)
    assert reply.status == 200 and reply.body is None, "an empty ack closes the modal"
    card = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )
    assert "Roadmap" in json.dumps(card.params)


async def test_modal_mistakes_are_shown_in_the_modal(bot_no_worker: RunningBot) -> None:
    values = modal_values("", channel=None, kind="long_term")
    reply = await bot_no_worker.interact(view_submission_payload(START_MEETING_CALLBACK_ID, values))
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert set(reply.body["errors"]) >= {TITLE_BLOCK_ID, CONVERSATION_BLOCK_ID, EXPIRES_BLOCK_ID}
    assert await bot_no_worker.components.queue.count("queued") == 0


async def test_meet_about_this_posts_the_card_in_the_message_thread(bot: RunningBot) -> None:
    message = bot.slack.state.add_user_message(
        GENERAL, "Incident: checkout is down\nmore", user="U0BOB"
    )
    shortcut = message_shortcut_payload(
        "meet_about_message", channel_id=GENERAL, message_ts=message.ts, message_text=message.text
    )
    await bot.interact(shortcut)
    opened = await bot.slack.state.wait_for("views.open", timeout=5)
    view = opened.params["view"]
    assert "Incident: checkout is down" in json.dumps(view)

    values = modal_values("Incident: checkout is down", channel=None)
    submission = view_submission_payload(
        START_MEETING_CALLBACK_ID,
        values,
        private_metadata=view["private_metadata"],
        view_id="V0INC",
    )
    await bot.interact(submission)
    card = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )
    assert card.params["thread_ts"] == message.ts


async def test_app_home_lists_my_rooms_with_their_host_links(bot: RunningBot) -> None:
    await bot.command("Weekly sync")
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL
    )
    await bot.event(app_home_opened_event(CREATOR))
    published = await bot.slack.state.wait_for(
        "views.publish", lambda c: "Weekly sync" in json.dumps(c.params), timeout=10
    )
    (room,) = bot.emulator.state.rooms.values()
    assert published.params["user_id"] == CREATOR
    assert room.participant_token in json.dumps(published.params), (
        "a lost DM is never a lost host link"
    )


async def test_home_is_kept_current_only_for_people_who_opened_it(bot: RunningBot) -> None:
    await bot.command("Before opening Home")
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL
    )
    assert not bot.slack.state.calls_to("views.publish"), "nobody looked: nothing to publish"

    await bot.event(app_home_opened_event(CREATOR))
    await bot.slack.state.wait_for("views.publish", timeout=10)
    await bot.command("After opening Home")
    await bot.slack.state.wait_for(
        "views.publish", lambda c: "After opening Home" in json.dumps(c.params), timeout=10
    )
