"""MeetingsClient against the emulator over real HTTP: rooms, pages, recordings, dial-in numbers."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.errors import ClientValidationError, NotFoundError, ValidationError
from bot.providers.meetings.bodies import CreateRoom, UpdateRoom
from bot.providers.meetings.client import MeetingsClient
from bot.providers.meetings.models import CallbackUrls, RoomType
from tests.plugins.emulator import EmulatorHandle

HOOK = "https://bot.example/callbacks/meetings/abc"


async def test_an_instant_room_comes_back_with_guest_and_host_links(
    meetings_client: MeetingsClient,
) -> None:
    room = await meetings_client.create_room(
        CreateRoom(
            "Design review",
            metadata="job-1",
            auto_record=True,
            callback_urls=CallbackUrls(HOOK, HOOK, HOOK),
        )
    )

    assert room.type is RoomType.INSTANT
    assert room.display_name == "Design review"
    assert room.guest_url and room.meeting_code and room.guest_url.endswith(room.meeting_code)
    assert room.host_url and "participant_token=" in room.host_url
    assert room.recording_options.auto_record is True
    assert room.callback_urls == CallbackUrls(HOOK, HOOK, HOOK)
    assert room.metadata == "job-1"
    assert await meetings_client.get_room(room.id) == room


async def test_a_long_term_room_keeps_its_expiry_and_can_be_extended(
    meetings_client: MeetingsClient, emulator: EmulatorHandle
) -> None:
    now = emulator.clock()
    until = (now + timedelta(days=30)).replace(microsecond=0)
    room = await meetings_client.create_room(
        CreateRoom("Q4 planning", type=RoomType.LONG_TERM, expires_at=until, expire_after_use=True)
    )
    assert room.type is RoomType.LONG_TERM
    assert room.expires_at == until
    assert room.expire_after_use is True

    later = until + timedelta(days=30)
    updated = await meetings_client.update_room(room.id, UpdateRoom(expires_at=later))

    assert updated.expires_at == later
    assert updated.id == room.id


async def test_an_instant_room_cannot_be_updated(
    meetings_client: MeetingsClient, emulator: EmulatorHandle
) -> None:
    room = await meetings_client.create_room(CreateRoom("quick"))
    until = emulator.clock() + timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        await meetings_client.update_room(room.id, UpdateRoom(expires_at=until))
    assert caught.value.status == 400
    assert "type" in caught.value.message


async def test_unknown_room_is_not_found(meetings_client: MeetingsClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await meetings_client.get_room("00000000-0000-0000-0000-000000000000")
    assert caught.value.status == 404
    assert caught.value.method == "GET"


async def test_our_checks_refuse_bad_input_before_any_request(
    meetings_client: MeetingsClient, emulator: EmulatorHandle
) -> None:
    with pytest.raises(ClientValidationError, match="display_name"):
        await meetings_client.create_room(CreateRoom("x" * 201))
    with pytest.raises(ClientValidationError, match="update_details"):
        await meetings_client.update_room("some-room", UpdateRoom())
    with pytest.raises(ClientValidationError, match="room_id"):
        await meetings_client.get_room("")
    assert emulator.state.rooms == {}


async def test_a_validation_error_from_the_api_names_the_field(
    meetings_client: MeetingsClient,
) -> None:
    # Reach past our own checks (an unknown theme is only known to the server).
    with pytest.raises(ValidationError) as caught:
        await meetings_client.create_room(CreateRoom("themed", theme_id="no-such-theme"))
    assert type(caught.value) is ValidationError
    assert "no-such-theme" in caught.value.message


async def test_ids_cannot_escape_their_path_segment(meetings_client: MeetingsClient) -> None:
    with pytest.raises(NotFoundError):
        await meetings_client.get_room("../themes")


async def test_list_rooms_returns_one_page_and_iter_rooms_follows_next_links(
    meetings_client: MeetingsClient,
) -> None:
    created = [await meetings_client.create_room(CreateRoom(f"room {n}")) for n in range(7)]

    first = await meetings_client.list_rooms(page_size=3)
    assert [r.id for r in first.rooms] == [r.id for r in created[:3]]
    assert first.total_items == 7
    assert first.next_query is not None and "start_id" in first.next_query

    second = await meetings_client.list_rooms(page_size=3, start_id=first.next_query["start_id"])
    assert [r.id for r in second.rooms] == [r.id for r in created[3:6]]

    everything = [room.id async for room in meetings_client.iter_rooms(page_size=3)]
    assert everything == [r.id for r in created]


async def test_a_page_with_one_malformed_room_skips_it_with_a_warning(
    meetings_client: MeetingsClient,
    emulator: EmulatorHandle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    created = [await meetings_client.create_room(CreateRoom(f"room {n}")) for n in range(3)]
    odd = emulator.state.rooms[created[1].id]
    odd.type = "temporary"  # a room type this client does not know

    with caplog.at_level(logging.WARNING, logger="bot.providers.meetings"):
        page = await meetings_client.list_rooms()
        everything = [room.id async for room in meetings_client.iter_rooms(page_size=2)]

    assert [r.id for r in page.rooms] == [created[0].id, created[2].id], "the others still come"
    assert everything == [created[0].id, created[2].id]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and all(w == f"skipped room {odd.id} of a room page: type" for w in warnings)
    assert odd.participant_token not in caplog.text, "never the room itself: its host link"


async def test_end_id_pages_backwards(meetings_client: MeetingsClient) -> None:
    created = [await meetings_client.create_room(CreateRoom(f"room {n}")) for n in range(4)]
    last = await meetings_client.list_rooms(page_size=2, start_id=None)
    assert last.next_query is not None
    before = await meetings_client.list_rooms(page_size=2, end_id=last.next_query["start_id"])
    assert [r.id for r in before.rooms] == [r.id for r in created[:2]]


async def test_find_room_by_metadata_walks_every_page(meetings_client: MeetingsClient) -> None:
    for n in range(25):
        await meetings_client.create_room(CreateRoom(f"room {n}", metadata=f"job-{n}"))

    found = await meetings_client.find_room_by_metadata("job-24")

    assert found is not None and found.display_name == "room 24"
    assert await meetings_client.find_room_by_metadata("job-99") is None


async def test_recordings_of_a_session(
    meetings_client: MeetingsClient, emulator: EmulatorHandle
) -> None:
    room = await meetings_client.create_room(CreateRoom("recorded"))
    session_id = await emulator.control.start_session(room.id, callback=False)
    recording_id = await emulator.control.start_recording(session_id, callback=False)

    started = await meetings_client.get_recording(recording_id)
    assert (started.status, started.session_id, started.url) == ("started", session_id, None)

    await emulator.control.stop_recording(recording_id, callback=False)
    url = await emulator.control.upload_recording(recording_id, callback=False)

    ready = await meetings_client.get_recording(recording_id)
    assert ready.status == "uploaded"
    assert ready.url == url
    assert [r.id for r in await meetings_client.session_recordings(session_id)] == [recording_id]


async def test_only_uploaded_recordings_can_be_deleted(
    meetings_client: MeetingsClient, emulator: EmulatorHandle
) -> None:
    room = await meetings_client.create_room(CreateRoom("recorded"))
    session_id = await emulator.control.start_session(room.id, callback=False)
    recording_id = await emulator.control.start_recording(session_id, callback=False)

    with pytest.raises(Exception) as caught:
        await meetings_client.delete_recording(recording_id)
    assert type(caught.value).__name__ == "ProviderError"
    assert getattr(caught.value, "status", None) == 403

    await emulator.control.stop_recording(recording_id, callback=False)
    await emulator.control.upload_recording(recording_id, callback=False)
    await meetings_client.delete_recording(recording_id)

    with pytest.raises(NotFoundError):
        await meetings_client.get_recording(recording_id)


async def test_unknown_recording_and_session_are_not_found(meetings_client: MeetingsClient) -> None:
    with pytest.raises(NotFoundError):
        await meetings_client.get_recording("not-a-real-recording-id")
    with pytest.raises(NotFoundError):
        await meetings_client.delete_recording("not-a-real-recording-id")
    with pytest.raises(NotFoundError):
        await meetings_client.session_recordings("not-a-real-session-id")


async def test_dial_in_numbers(meetings_client: MeetingsClient) -> None:
    numbers = await meetings_client.dial_in_numbers()
    assert numbers and all(n.number.isdigit() for n in numbers)
