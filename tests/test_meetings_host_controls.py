"""Issue 17 on the Meetings API, against its emulator: the lobby is `join_approval_level`
(explicit_approval on, none off), set at creation and switched on long-term rooms; ending a
meeting is refused in words, since the API has no call for it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.rooms import Capability, RoomKind, RoomRequest
from bot.errors import UnsupportedError, user_message
from bot.providers.meetings.provider import MeetingsProvider
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.meetings import MakeClient


@pytest.fixture
def provider(make_meetings_client: MakeClient) -> MeetingsProvider:
    return MeetingsProvider(make_meetings_client())


def long_term(emulator: EmulatorHandle, *, lobby: bool = False) -> RoomRequest:
    until = emulator.clock() + timedelta(days=30)
    return RoomRequest("Weekly", kind=RoomKind.LONG_TERM, expires_at=until, lobby=lobby)


def test_meetings_offers_the_lobby_and_extending_but_not_ending(
    provider: MeetingsProvider,
) -> None:
    assert provider.capabilities == {Capability.EXTEND, Capability.LOBBY}


async def test_a_room_asked_with_a_lobby_needs_explicit_approval(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    with_lobby = await provider.create_room(RoomRequest("Standup", lobby=True))
    without = await provider.create_room(RoomRequest("Standup"))
    assert emulator.state.rooms[with_lobby.id].join_approval_level == "explicit_approval"
    assert emulator.state.rooms[without.id].join_approval_level == "none"
    assert (with_lobby.lobby, without.lobby) == (True, False)
    assert (await provider.get_room(with_lobby.id)).lobby is True


async def test_the_lobby_of_a_long_term_room_switches_and_again_changes_nothing(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    room = await provider.create_room(long_term(emulator))
    await provider.set_lobby(room.id, True)
    await provider.set_lobby(room.id, True)
    assert emulator.state.rooms[room.id].join_approval_level == "explicit_approval"
    await provider.set_lobby(room.id, False)
    await provider.set_lobby(room.id, False)
    assert emulator.state.rooms[room.id].join_approval_level == "none"
    assert (await provider.get_room(room.id)).lobby is False


async def test_an_instant_room_s_lobby_cannot_change_and_says_so(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    room = await provider.create_room(RoomRequest("Now"))
    await provider.set_lobby(room.id, False)  # already so: nothing to ask the API
    with pytest.raises(UnsupportedError) as refused:
        await provider.set_lobby(room.id, True)
    assert "long-term" in user_message(refused.value)
    assert emulator.state.rooms[room.id].join_approval_level == "none"


async def test_ending_a_meeting_is_refused_in_words(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    room = await provider.create_room(long_term(emulator))
    with pytest.raises(UnsupportedError) as refused:
        await provider.end_room(room.id)
    said = user_message(refused.value)
    assert said.startswith(":warning: The Vonage Meetings API has no way to end a meeting")
    assert (await provider.get_room(room.id)).is_available is True, "nothing changed"
