"""Request bodies for the Meetings API, with the checks we make before sending anything.

Each body's `validate(now)` raises `bot.errors.ClientValidationError` naming the field, so a
mistake costs no request, and `to_json()` gives the wire shape (nulls left out; updates wrapped
in the API's `update_details` envelope). Limits come from the OpenAPI spec v0.1.7.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from bot.errors import invalid
from bot.providers.http.parse import format_datetime, without_nulls
from bot.providers.meetings.models import CallbackUrls, RoomType

MAX_DISPLAY_NAME = 200
MAX_METADATA = 500
MAX_THEME_TEXT = 200
MAX_SHORT_URL = 128
MIN_LIFETIME = timedelta(minutes=10)  # the API refuses a long-term room expiring sooner
MAX_LIFETIME = timedelta(days=365)  # "at most one year" (DESIGN §1)
MAIN_COLOR = re.compile(r"#([a-fA-F0-9]{6}|[a-fA-F0-9]{3})")
SHORT_COMPANY_URL = re.compile(r"(?=.*[a-zA-Z_~-])[a-zA-Z0-9_~-]+")
HTTP_URL = re.compile(r"https?://.+")
JOIN_APPROVAL_LEVELS = ("none", "after_owner_only", "explicit_approval")
# `ui_settings.language`: not in the spec file we were given, but in Vonage's fuller Meetings
# OpenAPI (components/schemas/UiSettings, as derived in api-evangelist/vonage
# json-schema/vonage-room-schema.json) and its localization guide
# (developer.vonage.com/en/meetings/guides/localization: `"ui_settings": {"language": "ES"}`);
# the emulator's README lists the rest of the evidence.
UI_LANGUAGES = ("ar", "ca", "de", "en", "es", "fr", "he", "it", "pt-br", "zh-tw", "zh-cn")


def check_text(field: str, value: str | None, maximum: int, *, required: bool = False) -> None:
    if value is None:
        if required:
            raise invalid(field, "required")
        return
    if required and not value.strip():
        raise invalid(field, f"must be 1-{maximum} characters, got an empty value")
    if len(value) > maximum:
        raise invalid(field, f"must be at most {maximum} characters, got {len(value)}")


def check_expiry(field: str, value: datetime, now: datetime) -> None:
    if value.tzinfo is None:
        raise invalid(field, "needs a time zone (naive datetimes are ambiguous)")
    if value <= now + MIN_LIFETIME:
        raise invalid(field, "must be more than 10 minutes from now")
    if value > now + MAX_LIFETIME:
        raise invalid(field, "must be at most one year from now")


def check_callbacks(urls: CallbackUrls | None) -> None:
    for name, value in vars(urls or CallbackUrls()).items():
        if value is not None and not HTTP_URL.fullmatch(value):
            raise invalid(f"callback_urls.{name}", "must be an http(s) URL")


@dataclass(frozen=True)
class CreateRoom:
    display_name: str
    type: RoomType = RoomType.INSTANT
    expires_at: datetime | None = None  # required for LONG_TERM
    metadata: str | None = None  # we put the job's idempotency key here (see retry.py)
    auto_record: bool = False
    record_only_owner: bool = False
    expire_after_use: bool | None = None
    theme_id: str | None = None
    join_approval_level: str | None = None
    callback_urls: CallbackUrls | None = None
    ui_language: str | None = None  # one of UI_LANGUAGES; None leaves the account's

    def validate(self, now: datetime) -> None:
        check_text("display_name", self.display_name, MAX_DISPLAY_NAME, required=True)
        check_text("metadata", self.metadata, MAX_METADATA)
        if self.type is RoomType.LONG_TERM:
            if self.expires_at is None:
                raise invalid("expires_at", "required for a long-term room")
            check_expiry("expires_at", self.expires_at, now)
        elif self.expires_at is not None:
            raise invalid(
                "expires_at", "only long-term rooms take one (instant rooms expire by themselves)"
            )
        if self.join_approval_level not in (None, *JOIN_APPROVAL_LEVELS):
            raise invalid(
                "join_approval_level", f"must be one of {', '.join(JOIN_APPROVAL_LEVELS)}"
            )
        if self.ui_language not in (None, *UI_LANGUAGES):
            raise invalid("ui_settings.language", f"must be one of {', '.join(UI_LANGUAGES)}")
        check_callbacks(self.callback_urls)

    def to_json(self) -> dict[str, object]:
        return without_nulls(
            {
                "display_name": self.display_name,
                "type": self.type.value,
                "expires_at": None if self.expires_at is None else format_datetime(self.expires_at),
                "metadata": self.metadata,
                "recording_options": {
                    "auto_record": self.auto_record,
                    "record_only_owner": self.record_only_owner,
                },
                "expire_after_use": self.expire_after_use,
                "theme_id": self.theme_id,
                "join_approval_level": self.join_approval_level,
                "callback_urls": None
                if self.callback_urls is None
                else without_nulls(vars(self.callback_urls)),
                "ui_settings": None if self.ui_language is None else {"language": self.ui_language},
            }
        )


@dataclass(frozen=True)
class UpdateRoom:
    expires_at: datetime | None = None
    expire_after_use: bool | None = None
    theme_id: str | None = None
    join_approval_level: str | None = None
    callback_urls: CallbackUrls | None = None

    def validate(self, now: datetime) -> None:
        if all(getattr(self, f.name) is None for f in fields(self)):
            raise invalid("update_details", "give at least one field to change")
        if self.expires_at is not None:
            check_expiry("expires_at", self.expires_at, now)
        if self.join_approval_level not in (None, *JOIN_APPROVAL_LEVELS):
            raise invalid(
                "join_approval_level", f"must be one of {', '.join(JOIN_APPROVAL_LEVELS)}"
            )
        check_callbacks(self.callback_urls)

    def to_json(self) -> dict[str, object]:
        details = without_nulls(
            {
                "expires_at": None if self.expires_at is None else format_datetime(self.expires_at),
                "expire_after_use": self.expire_after_use,
                "theme_id": self.theme_id,
                "join_approval_level": self.join_approval_level,
                "callback_urls": None
                if self.callback_urls is None
                else without_nulls(vars(self.callback_urls)),
            }
        )
        return {"update_details": details}


def check_theme(
    theme_name: str | None,
    main_color: str | None,
    brand_text: str | None,
    short_company_url: str | None,
) -> None:
    check_text("theme_name", theme_name, MAX_THEME_TEXT)
    check_text("brand_text", brand_text, MAX_THEME_TEXT)
    if main_color is not None and not MAIN_COLOR.fullmatch(main_color):
        raise invalid(
            "main_color", f"must be a hex colour like #12f64e or #fff, got {main_color!r}"
        )
    if short_company_url is not None:
        check_text("short_company_url", short_company_url, MAX_SHORT_URL)
        if not SHORT_COMPANY_URL.fullmatch(short_company_url):
            raise invalid(
                "short_company_url",
                "may hold only letters, digits, '_', '~' and '-', and at least one non-digit",
            )


@dataclass(frozen=True)
class CreateTheme:
    main_color: str
    brand_text: str
    theme_name: str | None = None
    short_company_url: str | None = None

    def validate(self, now: datetime | None = None) -> None:
        check_text("brand_text", self.brand_text, MAX_THEME_TEXT, required=True)
        check_text("main_color", self.main_color, 7, required=True)
        check_theme(self.theme_name, self.main_color, self.brand_text, self.short_company_url)

    def to_json(self) -> dict[str, object]:
        return without_nulls(vars(self))


@dataclass(frozen=True)
class UpdateTheme:
    theme_name: str | None = None
    main_color: str | None = None
    brand_text: str | None = None
    short_company_url: str | None = None

    def validate(self, now: datetime | None = None) -> None:
        if all(value is None for value in vars(self).values()):
            raise invalid("update_details", "give at least one field to change")
        check_theme(self.theme_name, self.main_color, self.brand_text, self.short_company_url)

    def to_json(self) -> dict[str, object]:
        return {"update_details": without_nulls(vars(self))}
