"""Issue 17 on Daily, against the Daily emulator: a room's lobby (knocking) set at creation and
switched later, ending a meeting (the door closes, everyone present is ejected, the meeting ends,
the room and its recordings stay), each idempotent."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from meetbot_sandbox.daily import DailyControl
from meetbot_sandbox.daily.control import DailyControlError
from pytest_aiohttp import AiohttpServer

from bot.domain.rooms import Capability, RoomKind, RoomProvider, RoomRequest
from bot.providers.daily.client import DailyClient
from bot.providers.daily.provider import DailyProvider
from tests.plugins.daily import DailyHandle


@pytest.fixture
def provider(daily_client: DailyClient, daily: DailyHandle) -> DailyProvider:
    """On the emulator's clock, so "now" is the same on both sides."""
    return DailyProvider(daily_client, name_key=b"key", clock=daily.clock)


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> AsyncIterator[str]:
    async def ok(_: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", ok)
    server = await aiohttp_server(app, port=0)
    yield str(server.make_url("/hook"))


async def sent(control: DailyControl) -> list[str]:
    return [d["type"] for d in await control.deliveries()]


def long_term(daily: DailyHandle, *, lobby: bool = False, metadata: str = "m-1") -> RoomRequest:
    until = daily.clock() + timedelta(days=30)
    return RoomRequest(
        "Q4", kind=RoomKind.LONG_TERM, expires_at=until, lobby=lobby, metadata=metadata
    )


def test_daily_offers_every_host_control(provider: DailyProvider) -> None:
    checked: RoomProvider = provider
    assert {Capability.END, Capability.EXTEND, Capability.LOBBY} <= checked.capabilities
    assert Capability.WAITING_EVENTS in checked.capabilities


async def test_a_room_asked_with_a_lobby_has_knocking_on(
    provider: DailyProvider, daily: DailyHandle
) -> None:
    with_lobby = await provider.create_room(long_term(daily, lobby=True))
    without = await provider.create_room(long_term(daily, metadata="m-2"))
    stored = daily.state.rooms[with_lobby.id]
    assert (stored.privacy, stored.enable_knocking) == ("private", True), "knocking needs private"
    assert with_lobby.lobby is True and without.lobby is False
    assert daily.state.rooms[without.id].enable_knocking is False
    assert (await provider.get_room(with_lobby.id)).lobby is True
    # Any valid token lets its holder into a private room, so guests get the bare room URL
    # and knock; the host link's owner token walks in.
    assert with_lobby.guest_url == f"{daily.root_url}/{with_lobby.id}"
    host_token = with_lobby.host_url.partition("?t=")[2]
    assert daily.state.admits(with_lobby.id, host_token) == "owner"
    assert "?t=" in without.guest_url


async def test_the_lobby_switches_on_and_off_and_again_changes_nothing(
    provider: DailyProvider, daily: DailyHandle
) -> None:
    room = await provider.create_room(long_term(daily))
    await provider.set_lobby(room.id, True)
    assert daily.state.rooms[room.id].enable_knocking is True
    await provider.set_lobby(room.id, True)
    assert (await provider.get_room(room.id)).lobby is True
    found = await provider.find_room("m-1")
    assert found is not None and "?t=" not in found.guest_url, "the guest link to hand out now"
    await provider.set_lobby(room.id, False)
    await provider.set_lobby(room.id, False)
    assert (await provider.get_room(room.id)).lobby is False
    found = await provider.find_room("m-1")
    assert found is not None and "?t=" in found.guest_url, "without a lobby, guests need a token"


async def test_ending_ejects_everyone_closes_the_door_and_keeps_the_room(
    provider: DailyProvider, daily: DailyHandle, receiver: str
) -> None:
    control = daily.control
    await control.set_webhook(receiver)
    room = await provider.create_room(long_term(daily))
    session = await control.start_session(room.id)
    await control.join(session, "Ana", is_host=True)
    await control.join(session, "Bo")
    await control.call("DELETE", "/deliveries")

    await provider.end_room(room.id)

    assert await sent(control) == ["participant.left", "participant.left", "meeting.ended"]
    assert daily.state.sessions[session].ended_at is not None
    ended = await provider.get_room(room.id)
    assert ended.is_available is False and ended.expires_at is not None
    assert ended.expires_at <= daily.clock()
    assert room.id in daily.state.rooms, "not deleted: its recordings stay reachable"
    guest_token = room.guest_url.partition("?t=")[2]
    assert daily.state.admits(room.id, guest_token) is None, "the old links no longer let in"
    again = await control.start_session(room.id)
    with pytest.raises(DailyControlError) as refused:
        await control.join(again, "Late")
    assert refused.value.status == 400 and "expired" in refused.value.body["info"]


async def test_ending_an_ended_or_empty_room_is_fine_and_changes_nothing(
    provider: DailyProvider, daily: DailyHandle, receiver: str
) -> None:
    await daily.control.set_webhook(receiver)
    room = await provider.create_room(long_term(daily))
    await provider.end_room(room.id)  # nobody in it: no eject, no webhook
    exp = daily.state.rooms[room.id].exp
    daily.clock.advance(minutes=5)
    await provider.end_room(room.id)
    assert daily.state.rooms[room.id].exp == exp, "an ended room keeps the time it ended"
    assert await sent(daily.control) == []


async def test_ending_a_room_daily_no_longer_has_is_fine(
    provider: DailyProvider, daily_client: DailyClient, daily: DailyHandle
) -> None:
    room = await provider.create_room(long_term(daily))
    await daily_client.delete_room(room.id)  # Daily deletes expired rooms in time
    await provider.end_room(room.id)


async def test_extending_a_room_keeps_its_lobby(
    provider: DailyProvider, daily: DailyHandle
) -> None:
    room = await provider.create_room(long_term(daily, lobby=True))
    later = daily.clock() + timedelta(days=60)
    extended = await provider.extend_room(room.id, later)
    assert extended.expires_at == later.replace(microsecond=0) and extended.lobby is True


async def test_the_client_reads_presence_and_ejects_by_participant_id(
    daily_client: DailyClient, daily: DailyHandle, receiver: str
) -> None:
    await daily.control.set_webhook(receiver)
    room = await daily_client.create_room(
        "ejects", exp=daily.clock() + timedelta(hours=1), record=False
    )
    session = await daily.control.start_session(room.name)
    ana = await daily.control.join(session, "Ana", is_host=True)
    bo = await daily.control.join(session, "Bo")
    present = await daily_client.room_presence(room.name)
    assert {(p.id, p.user_name, p.session_id) for p in present} == {
        (ana, "Ana", session),
        (bo, "Bo", session),
    }
    assert await daily_client.eject(room.name, [bo, "someone-gone"]) == [bo]
    assert [p.id for p in await daily_client.room_presence(room.name)] == [ana]
    assert daily.state.sessions[session].ended_at is None, "Ana is still there"
    with pytest.raises(ValueError):
        await daily_client.eject(room.name, [str(i) for i in range(101)])
