"""Host controls from the card (issue 17), end to end: signed Slack requests in, real Redis,
the fake Slack and the provider emulators out. End (Daily), Extend and the lobby (both), who
may use them, and what a second click or a stale card does."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.hostctl.actions import HostAction
from tests.hostctl_helpers import card_blocks, choose, in_general, menu, private_reply
from tests.plugins.bot import CREATOR, RunningBot
from tests.plugins.providers import ProviderBot
from tests.settings_helpers import make_admin
from tests.test_lifecycle_card import card_update, join_button, start, start_on

daily_only = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
BOB = "U0BOB"


@daily_only
async def test_the_host_ends_a_live_meeting_everyone_is_out_and_the_room_is_closed(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Design review")
    session = await bot.rooms.start_session(card.room_id)
    await bot.rooms.join(session, "Ana", is_host=True)
    await bot.rooms.join(session, "Li")
    await card_update(bot, card, lambda t: "Here now (2)" in t)
    assert set(menu(card_blocks(bot, card))) == {HostAction.END, HostAction.LOBBY_ON}

    url, result = await choose(bot, card, HostAction.END)

    assert result == "done"
    assert "has ended: everyone was removed and the room is closed" in await private_reply(bot, url)
    ended = await card_update(bot, card, lambda t: "Ended by" in t)
    assert f"Ended by <@{CREATOR}>" in str(ended["blocks"])
    assert not join_button(ended["blocks"]) and menu(ended["blocks"]) == {}
    daily = bot.rooms.daily  # type: ignore[attr-defined]
    assert daily.state.sessions[session].ended_at is not None, "everyone was ejected"
    expiry = bot.rooms.room_expiry(card.room_id)
    # Daily's instant rooms last a day; ending one closes its door now (clocks may differ by
    # a second or two between the bot and the emulator).
    assert expiry is not None and expiry < daily.clock() + timedelta(minutes=1), "door closed"
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and meeting.guest_url is not None
    assert bot.rooms.admits(meeting.guest_url, at=expiry) is None, "its links let nobody in"
    # Daily's own meeting.ended (sent as the last one is ejected) changes nothing more.
    assert "Ended by" in in_general(bot, card)


@daily_only
async def test_someone_else_cannot_end_it_and_is_told_privately(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    bot.slack.state.add_user(BOB, "bob")
    card = await start_on(bot, "Planning")

    url, result = await choose(bot, card, HostAction.END, user_id=BOB)

    assert result == "refused"
    text = await private_reply(bot, url)
    assert f"Only the meeting's host (<@{CREATOR}>) or a workspace admin can end" in text
    assert "Nothing was changed" in text
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and meeting.closed_at is None
    assert meeting.guest_url is not None and bot.rooms.admits(meeting.guest_url) == "guest"


@daily_only
async def test_a_workspace_admin_may_end_anyones_meeting(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    bot.slack.state.add_user(BOB, "bob")
    await make_admin(bot, BOB)
    card = await start_on(bot, "Left running")

    _, result = await choose(bot, card, HostAction.END, user_id=BOB)

    assert result == "done"
    await card_update(bot, card, lambda t: f"Ended by <@{BOB}>" in t)


@daily_only
async def test_an_admin_of_a_partner_workspace_is_not_one_of_ours(
    provider_bot: ProviderBot,
) -> None:
    """Slack Connect: admin rights count in the meeting's own workspace only (users.info is
    asked in the workspace the person acts from)."""
    bot = provider_bot
    bot.slack.state.add_user("U0PARTNER", "pat", is_admin=True, team_id="T0PARTNER")
    card = await start_on(bot, "Shared channel")

    url, result = await choose(bot, card, HostAction.END, user_id="U0PARTNER", team_id="T0PARTNER")

    assert result == "refused"
    assert "Only the meeting's host" in await private_reply(bot, url)
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and meeting.closed_at is None


@daily_only
async def test_a_double_click_ends_once_and_the_second_is_told_it_already_ended(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Twice")
    daily = bot.rooms.daily  # type: ignore[attr-defined]
    asked = dict((await daily.control.stats())["requests"])

    results = await asyncio.gather(*(choose(bot, card, HostAction.END) for _ in range(2)))

    assert sorted(result for _, result in results) == ["done", "refused"]
    replies = [await private_reply(bot, url) for url, _ in results]
    assert sum("has ended" in r for r in replies) == 1
    assert sum("already ended" in r for r in replies) == 1
    now = (await daily.control.stats())["requests"]
    changed = {route: n - asked.get(route, 0) for route, n in now.items() if n != asked.get(route)}
    presence = [route for route in changed if "presence" in route]
    assert presence and all(changed[route] == 1 for route in presence), changed


@daily_only
async def test_an_end_on_an_ended_meeting_changes_nothing(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card = await start_on(bot, "Stale card")
    stale = card_blocks(bot, card)
    await choose(bot, card, HostAction.END)
    await card_update(bot, card, lambda t: "Ended by" in t)
    closed = await bot.components.store.records.get(card.meeting_id)

    # The stale card's End, once more.
    message = bot.slack.state.message(card.channel, card.ts)
    now_blocks, message.blocks = message.blocks, stale
    url, result = await choose(bot, card, HostAction.END)
    message.blocks = now_blocks

    assert result == "refused"
    assert f"already ended by <@{CREATOR}>" in await private_reply(bot, url)
    assert await bot.components.store.records.get(card.meeting_id) == closed


async def test_meetings_offers_no_end_and_a_forged_one_is_told_why(bot: RunningBot) -> None:
    card = await start(bot, "No end here --for 7d")
    assert HostAction.END not in menu(card_blocks(bot, card))
    stale = card_blocks(bot, card)
    forged = {
        "text": {"type": "plain_text", "text": "End meeting for everyone", "emoji": True},
        "value": f"end:{card.meeting_id}",
    }
    message = bot.slack.state.message(card.channel, card.ts)
    message.blocks = [
        *stale[:-1],
        {**stale[-1], "elements": [{**stale[-1]["elements"][0], "options": [forged]}]},
    ]
    url, result = await choose(bot, card, HostAction.END)
    assert result == "failed"
    assert "has no way to end a meeting" in await private_reply(bot, url)


async def test_extend_by_30_days_moves_the_rooms_end_on_both_providers(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Q4 planning --for 30d")
    before = bot.rooms.room_expiry(card.room_id)
    assert before is not None
    assert {HostAction.EXTEND_30, HostAction.EXTEND_TO} <= set(menu(card_blocks(bot, card)))

    url, result = await choose(bot, card, HostAction.EXTEND_30)

    assert result == "done"
    told = await private_reply(bot, url)
    assert "is now available until" in told
    # Daily's links are signed until the room's end, so the host is sent to the new one;
    # Meetings' links do not change.
    assert ("your host link is in meetbot's Home tab" in told) is (bot.rooms.name == "daily")
    after = bot.rooms.room_expiry(card.room_id)
    assert after is not None and abs(after - before - timedelta(days=30)) < timedelta(seconds=2)
    await card_update(bot, card, lambda t: str(int(after.timestamp())) in t)


async def test_an_instant_room_offers_no_extend(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card = await start_on(bot, "Quick")
    offered = set(menu(card_blocks(bot, card)))
    assert HostAction.EXTEND_30 not in offered and HostAction.EXTEND_TO not in offered


async def test_the_lobby_goes_on_and_off_and_the_card_says_so(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card = await start_on(bot, "Town hall --for 7d")

    url, result = await choose(bot, card, HostAction.LOBBY_ON)
    assert result == "done", await private_reply(bot, url)
    assert "guests wait until a host admits them" in await private_reply(bot, url)
    on = await card_update(bot, card, lambda t: "Lobby on" in t)
    assert _lobby_at_provider(bot, card.room_id) is True
    if bot.rooms.name == "daily":  # any token walks in: guests now get the bare URL and knock
        assert "?t=" not in _join_url(on["blocks"])
    assert HostAction.LOBBY_OFF in menu(card_blocks(bot, card))

    url, result = await choose(bot, card, HostAction.LOBBY_OFF)
    assert result == "done"
    off = await card_update(bot, card, lambda t: "Lobby on" not in t and "Town hall" in t)
    assert _lobby_at_provider(bot, card.room_id) is False
    if bot.rooms.name == "daily":
        assert bot.rooms.admits(_join_url(off["blocks"])) == "guest"


async def test_a_meetings_instant_room_cannot_switch_its_lobby_and_says_so(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card = await start_on(bot, "Instant")
    offered = menu(card_blocks(bot, card))
    url, result = await choose(bot, card, HostAction.LOBBY_ON)
    if bot.rooms.name == "daily":
        assert HostAction.LOBBY_ON in offered
        assert result == "done"
        return
    assert HostAction.LOBBY_ON not in offered, "not offered where it cannot work"
    # A card drawn before this rule, or a hand-made payload: refused with the reason.
    assert result == "failed"
    assert "only in long-term rooms" in await private_reply(bot, url)
    meeting = await bot.components.store.records.get(card.meeting_id)
    assert meeting is not None and meeting.lobby is False, "nothing half-applied"


def _lobby_at_provider(bot: ProviderBot, room_id: str) -> bool:
    if bot.rooms.name == "daily":
        return bool(bot.rooms.daily.state.rooms[room_id].enable_knocking)  # type: ignore[attr-defined]
    return bot.emulator.state.rooms[room_id].join_approval_level == "explicit_approval"


def _join_url(blocks: list[dict[str, Any]]) -> str:
    return str(next(b["accessory"]["url"] for b in blocks if "accessory" in b))
