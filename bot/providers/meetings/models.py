"""Typed, frozen views of what the Meetings API answers (rooms, recordings, themes, ...).

Each `from_json` accepts what the real API sent as well as what the spec says: nulls anywhere,
`_embedded` as `{"rooms": [...]}` or a bare list, `{}` for an empty theme list. Secrets
(host URLs, pre-signed links and S3 upload policies) are kept out of `repr`.
Request bodies live in `bot.providers.meetings.bodies`.

A page of rooms that holds one malformed room skips it with a WARNING (its index, its id if
readable, and the field at fault; never the room itself, whose host link is a secret) rather
than refusing the page: one odd room must not hide the others from `find_room` or the CLI.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import parse_qsl, urlsplit

from bot.providers.http.parse import (
    JsonObject,
    as_object,
    as_objects,
    link,
    opt_bool,
    opt_datetime,
    opt_int,
    opt_object,
    opt_str,
    req_str,
)

log = logging.getLogger(__name__)


class RoomType(StrEnum):
    INSTANT = "instant"
    LONG_TERM = "long_term"


@dataclass(frozen=True)
class RecordingOptions:
    auto_record: bool = False
    record_only_owner: bool = False

    @classmethod
    def from_json(cls, data: JsonObject | None) -> RecordingOptions:
        if data is None:
            return cls()
        return cls(opt_bool(data, "auto_record"), opt_bool(data, "record_only_owner"))


@dataclass(frozen=True)
class CallbackUrls:
    rooms_callback_url: str | None = None
    sessions_callback_url: str | None = None
    recordings_callback_url: str | None = None

    @classmethod
    def from_json(cls, data: JsonObject | None) -> CallbackUrls | None:
        if data is None:
            return None
        return cls(
            opt_str(data, "rooms_callback_url"),
            opt_str(data, "sessions_callback_url"),
            opt_str(data, "recordings_callback_url"),
        )


@dataclass(frozen=True)
class AvailableFeatures:
    # The API's documented default for each feature is true.
    is_recording_available: bool = True
    is_chat_available: bool = True
    is_whiteboard_available: bool = True

    @classmethod
    def from_json(cls, data: JsonObject | None) -> AvailableFeatures:
        if data is None:
            return cls()
        return cls(
            opt_bool(data, "is_recording_available", True),
            opt_bool(data, "is_chat_available", True),
            opt_bool(data, "is_whiteboard_available", True),
        )


@dataclass(frozen=True)
class Room:
    id: str
    display_name: str
    type: RoomType
    guest_url: str | None
    host_url: str | None = field(repr=False)  # lets anyone in as host: DM it, never log it
    meeting_code: str | None = None
    metadata: str | None = None
    is_available: bool = True
    expire_after_use: bool = False
    theme_id: str | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    join_approval_level: str | None = None
    microphone_state: str | None = None
    recording_options: RecordingOptions = RecordingOptions()
    callback_urls: CallbackUrls | None = None
    available_features: AvailableFeatures = AvailableFeatures()

    @classmethod
    def from_json(cls, value: object) -> Room:
        data = as_object(value, "room")
        join_options = opt_object(data, "initial_join_options")
        return cls(
            id=req_str(data, "id"),
            display_name=opt_str(data, "display_name") or "",
            type=_room_type(opt_str(data, "type")),
            guest_url=link(data, "guest_url"),
            host_url=link(data, "host_url"),
            meeting_code=opt_str(data, "meeting_code"),
            metadata=opt_str(data, "metadata"),
            is_available=opt_bool(data, "is_available", True),
            expire_after_use=opt_bool(data, "expire_after_use"),
            theme_id=opt_str(data, "theme_id"),
            created_at=opt_datetime(data, "created_at"),
            expires_at=opt_datetime(data, "expires_at"),
            join_approval_level=opt_str(data, "join_approval_level"),
            microphone_state=None
            if join_options is None
            else opt_str(join_options, "microphone_state"),
            recording_options=RecordingOptions.from_json(opt_object(data, "recording_options")),
            callback_urls=CallbackUrls.from_json(opt_object(data, "callback_urls")),
            available_features=AvailableFeatures.from_json(opt_object(data, "available_features")),
        )


def _room_type(raw: str | None) -> RoomType:
    if raw is None:
        return RoomType.INSTANT
    try:
        return RoomType(raw)
    except ValueError:
        raise ValueError(f"type: expected instant or long_term, got {raw!r}") from None


def page_query(href: str | None) -> dict[str, str] | None:
    """The query of a HAL page link, as parameters for our own base URL.

    The API writes these links without a scheme ('api-eu.vonage.com/meetings/rooms?...') and
    with its own host, so only the query string is trusted; host and path stay ours.
    """
    if not href:
        return None
    query = urlsplit(href).query or (href.split("?", 1)[1] if "?" in href else "")
    return dict(parse_qsl(query, keep_blank_values=False))


@dataclass(frozen=True)
class RoomPage:
    rooms: tuple[Room, ...]
    page_size: int | None = None
    total_items: int | None = None
    next_query: dict[str, str] | None = None  # parameters for the next page, None on the last
    prev_query: dict[str, str] | None = None

    @classmethod
    def from_json(cls, value: object) -> RoomPage:
        data = as_object(value, "room page")
        embedded = data.get("_embedded")
        # The spec says {"_embedded": {"rooms": [...]}}; the recorded API sent a bare list.
        raw = (
            as_object(embedded, "_embedded").get("rooms")
            if isinstance(embedded, dict)
            else embedded
        )
        return cls(
            rooms=tuple(_readable_rooms(raw)),
            page_size=opt_int(data, "page_size"),
            total_items=opt_int(data, "total_items"),
            next_query=page_query(link(data, "next")),
            prev_query=page_query(link(data, "prev")),
        )


def _readable_rooms(raw: object) -> list[Room]:
    """The page's rooms, less any that cannot be read. Raises ValueError if `raw` is no list."""
    if raw is None:
        return []
    if isinstance(raw, str | bytes) or not isinstance(raw, Sequence):
        raise ValueError(f"_embedded.rooms: expected a list, got {type(raw).__name__}")
    rooms = []
    for index, item in enumerate(raw):
        try:
            rooms.append(Room.from_json(item))
        except ValueError as exc:
            room_id = item.get("id") if isinstance(item, Mapping) else None
            which = f"room {room_id}" if isinstance(room_id, str) else f"room #{index}"
            log.warning("skipped %s of a room page: %s", which, _field_of(exc))
    return rooms


