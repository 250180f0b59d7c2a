"""Extend to a date through its modal (each wrong date a field error, nothing queued), and the
same host controls in App Home beside the rooms you host, with the workspace policy shown."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from meetbot_sandbox.slack.payloads import app_home_opened_event, view_submission_payload
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.domain.clock import utc_now
from bot.hostctl.actions import HostAction
from bot.hostctl.blocks import EXTEND_CALLBACK_ID, UNTIL_ACTION, UNTIL_BLOCK
from bot.settings.modal_fields import LONGEST_BLOCK
from bot.slack.limits import end_of_day_utc
from tests.hostctl_helpers import (
    DATEPICKER_STATE,
    card_blocks,
    menu,
    pick,
    private_reply,
)
from tests.plugins.bot import CREATOR, RunningBot, SlackReply
from tests.plugins.providers import ProviderBot
from tests.settings_helpers import as_admin_set, job_result, make_admin
from tests.test_lifecycle_card import Card, card_update, start, start_on


async def open_extend(bot: RunningBot, card: Card) -> tuple[dict[str, Any], str]:
    """Pick "Extend to a date…" on the card: the modal Slack opened, and the click's
    response_url."""
    block_id, option = menu(card_blocks(bot, card))[HostAction.EXTEND_TO]
    trigger, url = new_trigger_id(), bot.slack.response_url()
    await bot.interact(pick(block_id, option, card=card, response_url=url, trigger_id=trigger))
    opened = await bot.slack.state.wait_for(
        "views.open", lambda c: c.params.get("trigger_id") == trigger, timeout=10
    )
    assert opened.ok, opened.response
    view = opened.response["view"]
    assert isinstance(view, dict)
    return view, url


async def submit(bot: RunningBot, view: dict[str, Any], day: date) -> SlackReply:
    picked = {**DATEPICKER_STATE, "selected_date": day.isoformat()}
    payload = view_submission_payload(
        EXTEND_CALLBACK_ID,
        {UNTIL_BLOCK: {UNTIL_ACTION: picked}},
        private_metadata=view["private_metadata"],
        view_id=view["id"],
    )
    return await bot.interact(payload)


def field_error(reply: SlackReply) -> str:
    assert reply.body is not None and reply.body["response_action"] == "errors", reply.body
    return str(reply.body["errors"][UNTIL_BLOCK])


async def test_extend_to_a_date_refuses_bad_dates_in_the_modal_then_moves_the_end(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Project room --for 30d")
    view, url = await open_extend(bot, card)
    today = utc_now().date()
    datepicker = view["blocks"][1]["element"]
    assert datepicker["type"] == "datepicker"
    assert datepicker["initial_date"] == (today + timedelta(days=60)).isoformat(), "30 days on"

    assert "in the past" in field_error(await submit(bot, view, today - timedelta(days=1)))
    assert "at most a year" in field_error(await submit(bot, view, today + timedelta(days=400)))
    not_later = field_error(await submit(bot, view, today + timedelta(days=10)))
    assert "not after the room's current end" in not_later and ":" not in not_later[:1]
    await as_admin_set(bot, {LONGEST_BLOCK: "45"})
    too_long = field_error(await submit(bot, view, today + timedelta(days=90)))
    assert "45 days" in too_long and "*" not in too_long, "plain text in a field error"
    assert await bot.components.queue.job(f"host:{card.meeting_id}:extend:{view['id']}") is None

    day = today + timedelta(days=44)
    reply = await submit(bot, view, day)
    assert reply.status == 200 and reply.body is None, "the modal closes"
    assert await job_result(bot, f"host:{card.meeting_id}:extend:{view['id']}") == "done"
    assert bot.rooms.room_expiry(card.room_id) == end_of_day_utc(day)
    assert "is now available until" in await private_reply(bot, url)
    until = int(end_of_day_utc(day).timestamp())
    await card_update(bot, card, lambda t: f"<!date^{until}^" in t)


async def test_someone_else_gets_no_extend_modal_but_a_private_reason(bot: RunningBot) -> None:
    bot.slack.state.add_user("U0BOB", "bob")
    card = await start(bot, "Not yours --for 7d")
    block_id, option = menu(card_blocks(bot, card))[HostAction.EXTEND_TO]
    url = bot.slack.response_url()
    await bot.interact(pick(block_id, option, user_id="U0BOB", card=card, response_url=url))
    assert "can extend this room" in await private_reply(bot, url)
    assert not bot.slack.state.calls_to("views.open")


async def published_home(bot: RunningBot, after: int, needle: str) -> dict[str, Any]:
    call = await bot.slack.state.wait_for(
        "views.publish",
        lambda c: (
            c.seq > after and c.params.get("user_id") == CREATOR and needle in json.dumps(c.params)
        ),
        timeout=15,
    )
    view = call.params["view"]
    return json.loads(view) if isinstance(view, str) else dict(view)


async def test_app_home_offers_the_host_controls_and_shows_the_policy(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Weekly sync --for 14d")
    await bot.event(app_home_opened_event(CREATOR))
    home = await published_home(bot, 0, "Weekly sync")
    offered = menu(home["blocks"])
    assert {HostAction.EXTEND_30, HostAction.EXTEND_TO} <= set(offered)
    assert (HostAction.END in offered) is (bot.rooms.name == "daily")
    text = json.dumps(home)
    assert "Workspace meeting policy" in text and "Who may start meetings: Everyone" in text

    # Extend by 30 days from App Home: no response_url there, so the reply comes by DM.
    before = bot.rooms.room_expiry(card.room_id)
    assert before is not None
    block_id, option = offered[HostAction.EXTEND_30]
    trigger = new_trigger_id()
    seq = bot.slack.state.calls[-1].seq
    await bot.interact(pick(block_id, option, trigger_id=trigger))
    assert await job_result(bot, f"host:{card.meeting_id}:extend30:{trigger}") == "done"
    assert bot.rooms.room_expiry(card.room_id) == before + timedelta(days=30)
    dm = bot.slack.state.dm_channel(CREATOR)
    assert any("is now available until" in m.text for m in bot.slack.state.history(dm.id))
    later = before + timedelta(days=30)
    await published_home(bot, seq, f"<!date^{int(later.timestamp())}^")


async def test_an_admin_demoted_while_the_modal_was_open_extends_nothing_and_is_told(
    bot: RunningBot,
) -> None:
    bot.slack.state.add_user("U0BOB", "bob")
    await make_admin(bot, "U0BOB")
    card = await start(bot, "Their room --for 7d")
    block_id, option = menu(card_blocks(bot, card))[HostAction.EXTEND_TO]
    trigger, url = new_trigger_id(), bot.slack.response_url()
    await bot.interact(
        pick(block_id, option, user_id="U0BOB", card=card, response_url=url, trigger_id=trigger)
    )
    opened = await bot.slack.state.wait_for(
        "views.open", lambda c: c.params.get("trigger_id") == trigger, timeout=10
    )
    view = opened.response["view"]
    before = bot.emulator.state.rooms[card.room_id].expires_at
    bot.slack.state.users["U0BOB"].is_admin = False  # demoted meanwhile (the role is cached)

    picked = {
        **DATEPICKER_STATE,
        "selected_date": (utc_now().date() + timedelta(days=20)).isoformat(),
    }
    payload = view_submission_payload(
        EXTEND_CALLBACK_ID,
        {UNTIL_BLOCK: {UNTIL_ACTION: picked}},
        private_metadata=view["private_metadata"],
        view_id=view["id"],
        user_id="U0BOB",
    )
    assert (await bot.interact(payload)).body is None
    assert await job_result(bot, f"host:{card.meeting_id}:extend:{view['id']}") == "refused"
    assert "can extend this room" in await private_reply(bot, url)
    assert bot.emulator.state.rooms[card.room_id].expires_at == before, "nothing changed"
