"""What the host controls' menu offers in each state, and who may act (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.meeting import Meeting, MeetingStatus
from bot.domain.rooms import Capability, RoomKind
from bot.hostctl.actions import HostAction, option_value, parse_value
from bot.hostctl.menu import host_menu
from bot.hostctl.rules import may_act, offered
from bot.settings.model import Role

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
ALL = frozenset(Capability)


def meeting(**changes: object) -> Meeting:
    base = Meeting(
        id="abc123",
        team_id="T1",
        creator_id="UHOST",
        title="t",
        channel_id="C",
        room_id="r",
        kind=RoomKind.LONG_TERM,
        expires_at=NOW + timedelta(days=10),
    )
    return base.replace(**changes)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, [HostAction.END, HostAction.EXTEND_30, HostAction.EXTEND_TO, HostAction.LOBBY_ON]),
        (
            {"lobby": True},
            [HostAction.END, HostAction.EXTEND_30, HostAction.EXTEND_TO, HostAction.LOBBY_OFF],
        ),
        ({"kind": RoomKind.INSTANT}, [HostAction.END, HostAction.LOBBY_ON]),
        (
            {"status": MeetingStatus.ENDED},
            [HostAction.EXTEND_30, HostAction.EXTEND_TO, HostAction.LOBBY_ON],
        ),
        ({"status": MeetingStatus.ENDED, "kind": RoomKind.INSTANT}, []),
        ({"status": MeetingStatus.EXPIRED}, []),
        ({"closed_at": NOW, "status": MeetingStatus.ENDED}, []),
        ({"expires_at": NOW - timedelta(seconds=1)}, []),
        ({"room_id": None}, []),
    ],
)
def test_the_menu_offers_what_makes_sense_now(
    changes: dict[str, object], expected: list[HostAction]
) -> None:
    assert offered(meeting(**changes), ALL, NOW) == expected


def test_only_what_the_provider_can_do_is_offered() -> None:
    meetings_api = frozenset({Capability.EXTEND, Capability.LOBBY})
    assert HostAction.END not in offered(meeting(), meetings_api, NOW)
    assert host_menu(meeting(kind=RoomKind.INSTANT), frozenset({Capability.EXTEND}), NOW) is None


def test_the_menu_keeps_block_kits_limits() -> None:
    menu = host_menu(meeting(), ALL, NOW)
    assert menu is not None
    (overflow,) = menu["elements"]
    assert 1 <= len(overflow["options"]) <= 5
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in overflow["options"])


def test_option_values_round_trip_and_foreign_ones_are_ignored() -> None:
    assert parse_value(option_value(HostAction.END, "abc123")) == (HostAction.END, "abc123")
    for bad in (None, 3, "", "end", "explode:abc", "end:../x", "end:" + "a" * 65):
        assert parse_value(bad) is None


def test_the_host_or_an_admin_of_the_meetings_own_workspace_may_act() -> None:
    m = meeting()
    assert may_act(m, "UHOST", None, "T1")
    assert may_act(m, "UADMIN", Role("UADMIN", is_admin=True), "T1")
    assert not may_act(m, "UBOB", Role("UBOB"), "T1")
    # Enterprise Grid / Slack Connect: an admin of another workspace is not one of ours.
    assert not may_act(m, "UADMIN", Role("UADMIN", is_admin=True), "T2")
