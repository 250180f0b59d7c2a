"""Meetings API and Slack failing under a running bot: retried with backoff, the user told once
when the bot gives up, and nothing duplicated (one room, one card, one host DM per command)."""

from __future__ import annotations

import json

from meetbot_sandbox.slack.signing import new_trigger_id

from tests.job_wait import finished
from tests.plugins.bot import CREATOR, GENERAL, RunningBot


async def meet(bot: RunningBot, title: str) -> tuple[str, str]:
    """/meet `title`; its trigger_id and response_url once its job is finished (or failed)."""
    trigger_id, response_url = new_trigger_id(), bot.slack.response_url()
    reply = await bot.command(title, trigger_id=trigger_id, response_url=response_url)
    assert reply.status == 200
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=30)
    return trigger_id, response_url


def cards(bot: RunningBot, title: str) -> list[str]:
    return [
        str(c.response["ts"])
        for c in bot.slack.state.calls_to("chat.postMessage")
        if c.ok and c.params.get("channel") == GENERAL and title in json.dumps(c.params)
    ]


def host_dms(bot: RunningBot, title: str) -> int:
    dm = bot.slack.state.dm_channel(CREATOR)
    return sum(
        1 for c in bot.slack.state.calls_to("chat.postMessage")
        if c.ok and c.params.get("channel") == dm.id and title in json.dumps(c.params)
    )  # fmt: skip


def rooms(bot: RunningBot, title: str) -> int:
    return sum(1 for r in bot.emulator.state.rooms.values() if r.display_name == title)


def assert_exactly_once(bot: RunningBot, title: str) -> None:
    assert (rooms(bot, title), len(cards(bot, title)), host_dms(bot, title)) == (1, 1, 1)


async def test_a_500_on_room_creation_is_retried_into_one_room(bot: RunningBot) -> None:
    await bot.emulator.control.set_fault(method="POST", path="/rooms", status=500, times=2)
    await meet(bot, "After two 500s")
    assert_exactly_once(bot, "After two 500s")


async def test_a_429_with_retry_after_is_waited_out(bot: RunningBot) -> None:
    await bot.emulator.control.set_fault(
        method="POST", path="/rooms", status=429, retry_after=1, times=1
    )
    await meet(bot, "Rate limited")
    assert_exactly_once(bot, "Rate limited")


async def test_a_dropped_connection_mid_create_is_retried_into_one_room(bot: RunningBot) -> None:
    await bot.emulator.control.set_fault(method="POST", path="/rooms", drop=True, times=1)
    await meet(bot, "Dropped")
    assert_exactly_once(bot, "Dropped")


async def test_when_the_provider_refuses_for_good_the_user_is_told_once(bot: RunningBot) -> None:
    await bot.emulator.control.set_fault(method="POST", path="/rooms", status=403, times=1)
    _, response_url = await meet(bot, "Refused")
    (notice,) = bot.slack.state.responses(response_url)
    assert notice["response_type"] == "ephemeral"
    assert "room limit" in json.dumps(notice)
    assert (rooms(bot, "Refused"), cards(bot, "Refused")) == (0, [])


async def test_slack_500s_on_the_card_are_retried_without_a_second_card(bot: RunningBot) -> None:
    bot.slack.state.server_errors.set("chat.postMessage", times=2)
    await meet(bot, "Slack hiccup")
    assert_exactly_once(bot, "Slack hiccup")


async def test_slack_429s_are_waited_out_without_a_second_dm(bot: RunningBot) -> None:
    bot.slack.state.set_rate_limit("conversations.open", times=2, retry_after=1)
    bot.slack.state.set_rate_limit("chat.postMessage", times=1, retry_after=1)
    await meet(bot, "Slack busy")
    assert_exactly_once(bot, "Slack busy")
