"""Themes against the emulator: CRUD, conflicts, the rooms of a theme, default theme, logo upload."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from bot.errors import (
    ConflictError,
    LimitReachedError,
    NotFoundError,
    ProviderError,
    ValidationError,
)
from bot.providers.meetings.bodies import CreateRoom, CreateTheme, UpdateRoom, UpdateTheme
from bot.providers.meetings.client import MeetingsClient
from bot.providers.meetings.models import LogoType, RoomType
from tests.plugins.emulator import RECORDED, EmulatorHandle
from tests.plugins.meetings import MakeClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def acme(name: str = "acme", short_url: str | None = "acme") -> CreateTheme:
    return CreateTheme(
        main_color="#12f64e", brand_text="Acme", theme_name=name, short_company_url=short_url
    )


async def test_theme_lifecycle(meetings_client: MeetingsClient) -> None:
    themes = meetings_client.themes
    assert await themes.list() == []

    theme = await themes.create(acme())
    assert (theme.theme_name, theme.main_color, theme.short_company_url) == (
        "acme",
        "#12f64e",
        "acme",
    )
    assert await themes.get(theme.theme_id) == theme
    assert [t.theme_id for t in await themes.list()] == [theme.theme_id]

    updated = await themes.update(
        theme.theme_id, UpdateTheme(brand_text="Acme Ltd", main_color="#fff")
    )
    assert (updated.brand_text, updated.main_color) == ("Acme Ltd", "#fff")

    await themes.delete(theme.theme_id)
    with pytest.raises(NotFoundError):
        await themes.get(theme.theme_id)


async def test_duplicate_names_conflict(meetings_client: MeetingsClient) -> None:
    first = await meetings_client.themes.create(acme("one", "one"))
    await meetings_client.themes.create(acme("two", "two"))

    with pytest.raises(ConflictError, match="theme_name already exists"):
        await meetings_client.themes.create(acme("one", "other"))
    with pytest.raises(ConflictError, match="short_company_url"):
        await meetings_client.themes.update(first.theme_id, UpdateTheme(short_company_url="two"))


async def test_the_theme_cap_is_a_limit_error(
    meetings_client: MeetingsClient, emulator: EmulatorHandle
) -> None:
    emulator.state.theme_cap = 1
    await meetings_client.themes.create(acme())
    with pytest.raises(LimitReachedError) as caught:
        await meetings_client.themes.create(acme("second", "second"))
    assert caught.value.status == 403


async def test_a_theme_in_use_is_deleted_only_with_force(meetings_client: MeetingsClient) -> None:
    theme = await meetings_client.themes.create(acme())
    room = await meetings_client.create_room(CreateRoom("branded", theme_id=theme.theme_id))

    with pytest.raises(ValidationError) as caught:
        await meetings_client.themes.delete(theme.theme_id)
    assert caught.value.message == "could not delete theme"
    assert caught.value.field_errors and "used by" in caught.value.field_errors[0].message

    await meetings_client.themes.delete(theme.theme_id, force=True)
    assert (await meetings_client.get_room(room.id)).theme_id is None


async def test_rooms_of_a_theme_page_and_iterate(meetings_client: MeetingsClient) -> None:
    theme = await meetings_client.themes.create(acme())
    themed = [
        await meetings_client.create_room(CreateRoom(f"r{n}", theme_id=theme.theme_id))
        for n in range(5)
    ]
    await meetings_client.create_room(CreateRoom("plain"))

    page = await meetings_client.themes.rooms(theme.theme_id, page_size=2)
    assert [r.id for r in page.rooms] == [r.id for r in themed[:2]]
    all_ids = [r.id async for r in meetings_client.themes.iter_rooms(theme.theme_id, page_size=2)]
    assert all_ids == [r.id for r in themed]
    assert themed[0].guest_url is not None and "/acme/" in themed[0].guest_url

    with pytest.raises(NotFoundError):
        await meetings_client.themes.rooms("90a21428-b74a-4221-adc3-783935d654dc")


async def test_a_room_can_take_a_theme_later(
    meetings_client: MeetingsClient, emulator: EmulatorHandle
) -> None:
    theme = await meetings_client.themes.create(acme())
    until = emulator.clock() + timedelta(days=7)
    room = await meetings_client.create_room(
        CreateRoom("later", type=RoomType.LONG_TERM, expires_at=until)
    )
    updated = await meetings_client.update_room(room.id, UpdateRoom(theme_id=theme.theme_id))
    assert updated.theme_id == theme.theme_id


async def test_set_default_theme(meetings_client: MeetingsClient, emulator: EmulatorHandle) -> None:
    theme = await meetings_client.themes.create(acme())
    application = await meetings_client.themes.set_default(theme.theme_id)
    assert application.default_theme_id == theme.theme_id
    assert application.application_id == emulator.application_id

    with pytest.raises(ValidationError, match="not found"):
        await meetings_client.themes.set_default("not-a-real-theme-id")


async def test_the_default_theme_is_sent_inside_update_details(
    make_meetings_client: MakeClient, aiohttp_server: AiohttpServer
) -> None:
    """As Vonage's curl snippet and SDKs send it (sandbox/meetbot_sandbox/meetings/README.md);
    a stand-in for the API keeps the body it got and answers as recorded."""
    received: list[object] = []

    async def update_application(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response(
            json.loads((RECORDED / "update_application_theme.json").read_text())
        )

    app = web.Application()
    app.router.add_patch("/v1/meetings/applications", update_application)
    server = await aiohttp_server(app)
    client = make_meetings_client(base_url=str(server.make_url("/v1/meetings")))

    application = await client.themes.set_default("90a21428-b74a-4221-adc3-783935d654db")

    assert received == [
        {"update_details": {"default_theme_id": "90a21428-b74a-4221-adc3-783935d654db"}}
    ]
    assert application.default_theme_id == "90a21428-b74a-4221-adc3-783935d654db"


async def test_upload_theme_logos_end_to_end(meetings_client: MeetingsClient) -> None:
    theme = await meetings_client.themes.create(acme())

    keys = await meetings_client.themes.upload_logos(
        theme.theme_id, {"white": PNG, "colored": PNG, "favicon": PNG}
    )

    assert len(keys) == 3
    branded = await meetings_client.themes.get(theme.theme_id)
    assert branded.brand_image_white and branded.brand_image_colored and branded.branded_favicon
    assert branded.brand_image_white_url is not None


async def test_a_logo_that_is_not_a_png_is_refused_with_its_key(
    meetings_client: MeetingsClient,
) -> None:
    theme = await meetings_client.themes.create(acme())
    with pytest.raises(ValidationError) as caught:
        await meetings_client.themes.upload_logos(theme.theme_id, {"favicon": b"GIF89a"})
    assert caught.value.message == "could not finalize logos"
    assert "invalid_logo_properties: type" in caught.value.field_errors[0].message


async def test_a_storage_refusal_surfaces_s3s_words(meetings_client: MeetingsClient) -> None:
    upload = (await meetings_client.themes.logo_upload_urls())[0]
    assert upload.logo_type is LogoType.WHITE
    tampered = type(upload)(
        upload.url, upload.logo_type, upload.key, {**upload.fields, "Policy": "forged"}
    )

    with pytest.raises(ProviderError) as caught:
        await meetings_client.themes.upload_logo(tampered, PNG)

    assert caught.value.name == "SignatureDoesNotMatch"
    assert "logo storage refused the upload" in str(caught.value)


async def test_finalizing_unknown_keys_names_them(meetings_client: MeetingsClient) -> None:
    theme = await meetings_client.themes.create(acme())
    with pytest.raises(ValidationError) as caught:
        await meetings_client.themes.finalize_logos(theme.theme_id, ["not-a-key"])
    assert [(e.field, e.message) for e in caught.value.field_errors] == [
        ("not-a-key", "key_not_found")
    ]
