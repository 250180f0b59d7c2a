"""A standup scheduled from the "Start a meeting" modal's Repeat section, as from `/meet standup`.

The submissions are signed `view_submission`s into the running bot; the bot and the Meetings
emulator share one steerable clock (`bot_clock`), so "the run comes" is a clock move.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from meetbot_sandbox.meetings import MutableClock
from meetbot_sandbox.slack.payloads import message_shortcut_payload, view_submission_payload

from bot.slack import start_submission, views
from bot.slack.start_submission import StandupFromModal, parse_start_meeting_submission
from bot.standups.grammar import StandupOptions, parse_standup_command
from bot.standups.modal_repeat import CHOICES, NO_REPEAT
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.test_blocks import NOW
from tests.test_views import assert_valid_view, blocks_by_id, submit

REPEAT_FIELDS = ["repeat", "repeat_time", "repeat_here"]


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    return emulator_clock


def test_the_blank_modal_ends_with_an_optional_repeat_section() -> None:
    modal = views.start_meeting_modal()
    assert_valid_view(modal)
    by_id = blocks_by_id(modal)
    assert list(by_id)[-3:] == REPEAT_FIELDS
    assert all(by_id[block_id]["optional"] for block_id in REPEAT_FIELDS)
    select = by_id["repeat"]["element"]
    assert select["initial_option"]["value"] == NO_REPEAT
    assert len(select["options"]) == 24
    assert by_id["repeat_time"]["element"]["type"] == "timepicker"


def test_meet_about_this_has_no_repeat_and_ignores_one_sent_anyway() -> None:
    modal = views.start_meeting_modal(title="Incident", thread=("C1", "1.2"))
    assert not set(REPEAT_FIELDS) & set(blocks_by_id(modal))
    forged = submit(modal)
    forged["state"]["values"]["repeat"] = {
        "repeat_select": {"type": "static_select", "selected_option": {"value": "daily"}}
    }
    result = parse_start_meeting_submission(forged, now=NOW)
    assert isinstance(result, start_submission.StartFromModal) and result.thread_ts == "1.2"


@pytest.mark.parametrize(("label", "phrase"), CHOICES[1:])
def test_each_repeat_schedules_what_the_command_would(label: str, phrase: str) -> None:
    view = submit(
        views.start_meeting_modal(title="Team sync"),
        repeat=phrase,
        repeat_time="16:05",
        repeat_here=True,
    )
    result = parse_start_meeting_submission(view, now=NOW)
    command = parse_standup_command(f"standup Team sync {phrase} 16:05 --here")
    assert isinstance(command, StandupOptions)
    assert result == StandupFromModal(options=command, channel_id="CHERE")


MISTAKES: list[tuple[dict[str, Any], str, str]] = [
    ({"repeat_time": "09:30"}, "repeat", "A time is for a repeating meeting"),
    ({"repeat_here": True}, "repeat_here", "@here is for repeating meetings"),
    ({"repeat": "daily"}, "repeat_time", "Pick the time it starts."),
    ({"repeat": "daily", "repeat_time": "9.30"}, "repeat_time", "That is not a time of day."),
    ({"repeat": "every blursday", "repeat_time": "09:30"}, "repeat", "listed repeats"),
    ({"repeat": "daily", "repeat_time": "09:30", "invitees": ["U1"]}, "invitees", "whole channel"),
    ({"repeat": "daily", "repeat_time": "09:30", "record": True}, "record", "one-off meetings"),
    (
        {"repeat": "daily", "repeat_time": "09:30", "expires_on": "2026-12-31"},
        "expires_on",
        "lasts as long as it repeats",
    ),
    (
        {"repeat": "daily", "repeat_time": "09:30", "expire_after_use": True},
        "expire_after_use",
        "reuses its room",
    ),
]


@pytest.mark.parametrize(("answers", "block_id", "message"), MISTAKES)
def test_repeat_mistakes_are_shown_under_the_field(
    answers: dict[str, Any], block_id: str, message: str
) -> None:
    modal = views.start_meeting_modal(title="Sync")
    if answers.get("repeat") == "every blursday":  # not a listed option: sent by hand
        forged = submit(modal, **{k: v for k, v in answers.items() if k != "repeat"})
        forged["state"]["values"]["repeat"]["repeat_select"]["selected_option"] = {
            "value": "every blursday"
        }
        errors = parse_start_meeting_submission(forged, now=NOW)
    else:
        errors = parse_start_meeting_submission(submit(modal, **answers), now=NOW)
    assert isinstance(errors, dict)
    assert message in errors[block_id]
    assert set(errors) == {block_id}, "one mistake, one message"


def test_a_repeat_on_a_long_term_room_without_a_last_day_is_fine() -> None:
    view = submit(
        views.start_meeting_modal(title="Sync"),
        room_kind="long_term",
        repeat="every weekday",
        repeat_time="09:30",
    )
    assert isinstance(parse_start_meeting_submission(view, now=NOW), StandupFromModal)


# --- end to end -------------------------------------------------------------------------------


def values(**fields: Any) -> dict[str, Any]:
    """state.values as Slack sends them, for the fields given (by block id)."""
    kinds = {
        "title": ("title_input", "plain_text_input", "value"),
        "conversation": ("conversation_select", "conversations_select", "selected_conversation"),
        "room_kind": ("room_kind_radio", "radio_buttons", "selected_option"),
        "record": ("record_checkbox", "checkboxes", "selected_options"),
        "repeat": ("repeat_select", "static_select", "selected_option"),
        "repeat_time": ("repeat_timepicker", "timepicker", "selected_time"),
        "repeat_here": ("repeat_here_checkbox", "checkboxes", "selected_options"),
    }
    state: dict[str, Any] = {}
    for block_id, answer in fields.items():
        action_id, kind, key = kinds[block_id]
        if key == "selected_option":
            answer = {"value": answer}
        elif key == "selected_options":
            answer = [{"value": "yes"}] if answer else []
        state[block_id] = {action_id: {"type": kind, key: answer}}
    return state


async def submit_modal(
    bot: RunningBot, view_id: str, channel: str = GENERAL, **fields: Any
) -> tuple[dict[str, Any] | None, str]:
    """Submit the modal (with the picker's response_url); its ack body and that URL."""
    url = bot.slack.response_url()
    payload = view_submission_payload(
        start_submission.START_MEETING_CALLBACK_ID,
        values(conversation=channel, room_kind="instant", **fields),
        view_id=view_id,
        response_urls=[
            {
                "block_id": "conversation",
                "action_id": "conversation_select",
                "channel_id": channel,
                "response_url": url,
            }
        ],
    )
    reply = await bot.interact(payload)
    assert reply.status == 200
    return reply.body, url


async def test_a_repeat_in_the_modal_schedules_a_standup_that_posts_at_its_time(
    bot: RunningBot, bot_clock: MutableClock
) -> None:
    ack, url = await submit_modal(
        bot,
        "V0STANDUP",
        title="Team sync",
        repeat="every weekday",
        repeat_time="09:30",
        repeat_here=True,
    )
    assert ack is None, "an empty ack closes the modal"
    confirmed = await bot.slack.state.wait_for_response(url, lambda b: "Its id is" in b["text"], 10)
    assert "every weekday at 09:30 (Europe/Berlin)" in confirmed["text"], "the creator's zone"
    found = re.search(r"Its id is `([a-z0-9]+)`", confirmed["text"])
    assert found is not None
    schedule_id = found.group(1)
    listed = await bot.command("schedules")
    assert schedule_id in listed.text and "*Team sync*" in listed.text
    assert not bot.emulator.state.rooms, "nothing runs before 09:30"

    due_ts = (await bot.components.standups.store.next_due([schedule_id]))[schedule_id]
    due = datetime.fromtimestamp(due_ts, UTC)
    assert due.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M") == "09:30"
    bot_clock.set(due)
    card = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == GENERAL and "Standup" in c.params["text"],
        timeout=10,
    )
    assert card.params["text"].startswith("<!here>"), "@here was ticked"
    (room,) = bot.emulator.state.rooms.values()
    assert f"/{room.meeting_code}" in json.dumps(card.params)
    await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: (
            c.ok
            and c.params["channel"] == bot.slack.state.dm_channel(CREATOR).id
            and room.participant_token in json.dumps(c.params)
        ),
        timeout=10,
    )


