"""The emulator answers every operation of the official spec in the spec's shapes (openapi-core).

`emulator_api` validates each answer as it comes; these tests make sure all 17 operations were
validated on their success path, and that the in-memory spec errata only say what the
recorded real API proves.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import yaml
from meetbot_sandbox.meetings.views import iso
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import InvalidData

from tests.plugins.emulator import (
    RECORDED,
    RECORDED_ERRATA,
    RESPONSE_ERRATA,
    SPEC_PATH,
    EmulatorApi,
    EmulatorHandle,
    SpecChecker,
    operation_ids,
    response_schema,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


async def test_every_operation_answers_as_the_spec_says(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    api, control = emulator_api, emulator.control
    expires_at = iso(emulator.clock() + timedelta(days=30))
    theme = (await api.post("/themes", json={"main_color": "#abc", "brand_text": "B"})).body
    theme_id = theme["theme_id"]
    room_body = {
        "display_name": "r",
        "type": "long_term",
        "expires_at": expires_at,
        "theme_id": theme_id,
    }
    room = (await api.post("/rooms", json=room_body)).body
    await api.get("/rooms")
    await api.get(f"/rooms/{room['id']}")
    await api.patch(f"/rooms/{room['id']}", json={"update_details": {"expire_after_use": True}})
    await api.get("/dial-in-numbers")
    await api.get("/themes")
    await api.get(f"/themes/{theme_id}")
    await api.patch(f"/themes/{theme_id}", json={"update_details": {"brand_text": "C"}})
    slot = (await api.get("/themes/logos-upload-urls")).body[0]
    async with aiohttp.ClientSession() as session:
        form = aiohttp.FormData(slot["fields"])
        form.add_field("file", PNG, filename="logo.png", content_type="image/png")
        async with session.post(slot["url"], data=form) as uploaded:
            assert uploaded.status == 204
    await api.put(f"/themes/{theme_id}/finalizeLogos", json={"keys": [slot["fields"]["key"]]})
    await api.get(f"/themes/{theme_id}/rooms")
    await api.patch("/applications", json={"update_details": {"default_theme_id": theme_id}})
    session_id = await control.start_session(room["id"])
    recording_id = await control.start_recording(session_id)
    await control.stop_recording(recording_id)
    await control.upload_recording(recording_id)
    await api.get(f"/recordings/{recording_id}")
    await api.get(f"/sessions/{session_id}/recordings")
    await api.delete(f"/recordings/{recording_id}")
    await api.delete(f"/themes/{theme_id}", params={"force": "true"})

    assert len(operation_ids()) == 17
    assert api.checker.seen == operation_ids()


async def test_the_checker_catches_a_drifted_answer(emulator: EmulatorHandle) -> None:
    checker = SpecChecker(emulator.base_url)
    drifted = json.dumps({"id": "r", "type": "temporary", "meeting_code": "12"}).encode()

    with pytest.raises(InvalidData):
        checker.check("GET", emulator.base_url + "/rooms/r", 200, drifted, "application/json")
    with pytest.raises(AssertionError):
        checker.check("POST", emulator.base_url + "/rooms", 200, b"{}", "application/json")


def _original_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return spec


def test_each_erratum_targets_a_real_property() -> None:
    schemas = _original_spec()["components"]["schemas"]
    for schema, prop, change, why in RECORDED_ERRATA:
        assert prop in schemas[schema]["properties"], (schema, prop)
        assert all(schemas[schema]["properties"][prop].get(k) != v for k, v in change.items()), why


def test_each_response_erratum_targets_a_real_inline_property() -> None:
    spec = _original_spec()
    for path, method, status, prop, replacement, why in RESPONSE_ERRATA:
        original = spec["paths"][path.replace("{themeId}", ":themeId")]
        schema = response_schema({"paths": {path: original}}, path, method, status)
        assert schema["properties"][prop] != replacement, why


@pytest.mark.parametrize(
    ("method", "path", "fixture"),
    [
        ("get", "/rooms", "multiple_rooms.json"),
        ("get", "/rooms", "multiple_fewer_rooms.json"),
        ("get", "/themes/t/rooms", "list_rooms_with_theme_id.json"),
        ("get", "/rooms/b3142c46-d1c1-4405-baa6-85683827ed69", "meeting_room.json"),
        ("post", "/rooms", "long_term_room.json"),
        ("patch", "/rooms/33791484-231c-421b-8349-96e1a44e27d2", "update_room.json"),
        ("get", "/recordings/e5b73c98-c087-4ee5-b61b-0ea08204fc65", "get_recording.json"),
        ("get", "/sessions/s/recordings", "get_session_recordings.json"),
        ("get", "/dial-in-numbers", "list_dial_in_numbers.json"),
        ("get", "/themes/logos-upload-urls", "list_logo_upload_urls.json"),
    ],
)
def test_the_recorded_real_api_passes_the_corrected_spec(
    method: str, path: str, fixture: str
) -> None:
    """The errata are enough for what the real API sent (so the emulator may send it too)."""
    base = "http://127.0.0.1:8800/v1/meetings"
    checker = SpecChecker(base)
    status = "201" if method == "post" else "200"
    checker.openapi.validate_response(
        MockRequest("http://127.0.0.1:8800", method, "/v1/meetings" + path),
        MockResponse(
            (RECORDED / fixture).read_bytes(),
            status_code=int(status),
            content_type="application/json",
        ),
    )
