"""The emulator accepts what the real API accepted from Vonage's own SDKs and snippets, where the
spec says otherwise, and lists rooms as the recorded real API did. Each case names the SDK or
recording it comes from (evidence: sandbox/meetbot_sandbox/meetings/README.md).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from meetbot_sandbox.meetings.views import iso
from yarl import URL

from tests.plugins.emulator import EmulatorApi, EmulatorHandle
from tests.test_emulator_themes import create_theme, recorded


async def long_term(emulator_api: EmulatorApi, emulator: EmulatorHandle, **extra: Any) -> Any:
    body = {
        "display_name": "r",
        "type": "long_term",
        "expires_at": iso(emulator.clock() + timedelta(days=3)),
        **extra,
    }
    answer = await emulator_api.post("/rooms", json=body)
    assert answer.status == 201, answer.body
    return answer.body


# PATCH /applications


async def test_the_default_theme_is_set_inside_update_details_as_every_sdk_sends_it(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    theme = await create_theme(emulator_api)
    wrapped = {"update_details": {"default_theme_id": theme["theme_id"]}}  # curl, Python, Node...
    answer = await emulator_api.patch("/applications", json=wrapped)
    assert answer.status == 200
    assert set(answer.body) == set(recorded("update_application_theme.json"))
    assert answer.body["default_theme_id"] == theme["theme_id"]
    room = (await emulator_api.post("/rooms", json={"display_name": "r"})).body
    assert room["theme_id"] == theme["theme_id"], "new rooms get it"


async def test_an_unknown_default_theme_inside_the_envelope_is_the_recorded_error(
    emulator_api: EmulatorApi,
) -> None:
    """The Python SDK's test sent this id wrapped; the real API named it back."""
    body = {"update_details": {"default_theme_id": "not-a-real-theme-id"}}
    answer = await emulator_api.patch("/applications", json=body)
    assert answer.status == 400
    assert answer.body == recorded("update_application_theme_id_not_found.json")


async def test_the_specs_bare_default_theme_body_still_works(emulator_api: EmulatorApi) -> None:
    theme = await create_theme(emulator_api)  # the spec, and the PHP SDK's test
    answer = await emulator_api.patch("/applications", json={"default_theme_id": theme["theme_id"]})
    assert answer.status == 200 and answer.body["default_theme_id"] == theme["theme_id"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"update_details": {"default_theme_id": "t"}, "extra": 1}, '"extra" is not allowed'),
        ({"update_details": {"theme": "t"}}, '"update_details.theme" is not allowed'),
        ({"update_details": {}}, '"update_details.default_theme_id" is required'),
        ({"update_details": "t"}, '"update_details" must be of type object'),
    ],
)
async def test_a_malformed_envelope_is_refused_naming_the_field(
    emulator_api: EmulatorApi, body: dict[str, Any], words: str
) -> None:
    answer = await emulator_api.patch("/applications", json=body)
    assert answer.status == 400
    assert answer.body["name"] == "InputValidationError" and answer.body["message"] == words


# ui_settings on rooms


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("en", "en"),  # .NET's default, sent on every create
        ("pt-br", "pt-br"),  # .NET
        ("PT-BR", "pt-br"),  # Java's RoomLanguage
        ("ES", "es"),  # Vonage's curl guide
        ("default", "default"),  # what recorded rooms show
    ],
)
async def test_a_room_can_be_created_with_the_ui_language_the_sdks_send(
    emulator_api: EmulatorApi, sent: str, shown: str
) -> None:
    body = {"display_name": "r", "ui_settings": {"language": sent}}
    answer = await emulator_api.post("/rooms", json=body)
    assert answer.status == 201, answer.body
    assert answer.body["ui_settings"] == {"language": shown}
    fetched = await emulator_api.get(f"/rooms/{answer.body['id']}")
    assert fetched.body["ui_settings"] == {"language": shown}


async def test_a_room_without_ui_settings_shows_the_recorded_default(
    emulator_api: EmulatorApi,
) -> None:
    room = (await emulator_api.post("/rooms", json={"display_name": "r"})).body
    assert room["ui_settings"] == recorded("meeting_room.json")["ui_settings"]


