"""Request bodies: wire shapes, and our own checks that refuse bad input before any request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.errors import ClientValidationError
from bot.providers.meetings.bodies import CreateRoom, CreateTheme, UpdateRoom, UpdateTheme
from bot.providers.meetings.models import CallbackUrls, RoomType

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def refused(body: CreateRoom | UpdateRoom | CreateTheme | UpdateTheme) -> ClientValidationError:
    with pytest.raises(ClientValidationError) as caught:
        body.validate(NOW)
    return caught.value


def test_instant_room_body_is_minimal() -> None:
    body = CreateRoom("Design review", metadata="job-1", auto_record=True)
    body.validate(NOW)
    assert body.to_json() == {
        "display_name": "Design review",
        "type": "instant",
        "metadata": "job-1",
        "recording_options": {"auto_record": True, "record_only_owner": False},
    }


def test_long_term_room_body_has_expiry_in_the_api_format_and_callbacks() -> None:
    until = datetime(2026, 12, 31, 18, 30, tzinfo=timezone(timedelta(hours=1)))
    hook = "https://bot.example/callbacks/meetings/tok"
    body = CreateRoom(
        "Q4 planning",
        type=RoomType.LONG_TERM,
        expires_at=until,
        expire_after_use=True,
        callback_urls=CallbackUrls(hook, hook, None),
    )
    body.validate(NOW)
    wire = body.to_json()
    assert wire["expires_at"] == "2026-12-31T17:30:00.000Z"
    assert wire["expire_after_use"] is True
    assert wire["callback_urls"] == {"rooms_callback_url": hook, "sessions_callback_url": hook}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        (CreateRoom(""), "display_name", "1-200"),
        (CreateRoom("   "), "display_name", "1-200"),
        (CreateRoom("x" * 201), "display_name", "at most 200"),
        (CreateRoom("ok", metadata="m" * 501), "metadata", "at most 500"),
        (CreateRoom("ok", type=RoomType.LONG_TERM), "expires_at", "required"),
        (
            CreateRoom("ok", type=RoomType.LONG_TERM, expires_at=NOW + timedelta(minutes=10)),
            "expires_at",
            "more than 10 minutes",
        ),
        (
            CreateRoom("ok", type=RoomType.LONG_TERM, expires_at=NOW + timedelta(days=366)),
            "expires_at",
            "at most one year",
        ),
        (
            CreateRoom("ok", type=RoomType.LONG_TERM, expires_at=datetime(2026, 6, 1)),
            "expires_at",
            "time zone",
        ),
        (CreateRoom("ok", expires_at=NOW + timedelta(days=1)), "expires_at", "only long-term"),
        (CreateRoom("ok", join_approval_level="maybe"), "join_approval_level", "one of"),
        (CreateRoom("ok", ui_language="ja"), "ui_settings.language", "one of"),
        (
            CreateRoom("ok", callback_urls=CallbackUrls("ftp://x", None, None)),
            "callback_urls.rooms_callback_url",
            "http(s)",
        ),
        (UpdateRoom(), "update_details", "at least one"),
        (UpdateRoom(expires_at=NOW - timedelta(days=1)), "expires_at", "more than 10 minutes"),
        (CreateTheme(main_color="red", brand_text="Acme"), "main_color", "hex colour"),
        (CreateTheme(main_color="#12f64e", brand_text=""), "brand_text", "1-200"),
        (
            CreateTheme(main_color="#fff", brand_text="Acme", short_company_url="12345"),
            "short_company_url",
            "non-digit",
        ),
        (
            CreateTheme(main_color="#fff", brand_text="Acme", short_company_url="a b"),
            "short_company_url",
            "letters",
        ),
        (UpdateTheme(), "update_details", "at least one"),
        (UpdateTheme(main_color="#12345"), "main_color", "hex colour"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    body: CreateRoom | UpdateRoom | CreateTheme | UpdateTheme, field: str, words: str
) -> None:
    error = refused(body)
    assert error.message.startswith(f"{field}: ")
    assert words in error.message
    assert error.field_errors[0].field == field


def test_updates_use_the_update_details_envelope() -> None:
    until = NOW + timedelta(days=30)
    assert UpdateRoom(expires_at=until, theme_id="t1").to_json() == {
        "update_details": {"expires_at": "2026-03-31T12:00:00.000Z", "theme_id": "t1"}
    }
    assert UpdateTheme(main_color="#FFF").to_json() == {"update_details": {"main_color": "#FFF"}}


def test_theme_bodies_accept_the_spec_examples() -> None:
    body = CreateTheme(
        main_color="#12f64e", brand_text="Brand", theme_name="Theme1", short_company_url="short-url"
    )
    body.validate(NOW)
    assert body.to_json() == {
        "main_color": "#12f64e",
        "brand_text": "Brand",
        "theme_name": "Theme1",
        "short_company_url": "short-url",
    }
