"""The emulator's rooms behave like the real Meetings API's: shapes, rules, expiry, caps."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from meetbot_sandbox.meetings.views import iso

from tests.plugins.emulator import RECORDED, EmulatorApi, EmulatorHandle


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


async def test_an_instant_room_has_the_recorded_shape(emulator_api: EmulatorApi) -> None:
    answer = await emulator_api.post("/rooms", json={"display_name": "Design review"})

    assert answer.status == 201
    room = answer.body
    assert set(room) == set(recorded("meeting_room.json"))
    assert set(room["available_features"]) == set(
        recorded("meeting_room.json")["available_features"]
    )
    assert room["type"] == "instant" and room["metadata"] is None and room["theme_id"] is None
    assert re.fullmatch(r"\d{9}", room["meeting_code"])
    assert room["_links"]["guest_url"]["href"].endswith("/" + room["meeting_code"])
    assert "participant_token=" in room["_links"]["host_url"]["href"]
    assert room["is_available"] is True


async def test_an_instant_room_expires_ten_minutes_after_creation(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    created = (await emulator_api.post("/rooms", json={"display_name": "quick"})).body
    assert created["expires_at"] == iso(emulator.clock() + timedelta(minutes=10))

    emulator.clock.advance(minutes=10, seconds=1)
    later = await emulator_api.get(f"/rooms/{created['id']}")

    assert later.status == 200
    assert later.body["is_available"] is False


async def test_a_started_session_keeps_an_instant_room_open(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    room = (await emulator_api.post("/rooms", json={"display_name": "busy"})).body
    session_id = await emulator.control.start_session(room["id"])

    emulator.clock.advance(minutes=30)
    assert (await emulator_api.get(f"/rooms/{room['id']}")).body["is_available"] is True

    await emulator.control.end_session(session_id)
    emulator.clock.advance(minutes=10, seconds=1)
    assert (await emulator_api.get(f"/rooms/{room['id']}")).body["is_available"] is False


async def test_a_long_term_room_keeps_its_settings_and_callback_urls(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    expires_at = iso(emulator.clock() + timedelta(days=30))
    urls = {
        "rooms_callback_url": "https://bot.example/callbacks/meetings/t1",
        "sessions_callback_url": "https://bot.example/callbacks/meetings/t1",
        "recordings_callback_url": "http://bot.example/callbacks/meetings/t1",
    }
    answer = await emulator_api.post(
        "/rooms",
        json={
            "display_name": "Q4 planning",
            "type": "long_term",
            "expires_at": expires_at,
            "expire_after_use": True,
            "metadata": "channel=C1",
            "recording_options": {"auto_record": True},
            "join_approval_level": "after_owner_only",
            "initial_join_options": {"microphone_state": "off"},
            "available_features": {"is_chat_available": False},
            "callback_urls": urls,
        },
    )

    room = answer.body
    assert answer.status == 201
    assert set(room) == set(recorded("long_term_room.json")) | {"callback_urls"}
    assert room["expires_at"] == expires_at and room["expire_after_use"] is True
    assert room["recording_options"] == {"auto_record": True, "record_only_owner": False}
    assert room["available_features"]["is_chat_available"] is False
    assert room["available_features"]["is_recording_available"] is True
    assert room["callback_urls"] == urls
    assert (await emulator_api.get(f"/rooms/{room['id']}")).body == room


async def test_the_sdk_offset_format_is_accepted(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    when = emulator.clock() + timedelta(days=2)
    answer = await emulator_api.post(
        "/rooms",
        json={
            "display_name": "r",
            "type": "long_term",
            "expires_at": when.strftime("%Y-%m-%dT%H:%M:%S+0000"),
        },
    )
    assert answer.status == 201, answer.body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, '"display_name" is required'),
        ({"display_name": ""}, '"display_name" is not allowed to be empty'),
        (
            {"display_name": "x" * 201},
            '"display_name" length must be less than or equal to 200 characters long',
        ),
        (
            {"display_name": "r", "metadata": "m" * 501},
            '"metadata" length must be less than or equal to 500 characters long',
        ),
        ({"display_name": "r", "type": "forever"}, '"type" must be one of [instant, long_term]'),
        ({"display_name": "r", "type": "long_term"}, '"expires_at" is required'),
        ({"display_name": "r", "colour": "red"}, '"colour" is not allowed'),
        (
            {"display_name": "r", "callback_urls": {"rooms_callback_url": "ftp://x"}},
            '"callback_urls.rooms_callback_url" with value "ftp://x" fails to match the required pattern: /^https?://.*$/',
        ),
        (
            {"display_name": "r", "join_approval_level": "maybe"},
            '"join_approval_level" must be one of [none, after_owner_only, explicit_approval]',
        ),
    ],
)
async def test_invalid_rooms_are_refused_like_the_api_does(
    emulator_api: EmulatorApi, body: dict[str, Any], message: str
) -> None:
    answer = await emulator_api.post("/rooms", json=body)

    assert answer.status == 400
    assert answer.body == {"message": message, "name": "InputValidationError", "status": 400}


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [
        (timedelta(minutes=9), False),
        (timedelta(minutes=11), True),
        (timedelta(days=365), True),
        (timedelta(days=366), False),
    ],
)
async def test_a_long_term_room_lives_between_ten_minutes_and_a_year(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, offset: timedelta, accepted: bool
) -> None:
    body = {"display_name": "r", "type": "long_term", "expires_at": iso(emulator.clock() + offset)}
    answer = await emulator_api.post("/rooms", json=body)

    assert answer.status == (201 if accepted else 400)
    if not accepted:
        assert answer.body["name"] == "BadRequestError"


async def test_an_unknown_theme_is_refused(emulator_api: EmulatorApi) -> None:
    answer = await emulator_api.post(
        "/rooms", json={"display_name": "r", "theme_id": "0b0e0e0e-0000-4000-8000-000000000000"}
    )
    assert answer.status == 400 and answer.body["name"] == "BadRequestError"


async def test_a_long_term_room_can_be_extended(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    body = {
        "display_name": "r",
        "type": "long_term",
        "expires_at": iso(emulator.clock() + timedelta(days=1)),
    }
    room = (await emulator_api.post("/rooms", json=body)).body
    later = iso(emulator.clock() + timedelta(days=60))

    answer = await emulator_api.patch(
        f"/rooms/{room['id']}",
        json={
            "update_details": {
                "expires_at": later,
                "available_features": {"is_whiteboard_available": False},
            }
        },
    )

    assert answer.status == 200
    assert set(answer.body) == set(recorded("update_room.json"))
    assert answer.body["expires_at"] == later
    assert answer.body["available_features"]["is_whiteboard_available"] is False
    assert answer.body["available_features"]["is_chat_available"] is True


async def test_updating_an_instant_room_is_refused(emulator_api: EmulatorApi) -> None:
    room = (await emulator_api.post("/rooms", json={"display_name": "r"})).body

    answer = await emulator_api.patch(
        f"/rooms/{room['id']}", json={"update_details": {"expire_after_use": True}}
    )

    assert answer.status == 400
    expected = recorded("update_room_type_error.json")
    assert answer.body == {
        **expected,
        "message": expected["message"].replace("b3142c46-d1c1-4405-baa6-85683827ed69", room["id"]),
    }


async def test_an_update_needs_at_least_one_key(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    body = {
        "display_name": "r",
        "type": "long_term",
        "expires_at": iso(emulator.clock() + timedelta(days=1)),
    }
    room = (await emulator_api.post("/rooms", json=body)).body

    answer = await emulator_api.patch(f"/rooms/{room['id']}", json={"update_details": {}})

    assert answer.status == 400
    assert answer.body == recorded("update_no_keys.json")


async def test_unknown_rooms_are_404(emulator_api: EmulatorApi) -> None:
    for answer in (
        await emulator_api.get("/rooms/nope"),
        await emulator_api.patch(
            "/rooms/nope", json={"update_details": {"expire_after_use": True}}
        ),
    ):
        assert answer.status == 404
        assert answer.body == {
            "message": "Room nope was not found",
            "name": "NotFoundError",
            "status": 404,
        }


async def test_the_room_cap_is_a_403_and_expired_rooms_free_a_place(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    emulator.state.room_cap = 2
    first = (await emulator_api.post("/rooms", json={"display_name": "1"})).body
    await emulator_api.post("/rooms", json={"display_name": "2"})

    refused = await emulator_api.post("/rooms", json={"display_name": "3"})
    assert refused.status == 403
    assert refused.body == {
        "message": "Maximum number of rooms for owner exceeded",
        "name": "ForbiddenError",
        "status": 403,
    }

    await emulator.control.expire_room(first["id"])
    assert (await emulator_api.post("/rooms", json={"display_name": "3"})).status == 201
