"""Standups end to end: `/meet standup` schedules, late runs, listing, cancelling, mistakes.

The bot and the Meetings emulator share one steerable clock (`bot_clock`), so "09:30 comes"
is a clock move; the scheduler loop in the worker notices it on its next look. What a run does
with its room (card, links, renewal, recreation, racing workers, recordings) runs on both
providers in tests/test_standup_rooms.py, with the helpers below.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from meetbot_sandbox.meetings import MutableClock
from meetbot_sandbox.slack.block_kit import message_problems
from meetbot_sandbox.slack.models import ApiCall

from bot.standups import blocks as standup_blocks
from bot.standups.scheduler import StandupScheduler
from bot.standups.store import Schedule
from bot.standups.tasks import StandupFirer
from tests.plugins.bot import GENERAL, RunningBot


@pytest.fixture
def bot_clock(emulator_clock: MutableClock) -> MutableClock:
    """Starts at the wall-clock time, frozen; the provider's JWTs are minted in wall time, so
    tests move it by days at most."""
    return emulator_clock


async def settled(bot: RunningBot, schedule_id: str) -> None:
    """Wait until no scheduler holds the schedule's occurrence (its run is over and advanced)."""
    claimed = bot.components.standups.store.keys.standups_claimed()
    async with asyncio.timeout(10):
        while await bot.components.redis.hexists(claimed, schedule_id):  # noqa: ASYNC110
            await asyncio.sleep(0.02)  # Redis has no "hash field deleted" to wait on


async def next_run(bot: RunningBot, schedule_id: str) -> datetime:
    """The next occurrence, once the one in flight (if any) has moved the schedule on."""
    await settled(bot, schedule_id)
    due = (await bot.components.standups.store.next_due([schedule_id]))[schedule_id]
    return datetime.fromtimestamp(due, UTC)


def is_card(call: ApiCall) -> bool:
    return (
        call.ok
        and call.params.get("channel") == GENERAL
        and ":repeat: Standup" in call.params["text"]
    )


def cards(bot: RunningBot) -> list[ApiCall]:
    return [c for c in bot.slack.state.calls_to("chat.postMessage") if is_card(c)]


async def schedule(bot: RunningBot, text: str) -> str:
    """Run `/meet <text>` and return the new schedule's id from the private confirmation."""
    url = bot.slack.response_url()
    reply = await bot.command(text, response_url=url)
    assert reply.status == 200 and "Scheduling" in reply.text
    body = await bot.slack.state.wait_for_response(url, lambda b: "Its id is" in b["text"], 10)
    found = re.search(r"Its id is `([a-z0-9]+)`", body["text"])
    assert found is not None
    return found.group(1)


async def next_card(bot: RunningBot, after: int) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: is_card(c) and c.seq > after, timeout=10
    )


def last_seq(bot: RunningBot) -> int:
    return bot.slack.state.calls[-1].seq if bot.slack.state.calls else 0


async def test_a_run_up_to_15_minutes_late_is_posted_and_marked_late_older_ones_are_skipped(
    bot_no_worker: RunningBot, bot_clock: MutableClock
) -> None:
    bot = bot_no_worker
    bot.start_worker()
    schedule_id = await schedule(bot, "standup daily 09:30")
    await bot.stop_worker()  # every worker is down at 09:30

    mark = last_seq(bot)
    bot_clock.set(await next_run(bot, schedule_id) + timedelta(minutes=10))
    bot.start_worker()
    card = await next_card(bot, mark)
    assert "posted 10 min late" in card.params["text"]
    job_done = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params["channel"].startswith("D"), timeout=10
    )
    assert job_done.seq > card.seq
    await settled(bot, schedule_id)
    await bot.stop_worker()

    # Down again, and back 20 minutes after the next run: that run is skipped, not posted.
    due = await next_run(bot, schedule_id)
    bot_clock.set(due + timedelta(minutes=20))
    c = bot.components
    scheduler = StandupScheduler(c.standups.store, StandupFirer(c.standups), c.clock)
    assert await scheduler.run_once() == 1
    assert await next_run(bot, schedule_id) > due + timedelta(hours=12), "on to the day after"
    assert scheduler.stats.skipped == 1 and scheduler.stats.fired == 0, "nothing posted"
    assert len(cards(bot)) == 1


async def test_schedules_lists_the_channel_and_cancel_needs_the_owner_or_an_admin(
    bot: RunningBot,
) -> None:
    schedule_id = await schedule(bot, "standup every monday 14:00")
    listed = await bot.command("schedules")
    assert schedule_id in listed.text and "every Monday at 14:00 (Europe/Berlin)" in listed.text
    assert "<!date^" in listed.text, "the next run in each reader's own time"

    bot.slack.state.add_user("U0BOB", "bob")
    url = bot.slack.response_url()
    await bot.command(f"cancel {schedule_id}", user_id="U0BOB", response_url=url)
    refused = await bot.slack.state.wait_for_response(url, timeout=10)
    assert "Only <@U0ALICE>" in refused["text"]
    assert await bot.components.standups.store.get(schedule_id) is not None

    bot.slack.state.add_user("U0ADMIN", "root", is_admin=True)
    url = bot.slack.response_url()
    await bot.command(f"cancel {schedule_id}", user_id="U0ADMIN", response_url=url)
    done = await bot.slack.state.wait_for_response(url, timeout=10)
    assert "is cancelled" in done["text"]
    assert await bot.components.standups.store.get(schedule_id) is None
    assert "No standups" in (await bot.command("schedules")).text


