"""Someone is waiting (issue 17): with the lobby on, Daily's waiting-participant webhooks reach
the host as one DM per meeting that lists who waits, edited as people knock, are let in or turned
away, and cleared when nobody waits. The list does not depend on the order events arrive in."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from bot.cards.reducer import apply_event, close_meeting
from bot.domain.meeting import Meeting
from bot.domain.rooms import EventKind, RoomEvent
from bot.settings.modal_fields import LOBBY_BLOCK
from tests.plugins.bot import CREATOR, GENERAL
from tests.plugins.providers import ProviderBot
from tests.settings_helpers import as_admin_set
from tests.test_lifecycle_card import start_on

daily_only = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


async def dm_now_says(bot: ProviderBot, needle: str) -> str:
    """Wait until the host's waiting DM is edited to say `needle`; its blocks as JSON."""
    dm = bot.slack.state.dm_channel(CREATOR)
    call = await bot.slack.state.wait_for(
        "chat.update",
        lambda c: c.params.get("channel") == dm.id and needle in json.dumps(c.params["blocks"]),
        timeout=10,
    )
    return json.dumps(call.params["blocks"])


@daily_only
async def test_the_host_gets_one_dm_listing_who_waits_kept_current_and_cleared(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    await as_admin_set(bot, {LOBBY_BLOCK: True})
    card = await start_on(bot, "Office hours --for 7d")
    posted = bot.slack.state.message(GENERAL, card.ts)
    assert "Lobby on (channel default)" in json.dumps(posted.blocks)
    daily = bot.rooms.daily  # type: ignore[attr-defined]
    assert daily.state.rooms[card.room_id].enable_knocking is True

    ana = await daily.control.knock(card.room_id, "Ana")
    dm = bot.slack.state.dm_channel(CREATOR)
    first = await bot.slack.state.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == dm.id and "waiting to join" in json.dumps(c.params),
        timeout=10,
    )
    assert "1 person is waiting" in first.params["text"] and "Ana" in first.params["text"]

    bo = await daily.control.knock(card.room_id, "Bo")
    both = await dm_now_says(bot, "2 people are waiting")
    assert "Ana, Bo" in both
    session = await bot.rooms.start_session(card.room_id)
    await bot.rooms.join(session, "Host", is_host=True)  # only an owner in the call decides
    await daily.control.deny(card.room_id, ana)
    assert "Bo" in await dm_now_says(bot, "1 person is waiting")
    await daily.control.admit(card.room_id, bo)  # let in: a participant.joined, no .left
    cleared = await dm_now_says(bot, "Nobody is waiting")
    assert "Office hours" in cleared

    posts = [
        c for c in bot.slack.state.calls_to("chat.postMessage") if c.params.get("channel") == dm.id
    ]
    waiting_posts = [c for c in posts if "waiting to join" in json.dumps(c.params)]
    assert len(waiting_posts) == 1, "one DM per meeting, edited afterwards"
    updates = [
        c for c in bot.slack.state.calls_to("chat.update") if c.params.get("channel") == dm.id
    ]
    assert all(c.params["ts"] == first.response["ts"] for c in updates)


T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def meeting() -> Meeting:
    return Meeting(id="m", team_id="T", creator_id="U", title="t", channel_id="C", room_id="r")


def knock(pid: str, name: str = "") -> RoomEvent:
    return RoomEvent(
        EventKind.WAITING_JOINED, f"j-{pid}", room_id="r", participant_id=pid, participant_name=name
    )


def gone(pid: str) -> RoomEvent:
    return RoomEvent(EventKind.WAITING_LEFT, f"l-{pid}", room_id="r", participant_id=pid)


def admitted(pid: str) -> RoomEvent:
    return RoomEvent(
        EventKind.PARTICIPANT_JOINED, f"p-{pid}", room_id="r", session_id="s", participant_id=pid
    )


def started() -> RoomEvent:
    return RoomEvent(EventKind.SESSION_STARTED, "s", room_id="r", session_id="s", started_at=T0)


def apply_all(events: list[RoomEvent]) -> Meeting:
    m = meeting()
    for event in events:
        m = apply_event(m, event, received_at=T0)
    return m


@pytest.mark.parametrize(
    "events",
    [
        [knock("a", "Ana"), gone("a")],
        [gone("a"), knock("a", "Ana")],  # the leave first
        [knock("a", "Ana"), gone("a"), knock("a", "Ana"), gone("a")],  # redelivered
        [started(), admitted("a"), knock("a", "Ana")],  # let in before the knock arrived
        [started(), knock("a", "Ana"), admitted("a")],
    ],
)
def test_whoever_left_or_was_let_in_stops_waiting_in_any_order(events: list[RoomEvent]) -> None:
    assert apply_all(events).waiting_now == ()


def test_duplicate_knocks_list_one_person_and_others_keep_waiting() -> None:
    m = apply_all([knock("a", "Ana"), knock("b", "Bo"), knock("a", "Ana"), gone("b")])
    assert [(w.id, w.name) for w in m.waiting_now] == [("a", "Ana")]
    assert apply_event(m, knock("a", "Ana"), received_at=T0) == m, "a repeat changes nothing"


def test_ending_the_meeting_empties_the_lobby_and_a_late_knock_does_not_wait() -> None:
    m = close_meeting(apply_all([knock("a", "Ana")]), by="U", at=T0)
    assert m.waiting_now == ()
    assert apply_event(m, knock("b", "Bo"), received_at=T0).waiting_now == ()
    assert close_meeting(m, by="X", at=T0) == m, "a second end changes nothing"
