"""Response bodies in the real API's shapes (tests/fixtures/vonage-recorded/*.json).

Key order and nulls follow the recordings: unset optional fields are sent as null, times as
ISO 8601 with milliseconds and a Z. `callback_urls` appears only on rooms that set it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from meetbot_sandbox.meetings.state import EmulatorState, Recording, Room, Theme

# Where the real API sent people; a meeting link is never opened by the emulator or its tests.
MEETINGS_WEB_URL = "https://meetings.vonage.com"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def room_links(room: Room, state: EmulatorState) -> dict[str, Any]:
    theme = state.themes.get(room.theme_id) if room.theme_id else None
    base = (
        f"{MEETINGS_WEB_URL}/{theme.short_company_url}"
        if theme and theme.short_company_url
        else MEETINGS_WEB_URL
    )
    host = f"{base}/?room_token={room.meeting_code}&participant_token={room.participant_token}"
    return {"host_url": {"href": host}, "guest_url": {"href": f"{base}/{room.meeting_code}"}}


def room_json(room: Room, state: EmulatorState) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": room.id,
        "display_name": room.display_name,
        "metadata": room.metadata,
        "type": room.type,
        "expires_at": iso(room.expires_at),
        "recording_options": dict(room.recording_options),
        "meeting_code": room.meeting_code,
        "_links": room_links(room, state),
        "created_at": iso(room.created_at),
        "is_available": room.is_available(state.now()),
        "expire_after_use": room.expire_after_use,
        "theme_id": room.theme_id,
        "initial_join_options": dict(room.initial_join_options),
        "join_approval_level": room.join_approval_level,
        "ui_settings": dict(room.ui_settings),
        "available_features": dict(room.available_features),
    }
    if room.callback_urls is not None:
        body["callback_urls"] = dict(room.callback_urls)
    return body


def recording_json(recording: Recording, url: str | None = None) -> dict[str, Any]:
    """`url`: the download link to show (a freshly signed one, see recordings.py); default the
    one made at upload."""
    body: dict[str, Any] = {
        "id": recording.id,
        "session_id": recording.session_id,
        "started_at": iso(recording.started_at),
    }
    if recording.ended_at is not None:  # a running recording has no end yet
        body["ended_at"] = iso(recording.ended_at)
    body["status"] = recording.status
    if recording.url is not None:
        body["_links"] = {"url": {"href": url or recording.url}}
    return body


def theme_json(theme: Theme, state: EmulatorState) -> dict[str, Any]:
    return {
        "theme_id": theme.theme_id,
        "theme_name": theme.theme_name,
        "domain": "VCP",
        "account_id": state.account_id,
        "application_id": state.application_id,
        "main_color": theme.main_color,
        "short_company_url": theme.short_company_url,
        "brand_text": theme.brand_text,
        "brand_image_colored": theme.brand_image_colored,
        "brand_image_white": theme.brand_image_white,
        "branded_favicon": theme.branded_favicon,
        "brand_image_white_url": theme.brand_image_white_url,
        "brand_image_colored_url": theme.brand_image_colored_url,
        "branded_favicon_url": theme.branded_favicon_url,
    }


def application_json(state: EmulatorState) -> dict[str, Any]:
    return {
        "application_id": state.application_id,
        "account_id": state.account_id,
        "default_theme_id": state.default_theme_id,
    }
