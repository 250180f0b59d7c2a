"""Themes, the application default theme, and the logo upload round trip through fake S3."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
from meetbot_sandbox.meetings.views import iso

from tests.plugins.emulator import RECORDED, EmulatorApi, EmulatorHandle

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


async def create_theme(emulator_api: EmulatorApi, **fields: Any) -> dict[str, Any]:
    body = {"theme_name": "acme", "main_color": "#12f64e", "brand_text": "Acme", **fields}
    answer = await emulator_api.post("/themes", json=body)
    assert answer.status == 201, answer.body
    return dict(answer.body)


async def test_a_theme_has_the_recorded_shape(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    theme = await create_theme(emulator_api, short_company_url="acme-co")

    assert set(theme) == set(recorded("theme.json"))
    assert theme["application_id"] == emulator.application_id and theme["domain"] == "VCP"
    assert theme["brand_image_white"] is None and theme["branded_favicon_url"] is None
    assert (await emulator_api.get(f"/themes/{theme['theme_id']}")).body == theme
    assert (await emulator_api.get("/themes")).body == [theme]


async def test_a_themed_room_links_through_the_short_company_url(emulator_api: EmulatorApi) -> None:
    theme = await create_theme(emulator_api, short_company_url="acme-co")
    room = (
        await emulator_api.post("/rooms", json={"display_name": "r", "theme_id": theme["theme_id"]})
    ).body

    assert room["theme_id"] == theme["theme_id"]
    assert (
        room["_links"]["guest_url"]["href"]
        == f"https://meetings.vonage.com/acme-co/{room['meeting_code']}"
    )
    assert room["_links"]["host_url"]["href"].startswith(
        "https://meetings.vonage.com/acme-co/?room_token="
    )


async def test_a_theme_can_be_updated(emulator_api: EmulatorApi) -> None:
    theme = await create_theme(emulator_api)

    answer = await emulator_api.patch(
        f"/themes/{theme['theme_id']}",
        json={"update_details": {"main_color": "#FF0000", "brand_text": "New"}},
    )

    assert answer.status == 200
    assert answer.body == {**theme, "main_color": "#FF0000", "brand_text": "New"}


@pytest.mark.parametrize(
    ("fields", "status", "name"),
    [
        ({"main_color": "red"}, 400, "InputValidationError"),
        ({"short_company_url": "12345"}, 400, "InputValidationError"),
        ({"brand_text": None}, 400, "InputValidationError"),
        ({"theme_name": "taken"}, 409, "ConflictError"),
        ({"theme_name": "new", "short_company_url": "taken-url"}, 409, "ConflictError"),
    ],
)
async def test_bad_or_clashing_themes_are_refused(
    emulator_api: EmulatorApi, fields: dict[str, Any], status: int, name: str
) -> None:
    await create_theme(emulator_api, theme_name="taken", short_company_url="taken-url")
    body = {
        k: v
        for k, v in {"main_color": "#fff", "brand_text": "B", **fields}.items()
        if v is not None
    }

    answer = await emulator_api.post("/themes", json=body)

    assert (answer.status, answer.body["name"]) == (status, name)
    if status == 409 and "short_company_url" not in fields:
        assert answer.body == recorded("theme_name_in_use.json")


async def test_updates_are_checked_too(emulator_api: EmulatorApi) -> None:
    await create_theme(emulator_api, theme_name="taken")
    theme = await create_theme(emulator_api, theme_name="mine")
    path = f"/themes/{theme['theme_id']}"

    assert (await emulator_api.patch(path, json={"update_details": {}})).body == recorded(
        "update_no_keys.json"
    )
    assert (
        await emulator_api.patch(path, json={"update_details": {"theme_name": "taken"}})
    ).body == recorded("update_theme_already_exists.json")
    assert (
        await emulator_api.patch(path, json={"update_details": {"theme_name": "mine"}})
    ).status == 200


async def test_unknown_themes_are_404(emulator_api: EmulatorApi) -> None:
    missing = "90a21428-b74a-4221-adc3-783935d654dc"
    for answer in (
        await emulator_api.get(f"/themes/{missing}"),
        await emulator_api.delete(f"/themes/{missing}"),
        await emulator_api.patch(
            f"/themes/{missing}", json={"update_details": {"theme_name": "x"}}
        ),
        await emulator_api.put(f"/themes/{missing}/finalizeLogos", json={"keys": ["k"]}),
    ):
        assert answer.status == 404 and answer.body == recorded("theme_not_found.json")
    rooms = await emulator_api.get(f"/themes/{missing}/rooms")
    assert rooms.body == recorded("list_rooms_theme_id_not_found.json")


async def test_the_theme_cap_is_a_403(emulator_api: EmulatorApi, emulator: EmulatorHandle) -> None:
    emulator.state.theme_cap = 1
    await create_theme(emulator_api)

    answer = await emulator_api.post("/themes", json={"main_color": "#fff", "brand_text": "B"})

    assert answer.status == 403 and answer.body["name"] == "ForbiddenError"


async def test_a_theme_in_use_needs_force_to_delete(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    theme = await create_theme(emulator_api)
    body = {
        "display_name": "r",
        "type": "long_term",
        "expires_at": iso(emulator.clock() + timedelta(days=3)),
    }
    room = (await emulator_api.post("/rooms", json={**body, "theme_id": theme["theme_id"]})).body
    application = await emulator_api.patch(
        "/applications", json={"default_theme_id": theme["theme_id"]}
    )
    assert application.body == {
        "application_id": emulator.application_id,
        "account_id": emulator.state.account_id,
        "default_theme_id": theme["theme_id"],
    }

    refused = await emulator_api.delete(f"/themes/{theme['theme_id']}")
    assert refused.status == 400
    assert set(refused.body) == set(recorded("delete_theme_in_use.json"))
    assert refused.body["errors"][0] == f"Theme {theme['theme_id']} is used by 1 room"

    forced = await emulator_api.delete(f"/themes/{theme['theme_id']}", params={"force": "true"})
    assert forced.status == 204
    assert (await emulator_api.get(f"/rooms/{room['id']}")).body["theme_id"] is None
    assert emulator.state.default_theme_id is None
    assert (await emulator_api.get(f"/themes/{theme['theme_id']}")).status == 404


async def test_new_rooms_get_the_application_default_theme(emulator_api: EmulatorApi) -> None:
    theme = await create_theme(emulator_api, short_company_url="acme-co")
    await emulator_api.patch("/applications", json={"default_theme_id": theme["theme_id"]})

    room = (await emulator_api.post("/rooms", json={"display_name": "r"})).body
    plain = (await emulator_api.post("/rooms", json={"display_name": "r", "theme_id": None})).body

    assert room["theme_id"] == theme["theme_id"]
    assert room["_links"]["guest_url"]["href"].startswith("https://meetings.vonage.com/acme-co/")
    assert plain["theme_id"] is None


async def test_an_unknown_default_theme_is_refused_as_recorded(emulator_api: EmulatorApi) -> None:
    answer = await emulator_api.patch(
        "/applications", json={"default_theme_id": "not-a-real-theme-id"}
    )

    assert answer.status == 400
    assert answer.body == recorded("update_application_theme_id_not_found.json")


@dataclass(frozen=True)
class Uploaded:
    status: int
    text_body: str


async def upload(session: aiohttp.ClientSession, slot: dict[str, Any], data: bytes) -> Uploaded:
    """POST a presigned form the way the SDK did: every issued field, then the file."""
    form = aiohttp.FormData(slot["fields"])
    form.add_field("file", data, filename="logo.png", content_type="image/png")
    async with session.post(slot["url"], data=form) as response:
        return Uploaded(response.status, await response.text())


async def test_a_logo_uploads_to_fake_s3_and_is_finalized(
    emulator_api: EmulatorApi, emulator: EmulatorHandle
) -> None:
    theme = await create_theme(emulator_api)
    slots = (await emulator_api.get("/themes/logos-upload-urls")).body
    assert [slot["fields"]["logoType"] for slot in slots] == ["white", "colored", "favicon"]
    assert all(
        set(s["fields"]) == set(recorded("list_logo_upload_urls.json")[0]["fields"]) for s in slots
    )
    white = slots[0]
    assert white["url"] == f"{emulator.root_url}/_storage/upload"

    async with aiohttp.ClientSession() as session:
        assert (await upload(session, white, PNG)).status == 204
        answer = await emulator_api.put(
            f"/themes/{theme['theme_id']}/finalizeLogos", json={"keys": [white["fields"]["key"]]}
        )
        assert (answer.status, answer.body) == (200, "OK")
        updated = (await emulator_api.get(f"/themes/{theme['theme_id']}")).body
        assert updated["brand_image_white"] and updated["brand_image_colored"] is None
        async with session.get(updated["brand_image_white_url"]) as logo:
            assert logo.status == 200 and await logo.read() == PNG


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("X-Amz-Signature", "forged", "SignatureDoesNotMatch"),
        ("Policy", "e30=", "SignatureDoesNotMatch"),
        ("key", "auto-expiring-temp/logos/white/nope", "AccessDenied"),
        ("Content-Type", "image/gif", "AccessDenied"),
    ],
)
async def test_fake_s3_refuses_tampered_fields_with_an_xml_error(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, field: str, value: str, code: str
) -> None:
    slot = (await emulator_api.get("/themes/logos-upload-urls")).body[0]
    tampered = {**slot, "fields": {**slot["fields"], field: value}}

    async with aiohttp.ClientSession() as session:
        response = await upload(session, tampered, PNG)
        no_file = aiohttp.FormData(slot["fields"], default_to_multipart=True)
        async with session.post(slot["url"], data=no_file) as answer:
            assert answer.status == 400 and "<Code>InvalidArgument</Code>" in await answer.text()
        async with session.post(slot["url"], data=slot["fields"]) as answer:
            assert answer.status == 412 and "<Code>PreconditionFailed</Code>" in await answer.text()

    assert response.status == 403
    assert response.text_body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<Error>')
    assert f"<Code>{code}</Code>" in response.text_body
    assert emulator.state.uploads[slot["fields"]["key"]].data is None


async def test_finalizing_a_key_never_uploaded_is_the_recorded_error(
    emulator_api: EmulatorApi,
) -> None:
    theme = await create_theme(emulator_api)
    slot = (await emulator_api.get("/themes/logos-upload-urls")).body[1]  # issued, not uploaded

    answer = await emulator_api.put(
        f"/themes/{theme['theme_id']}/finalizeLogos", json={"keys": ["not-a-key"]}
    )
    assert answer.status == 400
    assert answer.body == recorded("logo_key_error.json")

    pending = await emulator_api.put(
        f"/themes/{theme['theme_id']}/finalizeLogos",
        json={"keys": [{"key": slot["fields"]["key"]}]},
    )
    assert pending.body["errors"] == [{"logoKey": slot["fields"]["key"], "code": "key_not_found"}]


async def test_a_logo_that_is_not_a_png_is_refused(emulator_api: EmulatorApi) -> None:
    theme = await create_theme(emulator_api)
    slot = (await emulator_api.get("/themes/logos-upload-urls")).body[2]
    async with aiohttp.ClientSession() as session:
        assert (await upload(session, slot, b"GIF89a")).status == 204

    answer = await emulator_api.put(
        f"/themes/{theme['theme_id']}/finalizeLogos", json={"keys": [slot["fields"]["key"]]}
    )

    assert answer.status == 400
    assert answer.body["errors"] == [
        {
            "logoKey": slot["fields"]["key"],
            "code": "invalid_logo_properties",
            "invalidProperty": "type",
        }
    ]