async def test_a_long_term_rooms_ui_language_can_be_changed(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    room = await long_term(emulator_api, emulator)
    body = {"update_details": {"ui_settings": {"language": "fr"}}}  # .NET's UpdateRoomRequest
    answer = await emulator_api.patch(f"/rooms/{room['id']}", json=body)
    assert answer.status == 200 and answer.body["ui_settings"] == {"language": "fr"}
    unchanged = {"update_details": {"expire_after_use": True}}
    answer = await emulator_api.patch(f"/rooms/{room['id']}", json=unchanged)
    assert answer.body["ui_settings"] == {"language": "fr"}


@pytest.mark.parametrize(
    ("ui_settings", "words"),
    [
        ({"language": "klingon"}, '"ui_settings.language" must be one of ['),
        ({"language": 7}, '"ui_settings.language" must be one of ['),
        ({"lang": "en"}, '"ui_settings.lang" is not allowed'),
        ("en", '"ui_settings" must be of type object'),
    ],
)
async def test_a_malformed_ui_setting_is_refused_naming_the_field(
    emulator_api: EmulatorApi, ui_settings: object, words: str
) -> None:
    answer = await emulator_api.post(
        "/rooms", json={"display_name": "r", "ui_settings": ui_settings}
    )
    assert answer.status == 400
    assert answer.body["name"] == "InputValidationError"
    assert answer.body["message"].startswith(words)


# DELETE /themes/{id}?force=


@pytest.mark.parametrize("force", ["True", "true", "TRUE"])  # Python, Java/.NET/Node/PHP
async def test_force_deletes_a_theme_in_use_however_the_sdk_spells_true(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, force: str
) -> None:
    theme = await create_theme(emulator_api)
    room = await long_term(emulator_api, emulator, theme_id=theme["theme_id"])
    answer = await emulator_api.delete(f"/themes/{theme['theme_id']}", params={"force": force})
    assert answer.status == 204
    assert (await emulator_api.get(f"/rooms/{room['id']}")).body["theme_id"] is None


async def test_force_false_as_python_sends_it_still_protects_a_theme_in_use(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    theme = await create_theme(emulator_api)
    await long_term(emulator_api, emulator, theme_id=theme["theme_id"])
    answer = await emulator_api.delete(f"/themes/{theme['theme_id']}", params={"force": "False"})
    assert answer.status == 400
    assert set(answer.body) == set(recorded("delete_theme_in_use.json"))


# Room lists


async def test_a_room_list_is_a_bare_list_under_embedded_as_recorded(
    emulator_api: EmulatorApi,
) -> None:
    for n in range(3):
        await emulator_api.post("/rooms", json={"display_name": f"room {n}"})
    page = (await emulator_api.get("/rooms", params={"page_size": "2"})).body
    shape = recorded("multiple_rooms.json")
    assert set(page) == set(shape)
    assert isinstance(page["_embedded"], list) and len(page["_embedded"]) == 2
    assert set(page["_embedded"][0]) == set(shape["_embedded"][0])
    assert set(page["_links"]) == {"first", "self", "next"}


async def test_a_themes_room_list_is_a_bare_list_too(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    theme = await create_theme(emulator_api)
    room = await long_term(emulator_api, emulator, theme_id=theme["theme_id"])
    page = (await emulator_api.get(f"/themes/{theme['theme_id']}/rooms")).body
    assert [r["id"] for r in page["_embedded"]] == [room["id"]]
    assert isinstance(recorded("list_rooms_with_theme_id.json")["_embedded"], list)


# Recording links


async def test_each_read_of_a_recording_signs_its_download_link_afresh(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    room = (await emulator_api.post("/rooms", json={"display_name": "r"})).body
    session = await emulator.control.start_session(room["id"])
    recording_id = await emulator.control.start_recording(session)
    await emulator.control.stop_recording(recording_id)
    uploaded = await emulator.control.upload_recording(recording_id)

    emulator.clock.advance(hours=25)
    first = (await emulator_api.get(f"/recordings/{recording_id}")).body["_links"]["url"]["href"]
    listed = (await emulator_api.get(f"/sessions/{session}/recordings")).body
    assert listed["_embedded"]["recordings"][0]["_links"]["url"]["href"] == first
    assert URL(first).path == URL(uploaded).path and first != uploaded
    expires = int(URL(first).query["Expires"])
    assert expires == int((emulator.clock() + timedelta(hours=24)).timestamp())
