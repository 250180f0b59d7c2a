"""`/meet settings`, end to end: signed requests in, real Redis, the fake Slack out. Who may
change a channel's defaults and the workspace policy, and what those do to the next meeting."""

from __future__ import annotations

import json
import logging

import pytest

from bot.settings.modal_fields import (
    HOME_ONLY_BLOCK,
    KIND_BLOCK,
    LENGTH_BLOCK,
    LOBBY_BLOCK,
    LONGEST_BLOCK,
    RECORD_BLOCK,
    RECORDING_BLOCK,
    WHO_BLOCK,
)
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.settings_helpers import (
    inputs,
    job_result,
    make_admin,
    open_settings,
    saved,
    shown_text,
    submit_settings,
)


async def card_text(bot: RunningBot, title: str) -> str:
    card = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == GENERAL and title in json.dumps(c.params),
        timeout=10,
    )
    return json.dumps(card.params)


async def test_an_owner_sets_recording_on_and_the_next_card_says_it_came_from_the_default(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.settings.service")
    await make_admin(bot, owner=True)

    view = await open_settings(bot)
    assert set(inputs(view)) >= {RECORD_BLOCK, KIND_BLOCK, LENGTH_BLOCK, HOME_ONLY_BLOCK}
    assert set(inputs(view)) >= {LOBBY_BLOCK, WHO_BLOCK, RECORDING_BLOCK, LONGEST_BLOCK}
    assert "Never changed" in shown_text(view)
    reply = await submit_settings(bot, view, {RECORD_BLOCK: True})
    assert reply.status == 200 and reply.body is None, "the modal closes"
    assert await saved(bot, view) == "saved"

    await bot.command("Retro")
    card = await card_text(bot, "Retro")
    assert "Recording on (channel default)" in card
    (room,) = bot.emulator.state.rooms.values()
    assert room.recording_options["auto_record"] is True, "the room records"
    again = await open_settings(bot)
    assert f"Last changed by <@{CREATOR}> on <!date^" in shown_text(again)
    assert inputs(again)[RECORD_BLOCK]["element"].get("initial_options"), "shown as saved"
    [line] = [r.getMessage() for r in caplog.records if "channel defaults" in r.getMessage()]
    assert CREATOR in line and GENERAL in line and "record=True" in line


async def test_asking_for_it_explicitly_is_not_a_default(bot: RunningBot) -> None:
    await make_admin(bot)
    view = await open_settings(bot)
    await submit_settings(bot, view, {RECORD_BLOCK: True})
    await saved(bot, view)

    await bot.command("Planning --record")
    card = await card_text(bot, "Planning")
    assert "This meeting will be recorded" in card and "channel default" not in card


async def test_a_long_term_default_makes_a_long_term_room_of_that_length(bot: RunningBot) -> None:
    await make_admin(bot)
    view = await open_settings(bot)
    await submit_settings(bot, view, {KIND_BLOCK: "long_term", LENGTH_BLOCK: "14"})
    await saved(bot, view)

    await bot.command("Project room")
    card = await card_text(bot, "Project room")
    assert "Long-term room (channel default)" in card
    (room,) = bot.emulator.state.rooms.values()
    assert room.type == "long_term"


async def test_host_link_to_app_home_only_sends_no_dm(bot: RunningBot) -> None:
    await make_admin(bot)
    view = await open_settings(bot)
    await submit_settings(bot, view, {HOME_ONLY_BLOCK: True})
    await saved(bot, view)

    reply = await bot.command("Quiet", trigger_id="T.quiet")
    assert "your host link is in meetbot's Home tab" in reply.text
    card = await card_text(bot, "Quiet")
    assert "Host link in App Home (channel default)" in card
    assert await job_result(bot, "meet:T.quiet")  # the whole job is done
    dm = bot.slack.state.dm_channel(CREATOR)
    assert not any("host" in m.text.lower() for m in bot.slack.state.history(dm.id))


async def test_a_member_sees_the_settings_read_only_with_the_reason(bot: RunningBot) -> None:
    bot.slack.state.channels[GENERAL].creator = "U0CARLA"

    view = await open_settings(bot)

    assert inputs(view) == {} and view.get("submit") is None
    text = shown_text(view)
    assert "Only workspace admins and owners and the channel's creator (<@U0CARLA>)" in text
    assert "Only workspace admins and owners can change the workspace policy" in text


async def test_the_channels_creator_may_change_its_defaults_but_not_the_policy(
    bot: RunningBot,
) -> None:
    bot.slack.state.channels[GENERAL].creator = CREATOR

    view = await open_settings(bot)
    assert RECORD_BLOCK in inputs(view) and WHO_BLOCK not in inputs(view)
    await submit_settings(bot, view, {LOBBY_BLOCK: True})

    assert await saved(bot, view) == "saved"
    assert "New rooms start with it" in json.dumps(inputs(view)[LOBBY_BLOCK]["hint"])


async def test_a_length_past_the_policy_is_a_field_error_and_nothing_is_saved(
    bot: RunningBot,
) -> None:
    await make_admin(bot)
    view = await open_settings(bot)

    reply = await submit_settings(bot, view, {LONGEST_BLOCK: "30", LENGTH_BLOCK: "60"})
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert "At most 30 days" in reply.body["errors"][LENGTH_BLOCK]
    reply = await submit_settings(bot, view, {LENGTH_BLOCK: "400"})
    assert reply.body is not None
    assert reply.body["errors"] == {LENGTH_BLOCK: "Give a whole number of days from 1 to 365."}
    assert await bot.components.queue.job(f"settings:{view['id']}") is None


async def test_someone_who_lost_admin_rights_meanwhile_changes_nothing_and_is_told(
    bot: RunningBot,
) -> None:
    await make_admin(bot)
    view = await open_settings(bot)
    bot.slack.state.users[CREATOR].is_admin = False  # demoted while the modal was open

    await submit_settings(bot, view, {RECORD_BLOCK: True, WHO_BLOCK: "admins"})

    assert await saved(bot, view) == "refused"
    dm = bot.slack.state.dm_channel(CREATOR)
    [notice] = bot.slack.state.history(dm.id)
    assert "were not saved" in notice.text and "Nothing was changed" in notice.text
    assert "workspace admins and owners" in notice.text
    await bot.command("Still open")
    assert "channel default" not in await card_text(bot, "Still open")


async def test_a_double_submit_applies_once(bot: RunningBot) -> None:
    await make_admin(bot)
    view = await open_settings(bot)

    await submit_settings(bot, view, {RECORD_BLOCK: True})
    assert await saved(bot, view) == "saved"
    await submit_settings(bot, view, {RECORD_BLOCK: False})  # the same view, sent again

    store = bot.components.channel_settings.store
    defaults, _ = await store.for_channel(bot.slack.state.workspace.team_id, GENERAL)
    assert defaults.record is True, "the second submission of the same view changed nothing"
