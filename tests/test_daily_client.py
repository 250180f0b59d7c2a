"""The Daily client and provider against the Daily emulator: private rooms with host and guest
links, a repeated create that adopts its room, recordings with their links, and errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.domain.rooms import RoomKind, RoomRequest
from bot.errors import NotFoundError, ProviderAuthError
from bot.providers.daily.client import DailyClient
from bot.providers.daily.provider import DailyProvider
from tests.plugins.daily import DailyHandle


def now() -> datetime:
    return datetime.now(UTC)


async def test_a_room_is_private_and_its_host_link_alone_carries_an_owner_token(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    until = now() + timedelta(days=30)
    request = RoomRequest(
        "Q4", kind=RoomKind.LONG_TERM, expires_at=until, record=True, metadata="m-1"
    )
    room = await daily_provider.create_room(request)
    (made,) = daily.state.rooms.values()
    assert (made.privacy, made.enable_recording, made.eject_at_room_exp) == (
        "private",
        "cloud",
        True,
    )
    assert made.exp == int(until.timestamp()) and room.expires_at == until.replace(microsecond=0)
    host_token = room.host_url.partition("?t=")[2]
    guest_token = room.guest_url.partition("?t=")[2]
    assert daily.state.tokens[host_token]["is_owner"] is True
    # --record: the host's arrival starts the cloud recording, as Meetings' auto_record did.
    assert daily.state.tokens[host_token]["start_cloud_recording"] is True
    assert daily.state.tokens[guest_token]["is_owner"] is False
    assert room.guest_url.startswith(f"{daily.root_url}/{made.name}?t=")
    assert "m-1" not in made.name, "room names are not guessable from our ids"


async def test_creating_again_after_an_ambiguous_failure_adopts_the_same_room(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    first = await daily_provider.create_room(RoomRequest("Standup", metadata="meeting-7"))
    again = await daily_provider.create_room(RoomRequest("Standup", metadata="meeting-7"))
    assert first.id == again.id and len(daily.state.rooms) == 1
    found = await daily_provider.find_room("meeting-7")
    assert found is not None and found.id == first.id
    assert await daily_provider.find_room("meeting-8") is None


async def test_a_finished_recording_has_its_download_link(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    room = await daily_provider.create_room(RoomRequest("Rec", record=True, metadata="m-2"))
    session = await daily.control.start_session(room.id, webhook=False)
    recording_id = await daily.control.start_recording(session, webhook=False)
    assert not (await daily_provider.get_recording(recording_id)).ready
    daily.clock.advance(minutes=9)
    await daily.control.end_session(session, webhook=False)
    await daily.control.recording_ready(recording_id, webhook=False)
    recording = await daily_provider.get_recording(recording_id)
    assert recording.ready and recording.session_id == session
    assert recording.duration_seconds == 540
    assert [r.id for r in await daily_provider.session_recordings(session)] == [recording_id]


async def test_unknown_ids_and_a_wrong_key_raise_the_error_tree(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    with pytest.raises(NotFoundError):
        await daily_provider.get_room("mb-nope")
    async with aiohttp.ClientSession() as session:
        wrong = DailyClient(session, base_url=daily.base_url, api_key="wrong")
        with pytest.raises(ProviderAuthError):
            await wrong.get_room("mb-nope")
