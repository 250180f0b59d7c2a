"""The workspace policy meets every way of starting a meeting: `/meet`, the modal, standups,
and people from a partner organisation (Slack Connect). Each refusal is private and names the
policy and who can change it; nothing is created."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from meetbot_sandbox.slack.payloads import message_shortcut_payload, view_submission_payload

from bot.domain.inputs import StartMeeting
from bot.settings.modal_fields import (
    KIND_BLOCK,
    LENGTH_BLOCK,
    LONGEST_BLOCK,
    PARTNERS_BLOCK,
    RECORD_BLOCK,
    RECORDING_BLOCK,
    WHO_BLOCK,
)
from bot.slack.start_submission import (
    EXPIRES_BLOCK_ID,
    RECORD_ACTION_ID,
    RECORD_BLOCK_ID,
    START_MEETING_CALLBACK_ID,
)
from bot.storage.redis import text
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.settings_helpers import ADMIN, as_admin_set, job_result, open_settings, submit_settings
from tests.test_shortcuts_and_home import modal_values

WHO_CHANGES = "Workspace admins and owners can change it with `/meet settings`"


async def refused_privately(bot: RunningBot, text: str, *, user_id: str = CREATOR) -> str:
    """Run `/meet text` as `user_id`; the private reply the worker sends, with nothing made."""
    url = bot.slack.response_url()
    reply = await bot.command(text, user_id=user_id, response_url=url, trigger_id=f"T.{user_id}")
    assert reply.status == 200
    assert await job_result(bot, f"meet:T.{user_id}") == "failed"
    [notice] = bot.slack.state.responses(url)
    assert notice["response_type"] == "ephemeral"
    assert not bot.emulator.state.rooms, "no room was created"
    assert not bot.slack.state.history(GENERAL), "no card was posted"
    return str(notice["text"])


async def test_admins_only_refuses_a_member_and_names_the_policy(bot: RunningBot) -> None:
    await as_admin_set(bot, {WHO_BLOCK: "admins"})

    text = await refused_privately(bot, "Sync")

    assert "Only workspace admins and owners may start meetings here" in text
    assert "*Who may start meetings*" in text and WHO_CHANGES in text


async def test_full_members_only_refuses_a_guest_but_not_a_member(bot: RunningBot) -> None:
    await as_admin_set(bot, {WHO_BLOCK: "members"})
    bot.slack.state.add_user("U0GUEST", "guest", is_restricted=True)

    text = await refused_privately(bot, "Sync", user_id="U0GUEST")
    assert "Guests may not start meetings here" in text and WHO_CHANGES in text

    await bot.command("Members sync")
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and "Members sync" in json.dumps(c.params), timeout=10
    )


async def test_recording_off_refuses_record_at_once_and_drops_a_record_default(
    bot: RunningBot,
) -> None:
    await as_admin_set(bot, {RECORD_BLOCK: True})
    await as_admin_set(bot, {RECORD_BLOCK: False, RECORDING_BLOCK: False})

    reply = await bot.command("Taped --record")
    assert "Recording is off in this workspace" in reply.text and WHO_CHANGES in reply.text
    await bot.command("Untaped")
    card = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and "Untaped" in json.dumps(c.params), timeout=10
    )
    assert "record" not in json.dumps(card.params).lower()


async def test_a_record_default_is_refused_while_recording_is_off(bot: RunningBot) -> None:
    await as_admin_set(bot, {RECORDING_BLOCK: False})

    view = await open_settings(bot, user_id=ADMIN)
    reply = await submit_settings(bot, view, {RECORD_BLOCK: True}, user_id=ADMIN)

    assert reply.body is not None
    assert "Recording is off in this workspace" in reply.body["errors"][RECORD_BLOCK]


async def test_a_room_longer_than_the_policy_allows_is_refused_at_once(bot: RunningBot) -> None:
    await as_admin_set(bot, {LONGEST_BLOCK: "30"})

    reply = await bot.command("Quarter --for 60d")

    assert "past the longest a room may last here, 30 days" in reply.text
    assert "*Longest long-term room*" in reply.text and WHO_CHANGES in reply.text
    assert await bot.components.queue.count("queued") == 0


async def test_the_modal_shows_policy_refusals_on_its_fields(bot: RunningBot) -> None:
    await as_admin_set(bot, {RECORDING_BLOCK: False, LONGEST_BLOCK: "30"})
    in_60_days = (datetime.now(UTC) + timedelta(days=60)).date().isoformat()
    values = modal_values("Board", kind="long_term")
    values[RECORD_BLOCK_ID] = {
        RECORD_ACTION_ID: {"type": "checkboxes", "selected_options": [{"value": "yes"}]}
    }
    values[EXPIRES_BLOCK_ID] = {
        "expires_on_datepicker": {"type": "datepicker", "selected_date": in_60_days}
    }

    reply = await bot.interact(view_submission_payload(START_MEETING_CALLBACK_ID, values))

    assert reply.body is not None and reply.body["response_action"] == "errors"
    errors = reply.body["errors"]
    assert "Recording is off" in errors[RECORD_BLOCK_ID]
    assert "past the longest a room may last here, 30 days" in errors[EXPIRES_BLOCK_ID]
    assert set(errors) == {RECORD_BLOCK_ID, EXPIRES_BLOCK_ID}


async def test_meet_about_this_prefills_the_channels_defaults(bot: RunningBot) -> None:
    await as_admin_set(bot, {RECORD_BLOCK: True, KIND_BLOCK: "long_term", LENGTH_BLOCK: "7"})
    message = bot.slack.state.add_user_message(GENERAL, "Launch plan", user="U0BOB")

    await bot.interact(
        message_shortcut_payload(
            "meet_about_message",
            channel_id=GENERAL,
            message_ts=message.ts,
            message_text=message.text,
            trigger_id="T.prefill",
        )
    )
    opened = await bot.slack.state.wait_for(
        "views.open", lambda c: c.params.get("trigger_id") == "T.prefill", timeout=10
    )

    blocks = {b.get("block_id"): b for b in opened.params["view"]["blocks"]}
    assert blocks[RECORD_BLOCK_ID]["element"]["initial_options"], "record ticked"
    assert blocks["room_kind"]["element"]["initial_option"]["value"] == "long_term"
    assert blocks[EXPIRES_BLOCK_ID]["element"]["initial_date"]


async def test_a_partner_organisations_member_may_not_start_by_default(bot: RunningBot) -> None:
    bot.slack.state.add_user("U0PARTNER", "pat", team_id="T0PARTNER")

    text = await refused_privately(bot, "Joint review", user_id="U0PARTNER")

    assert "partner organisation" in text and "*Partner organisations may start meetings*" in text


async def test_with_the_switch_on_a_partner_starts_and_only_they_get_the_host_link(
    bot: RunningBot,
) -> None:
    await as_admin_set(bot, {PARTNERS_BLOCK: True})
    bot.slack.state.add_user("U0PARTNER", "pat", team_id="T0PARTNER")
    bot.slack.state.add_user("U0BOB", "bob")

    await bot.command("Joint review <@U0BOB|bob>", user_id="U0PARTNER", trigger_id="T.joint")
    assert await job_result(bot, "meet:T.joint")

    posts = [c for c in bot.slack.state.calls_to("chat.postMessage") if c.ok]
    with_host_link = [c for c in posts if "Join as host" in json.dumps(c.params)]
    assert [c.params["channel"] for c in with_host_link] == [
        bot.slack.state.dm_channel("U0PARTNER").id
    ], "the host link goes to the meeting's creator and nobody else"
    (meeting,) = [
        m for m in [await bot.components.store.records.get(k) for k in await _meeting_ids(bot)] if m
    ]
    assert meeting.host_url is not None
    assert all(
        meeting.host_url not in json.dumps(c.params) for c in posts if c not in with_host_link
    )


async def _meeting_ids(bot: RunningBot) -> list[str]:
    keys = await bot.components.redis.keys(bot.components.store.keys.meeting("*"))
    return [text(k).rsplit(":", 1)[-1] for k in keys]


async def test_admins_only_refuses_a_members_standup(bot: RunningBot) -> None:
    await as_admin_set(bot, {WHO_BLOCK: "admins"})
    url = bot.slack.response_url()

    await bot.command("standup every weekday 09:30", response_url=url)

    notice = await bot.slack.state.wait_for_response(url, lambda b: "admins" in b["text"], 10)
    assert "*Who may start meetings*" in notice["text"]
    assert await bot.components.standups.store.channel_schedules("T0FAKE001", GENERAL) == []


def test_a_start_request_queued_by_the_previous_deploy_still_runs() -> None:
    queued_before = {
        "key": "T.old",
        "workspace": {"team_id": "T0FAKE001", "enterprise_id": None},
        "user_id": CREATOR,
        "channel_id": GENERAL,
        "title": "Old",
        "invitees": [],
        "record": False,
        "kind": "instant",
        "expires_at": None,
        "expire_after_use": False,
        "thread_ts": None,
        "response_url": None,
    }

    req = StartMeeting.from_dict(queued_before)

    assert (req.home_only, req.lobby, req.defaulted) == (False, False, ())
    assert req.to_dict() == queued_before, "and what it queues, the previous deploy can read"
