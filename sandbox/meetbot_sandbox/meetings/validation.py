"""Request-body checks for rooms and themes, with the API's Joi-style messages.

Schema problems (missing, wrong type, too long, pattern, unknown key) are 400
InputValidationError, as update_no_keys.json; rules that need state or the clock (expiry
window, unknown theme) are 400 BadRequestError. Each parser returns plain keyword values.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from json import JSONDecodeError
from typing import Any

from aiohttp import web

from meetbot_sandbox.meetings.errors import bad_request, invalid

# Limits from the spec (CreateRoomDetails, CreateThemeDetails, CallbackUrls).
CALLBACK_URL = re.compile(r"^https?://.*$")
MAIN_COLOR = re.compile(r"#([a-fA-F0-9]{6}|[a-fA-F0-9]{3})$")
SHORT_COMPANY_URL = re.compile(r"^(?=.*[a-zA-Z_~-])([a-zA-Z0-9_~-]+)$")
# A long-term room lives between 10 minutes and one year (Meetings API docs, "Room types").
MIN_LIFETIME = timedelta(minutes=10)
MAX_LIFETIME = timedelta(days=365)

FEATURES = (
    "is_recording_available",
    "is_chat_available",
    "is_whiteboard_available",
    "is_locale_switcher_available",
    "is_captions_available",
)
CALLBACK_KINDS = ("rooms_callback_url", "sessions_callback_url", "recordings_callback_url")


async def json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or the 400 the API gives for anything else."""
    try:
        body = await request.json()
    except (JSONDecodeError, UnicodeDecodeError):
        raise invalid("Invalid JSON body") from None
    return obj(body, "value")


async def update_details(request: web.Request) -> dict[str, Any]:
    """The non-empty `update_details` object every PATCH of the API wraps its changes in."""
    body = await json_object(request)
    only_keys(body, ("update_details",))
    if "update_details" not in body:
        raise invalid('"update_details" is required')
    details = obj(body["update_details"], "update_details")
    if not details:
        raise invalid('"update_details" must have at least 1 key')
    return details


def obj(value: object, label: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(f'"{label}" must be of type object')
    return value


def only_keys(body: dict[str, Any], allowed: tuple[str, ...], prefix: str = "") -> None:
    for key in body:
        if key not in allowed:
            raise invalid(f'"{prefix}{key}" is not allowed')


def string(
    body: dict[str, Any],
    key: str,
    *,
    max_len: int,
    required: bool = False,
    nullable: bool = False,
    pattern: re.Pattern[str] | None = None,
    prefix: str = "",
) -> str | None:
    label = f"{prefix}{key}"
    if key not in body or (body[key] is None and nullable):
        if required:
            raise invalid(f'"{label}" is required')
        return None
    value = body[key]
    if not isinstance(value, str):
        raise invalid(f'"{label}" must be a string')
    if not value:
        raise invalid(f'"{label}" is not allowed to be empty')
    if len(value) > max_len:
        raise invalid(f'"{label}" length must be less than or equal to {max_len} characters long')
    if pattern is not None and not pattern.search(value):
        raise invalid(
            f'"{label}" with value "{value}" fails to match the required pattern: /{pattern.pattern}/'
        )
    return value


def boolean(body: dict[str, Any], key: str, prefix: str = "") -> bool | None:
    if key not in body:
        return None
    if not isinstance(body[key], bool):
        raise invalid(f'"{prefix}{key}" must be a boolean')
    return bool(body[key])


def one_of(
    body: dict[str, Any], key: str, choices: tuple[str, ...], prefix: str = ""
) -> str | None:
    if key not in body:
        return None
    if body[key] not in choices:
        raise invalid(f'"{prefix}{key}" must be one of [{", ".join(choices)}]')
    return str(body[key])


def flags(body: dict[str, Any], key: str, names: tuple[str, ...]) -> dict[str, bool] | None:
    """A nested object of booleans (recording_options, available_features); only given keys."""
    if key not in body:
        return None
    nested = obj(body[key], key)
    only_keys(nested, names, f"{key}.")
    return {
        name: value for name in nested if (value := boolean(nested, name, f"{key}.")) is not None
    }


def callback_urls(body: dict[str, Any]) -> dict[str, str] | None:
    if "callback_urls" not in body:
        return None
    nested = obj(body["callback_urls"], "callback_urls")
    only_keys(nested, CALLBACK_KINDS, "callback_urls.")
    urls = {}
    for kind in CALLBACK_KINDS:
        url = string(nested, kind, max_len=2048, pattern=CALLBACK_URL, prefix="callback_urls.")
        if url is not None:
            urls[kind] = url
    return urls


def expiry(body: dict[str, Any], now: datetime, *, required: bool) -> datetime | None:
    """`expires_at` parsed and held to the long-term window (10 minutes .. 1 year from now)."""
    if "expires_at" not in body:
        if required:
            raise invalid('"expires_at" is required')
        return None
    raw = body["expires_at"]
    try:
        when = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        when = None
    if when is None:
        raise invalid('"expires_at" must be a valid date')
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    if when < now + MIN_LIFETIME:
        raise bad_request("expires_at must be at least 10 minutes in the future")
    if when > now + MAX_LIFETIME:
        raise bad_request("expires_at cannot be more than one year in the future")
    return when