async def test_bad_repeat_combinations_come_back_as_field_errors(
    bot_no_worker: RunningBot,
) -> None:
    bot = bot_no_worker
    cases: list[tuple[dict[str, Any], str]] = [
        ({"repeat_time": "09:30"}, "repeat"),
        ({"repeat": "every monday"}, "repeat_time"),
        ({"repeat": "daily", "repeat_time": "09:30", "record": True}, "record"),
    ]
    for fields, block_id in cases:
        ack, _ = await submit_modal(bot, "V0BAD", title="Sync", **fields)
        assert ack is not None and ack["response_action"] == "errors"
        assert set(ack["errors"]) == {block_id}
    assert await bot.components.queue.count("queued") == 0, "nothing was scheduled"


async def test_a_channel_the_bot_cannot_post_in_is_refused_through_the_picker(
    bot: RunningBot,
) -> None:
    bot.slack.state.add_channel("G0SECRET", "secret", private=True, member=False)
    ack, url = await submit_modal(
        bot, "V0SECRET", channel="G0SECRET", title="Sync", repeat="daily", repeat_time="09:00"
    )
    assert ack is None
    body = await bot.slack.state.wait_for_response(url, lambda b: "can't post" in b["text"], 10)
    assert "/invite @meetbot" in body["text"]
    assert "No standups" in (await bot.command("schedules", channel_id="G0SECRET")).text


async def test_meet_about_this_opens_the_modal_without_repeat(bot_no_worker: RunningBot) -> None:
    bot = bot_no_worker
    message = bot.slack.state.add_user_message(GENERAL, "Release plan", user="U0BOB")
    await bot.interact(
        message_shortcut_payload(
            "meet_about_message", channel_id=GENERAL, message_ts=message.ts, message_text="x"
        )
    )
    opened = await bot.slack.state.wait_for("views.open", timeout=5)
    block_ids = {b.get("block_id") for b in opened.params["view"]["blocks"]}
    assert not block_ids & set(REPEAT_FIELDS)