async def test_the_owner_cancels_at_once_and_unknown_ids_are_named(
    bot: RunningBot,
) -> None:
    schedule_id = await schedule(bot, "standup daily 9:00")
    reply = await bot.command(f"cancel {schedule_id}")
    assert "is cancelled" in reply.text
    assert "There is no standup `nope`" in (await bot.command("cancel nope")).text


async def test_mistakes_get_examples_and_a_channel_we_cannot_post_in_is_refused(
    bot: RunningBot,
) -> None:
    for text, problem in [
        ("standup 09:30", "needs days"),
        ("standup every monday", "Add the time"),
        ("standup every blursday 10:00", "can't read"),
    ]:
        reply = await bot.command(text)
        assert problem in reply.text and "/meet standup every weekday 09:30" in reply.text

    bot.slack.state.add_channel("G0SECRET", "secret", private=True, member=False)
    url = bot.slack.response_url()
    await bot.command("standup daily 9:00", channel_id="G0SECRET", response_url=url)
    body = await bot.slack.state.wait_for_response(url, lambda b: "can't post" in b["text"], 10)
    assert "/invite @meetbot" in body["text"]
    assert "No standups" in (await bot.command("schedules", channel_id="G0SECRET")).text


def ordinary_standups(count: int, team_id: str, due: datetime) -> list[Schedule]:
    return [
        Schedule(
            id=f"team{n:04d}",
            key=f"list-{n}",
            team_id=team_id,
            owner_id="U0ALICE",
            channel_id=GENERAL,
            title=f"Platform squad {n:02d} daily standup & demo prep",
            rule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30",
            description="every weekday at 09:30",
            tz="Europe/Berlin",
            dtstart=due.replace(hour=0, minute=0, second=0, tzinfo=None),
        )
        for n in range(count)
    ]


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    return found + [e["text"] for b in blocks if b["type"] == "context" for e in b["elements"]]


async def test_schedules_lists_two_dozen_standups_whole_in_several_sections(
    bot: RunningBot, bot_clock: MutableClock
) -> None:
    store = bot.components.standups.store
    tomorrow = bot_clock() + timedelta(days=1)
    schedules = ordinary_standups(24, bot.slack.state.workspace.team_id, tomorrow)
    for schedule in schedules:
        assert await store.create(schedule, tomorrow)

    listed = await bot.command("schedules")
    assert listed.body is not None
    blocks = listed.body["blocks"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]

    assert len(sections) > 1 and all(len(text) <= 3000 for text in sections)
    assert message_problems(blocks) == [], "Slack would post it"
    shown = re.findall(r"`(team\d{4})`", "\n".join(sections))
    assert sorted(shown) == sorted(s.id for s in schedules), "every id, once, typeable"
    lines = [line for text in sections for line in text.split("\n") if line.startswith("• ")]
    assert len(lines) == 24 and all(" by <@U0ALICE>: " in line for line in lines), "none cut"
    assert "…" not in json.dumps(blocks) and "more" not in json.dumps(blocks[-1])


def test_schedules_past_slacks_block_limit_say_how_many_more() -> None:
    due = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    schedules = ordinary_standups(2000, "T0TEST", due)
    message = standup_blocks.schedules_list(schedules, {})

    shown = re.findall(r"`(team\d{4})`", json.dumps(message.blocks))
    more = re.search(r"and (\d+) more", json.dumps(message.blocks[-1]))
    assert len(message.blocks) == 50 and message_problems(message.blocks) == []
    assert more is not None and int(more.group(1)) == 2000 - len(shown)
    assert shown == [s.id for s in schedules[: len(shown)]], "whole lines, in order"


async def test_no_mrkdwn_text_carries_a_raw_id_placeholder(bot: RunningBot) -> None:
    replies = [await bot.command(text) for text in ("help", "cancel", "schedules")]
    store = bot.components.standups.store
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    [one] = ordinary_standups(1, bot.slack.state.workspace.team_id, tomorrow)
    assert await store.create(one, tomorrow)
    replies.append(await bot.command("schedules"))

    texts = [t for r in replies if r.body for t in [r.text, *mrkdwn_texts(r.body["blocks"])]]
    assert not [t for t in texts if "<id>" in t], "Slack would read <id> as a link"
    assert sum("/meet cancel &lt;id&gt;" in t for t in texts) >= 3
