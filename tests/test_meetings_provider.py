"""MeetingsProvider speaks `bot.domain.rooms` types; the emulator's callbacks parse into RoomEvents."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from bot.domain.rooms import EventKind, RoomKind, RoomProvider, RoomRequest
from bot.errors import NotFoundError
from bot.providers.meetings.events import parse_callback
from bot.providers.meetings.provider import MeetingsProvider
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.meetings import MakeClient


@pytest.fixture
def provider(make_meetings_client: MakeClient) -> MeetingsProvider:
    return MeetingsProvider(make_meetings_client())


def unreachable_callback_url() -> str:
    # Deliveries are recorded by the emulator whether or not the target answers.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/callbacks/meetings/tok"


def test_it_is_a_room_provider(provider: MeetingsProvider) -> None:
    checked: RoomProvider = provider
    assert checked.name == "meetings"


async def test_an_instant_room_with_callbacks_and_recording(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    hook = "https://bot.example/callbacks/meetings/tok"
    room = await provider.create_room(
        RoomRequest(title="Standup", record=True, callback_url=hook, metadata="job-1")
    )

    assert room.kind is RoomKind.INSTANT
    assert (room.title, room.record, room.is_available) == ("Standup", True, True)
    assert room.guest_url.endswith(room.meeting_code or "?")
    assert "participant_token" in room.host_url and "participant_token" not in repr(room)
    stored = emulator.state.rooms[room.id]
    assert stored.callback_urls == {
        "rooms_callback_url": hook,
        "sessions_callback_url": hook,
        "recordings_callback_url": hook,
    }
    assert stored.metadata == "job-1"
    assert await provider.get_room(room.id) == room
    assert await provider.find_room("job-1") == room
    assert await provider.find_room("job-2") is None


async def test_a_long_term_room_is_extended(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    until = (emulator.clock() + timedelta(days=7)).replace(microsecond=0)
    room = await provider.create_room(
        RoomRequest(title="Q4", kind=RoomKind.LONG_TERM, expires_at=until, expire_after_use=True)
    )
    assert (room.kind, room.expires_at) == (RoomKind.LONG_TERM, until)
    assert emulator.state.rooms[room.id].expire_after_use is True

    extended = await provider.extend_room(room.id, until + timedelta(days=7))
    assert extended.expires_at == until + timedelta(days=7)


async def test_recordings_in_our_types(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    room = await provider.create_room(RoomRequest(title="Recorded"))
    session_id = await emulator.control.start_session(room.id, callback=False)
    recording_id = await emulator.control.start_recording(session_id, callback=False)
    await emulator.control.stop_recording(recording_id, callback=False)
    await emulator.control.upload_recording(recording_id, callback=False)

    recording = await provider.get_recording(recording_id)
    assert recording.ready and recording.duration_seconds is not None
    assert await provider.session_recordings(session_id) == [recording]
    with pytest.raises(NotFoundError):
        await provider.get_recording("not-a-real-recording-id")


async def test_every_callback_the_emulator_sends_parses(
    provider: MeetingsProvider, emulator: EmulatorHandle
) -> None:
    room = await provider.create_room(
        RoomRequest(title="Lifecycle", callback_url=unreachable_callback_url())
    )
    control = emulator.control
    session_id = await control.start_session(room.id)
    participant = await control.join(session_id, "Ana", is_host=True)
    recording_id = await control.start_recording(session_id)
    await control.stop_recording(recording_id)
    await control.upload_recording(recording_id, callback="twice")
    await control.leave(session_id, participant)
    await control.end_session(session_id)
    await control.expire_room(room.id)

    events = [parse_callback(d.payload) for d in await control.deliveries()]

    kinds = [event.kind for event in events]
    # Every kind the Meetings API has a callback for; lobby and notes events are Daily's only.
    for kind in EventKind:
        if not kind.value.startswith(("lobby:", "transcript:", "summary:")):
            assert kind in kinds
    ready = [event for event in events if event.kind is EventKind.RECORDING_READY]
    assert len(ready) == 2 and ready[0].identity == ready[1].identity  # a duplicate delivery
    assert ready[0].recording_id == recording_id and ready[0].recording_url
    joined = next(event for event in events if event.kind is EventKind.PARTICIPANT_JOINED)
    assert (joined.participant_name, joined.is_host, joined.session_id) == ("Ana", True, session_id)
    assert len({event.identity for event in events}) == len(events) - 1
