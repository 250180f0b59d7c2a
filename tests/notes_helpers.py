"""What the notes tests share: a meeting with notes on Daily, its ended session, its reply in
the thread as the fake Slack saw it, and Daily's deliveries sent again (duplicates, reorders)."""

from __future__ import annotations

import json
import time
from typing import Any

from meetbot_sandbox.slack.models import ApiCall

from bot.providers.daily.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from tests.plugins.bot import CREATOR, GENERAL
from tests.plugins.daily import DailyHandle
from tests.plugins.providers import DailyRooms, ProviderBot
from tests.test_lifecycle_card import Card, start_on

TITLE = "Design review"


def daily_of(bot: ProviderBot) -> DailyHandle:
    assert isinstance(bot.rooms, DailyRooms)
    return bot.rooms.daily


def add_people(bot: ProviderBot) -> None:
    """#general's members: Ana (one of her), two people called Li, and the host."""
    state = bot.slack.state
    state.add_user("U0ANA", "ana", real_name="Ana Lopez")
    state.add_user("U0LI1", "li.wang", real_name="Li Wang")
    state.add_user("U0LI2", "li.chen", real_name="Li Chen")
    state.members[GENERAL] = [CREATOR, "U0ANA", "U0LI1", "U0LI2"]


async def notes_meeting(bot: ProviderBot, *names: str) -> tuple[Card, str]:
    """A `--notes` meeting whose one session `names` attended and which has ended."""
    add_people(bot)
    card = await start_on(bot, f"{TITLE} --notes")
    session = await bot.rooms.start_session(card.room_id)
    for name in names or ("Ana", "Li"):
        await bot.rooms.join(session, name)
    await bot.rooms.end_session(session)
    return card, session


def is_reply(card: Card, call: ApiCall) -> bool:
    return (
        call.ok
        and call.params.get("thread_ts") == card.ts
        and "Meeting notes" in str(call.params.get("text", ""))
    )


def replies(bot: ProviderBot, card: Card) -> list[ApiCall]:
    return [c for c in bot.slack.state.calls_to("chat.postMessage") if is_reply(card, c)]


async def reply_posted(bot: ProviderBot, card: Card) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: is_reply(card, c), timeout=15
    )


def blocks_text(call: ApiCall) -> str:
    return json.dumps(call.params.get("blocks", []), ensure_ascii=False)


async def reply_updated(bot: ProviderBot, ts: str, shows: str) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.update",
        lambda c: c.ok and c.params.get("ts") == ts and shows in blocks_text(c),
        timeout=15,
    )


def dms_to_host(bot: ProviderBot, shows: str) -> list[ApiCall]:
    dm = bot.slack.state.dm_channel(CREATOR).id
    return [
        c
        for c in bot.slack.state.calls_to("chat.postMessage")
        if c.ok and c.params.get("channel") == dm and shows in blocks_text(c)
    ]


async def only_job(bot: ProviderBot) -> dict[str, Any]:
    (job,) = await daily_of(bot).control.jobs()
    return job


async def deliver_again(bot: ProviderBot, body: dict[str, Any]) -> int:
    """POST a Daily webhook body to the bot again, signed as Daily signs it."""
    raw = json.dumps(body).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: sign(daily_of(bot).webhook_secret, raw, stamp),
    }
    async with bot.http.post(f"{bot.url}/callbacks/daily", data=raw, headers=headers) as resp:
        await resp.read()
        return resp.status


def delivered(bot: ProviderBot, name: str) -> list[dict[str, Any]]:
    return [d.body for d in daily_of(bot).state.deliveries if d.type == name]


async def settled(bot: ProviderBot) -> None:
    """Every queued or running job has finished (the worker is idle)."""
    queue = bot.components.queue
    for _ in range(200):
        if await queue.count("queued") == 0 and await queue.count("active") == 0:
            return
        await _sleep(0.05)
    raise AssertionError("jobs still running")


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def is_dm_notes(bot: ProviderBot, call: ApiCall) -> bool:
    """A notes reply posted to the creator's DM (no card thread to post it in)."""
    dm = bot.slack.state.dm_channel(CREATOR).id
    return call.ok and call.params.get("channel") == dm and "Meeting notes" in call.params["text"]


async def dm_notes_posted(bot: ProviderBot) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: is_dm_notes(bot, c), timeout=15
    )
