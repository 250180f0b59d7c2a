"""The same standup cannot be scheduled twice in a channel (issue 18): every card would post
twice. The second request is answered privately with the first one's id, and nothing is made."""

from __future__ import annotations

import pytest
from meetbot_sandbox.meetings import MutableClock

from tests.plugins.bot import GENERAL, RunningBot
from tests.test_standups import schedule


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    return emulator_clock


async def test_a_second_standup_at_the_same_times_is_refused_with_the_first_ones_id(
    bot: RunningBot,
) -> None:
    first = await schedule(bot, "standup every weekday 09:30")
    url = bot.slack.response_url()
    await bot.command("standup Daily sync every weekday 09:30", response_url=url)
    refused = await bot.slack.state.wait_for_response(
        url, lambda b: "already has" in b["text"], timeout=10
    )
    assert f"`{first}`" in refused["text"] and f"/meet cancel {first}" in refused["text"]
    store = bot.components.standups.store
    made = await store.get(first)
    assert made is not None
    assert [s.id for s in await store.channel_schedules(made.team_id, GENERAL)] == [first]
    # Another time in the same channel is another standup.
    other = await schedule(bot, "standup every weekday 10:00")
    assert other != first


async def test_a_standup_in_an_archived_channel_is_refused_as_cannot_post_here(
    bot: RunningBot,
) -> None:
    bot.slack.state.channels[GENERAL].is_archived = True
    url = bot.slack.response_url()
    await bot.command("standup every weekday 09:30", response_url=url)
    said = await bot.slack.state.wait_for_response(url, lambda b: "can't" in b["text"], 10)
    assert "I can't post in this conversation" in said["text"]


async def test_a_missing_scope_is_told_as_such_not_as_cannot_post_here(bot: RunningBot) -> None:
    """Issue 14's named errors reach the standup owner too: an admin must reinstall."""
    assert bot.slack.state.scopes is not None
    bot.slack.state.scopes = bot.slack.state.scopes - {"chat:write"}
    url = bot.slack.response_url()
    await bot.command("standup every weekday 09:30", response_url=url)
    said = await bot.slack.state.wait_for_response(url, lambda b: "Scheduling" not in b["text"], 10)
    assert "chat:write" in said["text"] and "I can't post in this conversation" not in said["text"]