def _field_of(exc: ValueError) -> str:
    """The field a parse error names, without the value (`parse.py` messages start with it)."""
    return str(exc).split(":", 1)[0] if ":" in str(exc) else type(exc).__name__


@dataclass(frozen=True)
class Recording:
    id: str
    session_id: str
    status: str  # started | stopped | paused | uploaded
    started_at: datetime | None = None
    ended_at: datetime | None = None
    url: str | None = field(default=None, repr=False)  # pre-signed download link

    @classmethod
    def from_json(cls, value: object) -> Recording:
        data = as_object(value, "recording")
        return cls(
            id=req_str(data, "id"),
            session_id=opt_str(data, "session_id") or "",
            status=opt_str(data, "status") or "",
            started_at=opt_datetime(data, "started_at"),
            ended_at=opt_datetime(data, "ended_at"),
            url=link(data, "url"),
        )

    @staticmethod
    def list_from_json(value: object) -> list[Recording]:
        """`{"_embedded": {"recordings": [...]}}` (spec) or a bare list, as for rooms."""
        embedded = (
            as_object(value, "session recordings").get("_embedded")
            if isinstance(value, dict)
            else value
        )
        raw = (
            as_object(embedded, "_embedded").get("recordings")
            if isinstance(embedded, dict)
            else embedded
        )
        return [Recording.from_json(item) for item in as_objects(raw, "_embedded.recordings")]


@dataclass(frozen=True)
class DialInNumber:
    number: str
    locale: str | None = None
    display_name: str | None = None

    @classmethod
    def from_json(cls, value: object) -> DialInNumber:
        data = as_object(value, "dial-in number")
        return cls(req_str(data, "number"), opt_str(data, "locale"), opt_str(data, "display_name"))


@dataclass(frozen=True)
class Theme:
    theme_id: str
    theme_name: str | None = None
    main_color: str | None = None
    brand_text: str | None = None
    short_company_url: str | None = None
    domain: str | None = None  # VCP | VBC
    account_id: str | None = None
    application_id: str | None = None
    brand_image_colored: str | None = None  # storage keys of the finalized logos
    brand_image_white: str | None = None
    branded_favicon: str | None = None
    brand_image_colored_url: str | None = None
    brand_image_white_url: str | None = None
    branded_favicon_url: str | None = None

    @classmethod
    def from_json(cls, value: object) -> Theme:
        data = as_object(value, "theme")
        fields = {name: opt_str(data, name) for name in _THEME_OPTIONAL}
        return cls(theme_id=req_str(data, "theme_id"), **fields)

    @staticmethod
    def list_from_json(value: object) -> list[Theme]:
        # An application without themes answered `{}` rather than `[]` (empty_themes.json).
        if isinstance(value, dict) and not value:
            return []
        return [Theme.from_json(item) for item in as_objects(value, "themes")]


_THEME_OPTIONAL = tuple(name for name in Theme.__dataclass_fields__ if name != "theme_id")


@dataclass(frozen=True)
class Application:
    application_id: str
    account_id: str | None = None
    default_theme_id: str | None = None

    @classmethod
    def from_json(cls, value: object) -> Application:
        data = as_object(value, "application")
        return cls(
            req_str(data, "application_id"),
            opt_str(data, "account_id"),
            opt_str(data, "default_theme_id"),
        )


class LogoType(StrEnum):
    WHITE = "white"
    COLORED = "colored"
    FAVICON = "favicon"


@dataclass(frozen=True)
class LogoUploadUrl:
    """A pre-signed S3 POST: send `fields` plus the file to `url`, then finalize `key`."""

    url: str
    logo_type: LogoType
    key: str
    fields: dict[str, str] = field(repr=False)  # carries the signed upload policy

    @classmethod
    def from_json(cls, value: object) -> LogoUploadUrl:
        data = as_object(value, "logo upload URL")
        raw_fields = as_object(data.get("fields"), "fields")
        fields = {name: opt_str(raw_fields, name) or "" for name in raw_fields}
        return cls(
            url=req_str(data, "url"),
            logo_type=LogoType(req_str(raw_fields, "logoType")),
            key=req_str(raw_fields, "key"),
            fields=fields,
        )

    @staticmethod
    def list_from_json(value: object) -> list[LogoUploadUrl]:
        return [LogoUploadUrl.from_json(item) for item in as_objects(value, "logo upload URLs")]
