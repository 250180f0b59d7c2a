"""Models parse every response body the real API was recorded sending (nulls, HAL quirks)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import ProviderError
from bot.providers.http.parse import as_objects
from bot.providers.http.responses import check_response
from bot.providers.meetings.models import (
    Application,
    DialInNumber,
    LogoType,
    LogoUploadUrl,
    Recording,
    Room,
    RoomPage,
    RoomType,
    Theme,
)

RECORDED = Path(__file__).parent / "fixtures" / "vonage-recorded"


def load(name: str) -> object:
    return json.loads((RECORDED / name).read_text())


def dial_in(value: object) -> list[DialInNumber]:
    return [DialInNumber.from_json(item) for item in as_objects(value, "numbers")]


PARSERS: dict[str, Callable[[object], object]] = {
    "empty_themes.json": Theme.list_from_json,
    "get_recording.json": Recording.from_json,
    "get_session_recordings.json": Recording.list_from_json,
    "list_dial_in_numbers.json": dial_in,
    "list_logo_upload_urls.json": LogoUploadUrl.list_from_json,
    "list_rooms_with_theme_id.json": RoomPage.from_json,
    "list_themes.json": Theme.list_from_json,
    "long_term_room.json": Room.from_json,
    "long_term_room_with_theme.json": Room.from_json,
    "meeting_room.json": Room.from_json,
    "multiple_fewer_rooms.json": RoomPage.from_json,
    "multiple_rooms.json": RoomPage.from_json,
    "theme.json": Theme.from_json,
    "update_application_theme.json": Application.from_json,
    "update_room.json": Room.from_json,
    "updated_theme.json": Theme.from_json,
}


def error_body(name: str) -> bool:
    data = load(name)
    return isinstance(data, dict) and (isinstance(data.get("status"), int) or "title" in data)


def test_every_recorded_file_is_covered_here_or_by_check_response() -> None:
    names = {path.name for path in RECORDED.glob("*.json")}
    errors = {name for name in names if error_body(name)}
    assert names - errors == set(PARSERS)


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_recorded_success_bodies_parse(name: str) -> None:
    assert PARSERS[name](load(name)) is not None


@pytest.mark.parametrize(
    "name", sorted(p.name for p in RECORDED.glob("*.json") if error_body(p.name))
)
def test_recorded_error_bodies_raise_a_provider_error(name: str) -> None:
    data = load(name)
    status = int(data["status"]) if isinstance(data, dict) and "status" in data else 401
    with pytest.raises(ProviderError) as caught:
        check_response("GET", "http://x/rooms", status, {}, (RECORDED / name).read_bytes())
    assert caught.value.status == status
    assert caught.value.message != f"HTTP {status}"  # the API's own words were read


def test_room_has_join_links_and_hides_the_host_url_from_repr() -> None:
    room = Room.from_json(load("long_term_room.json"))
    assert room.type is RoomType.LONG_TERM
    assert room.guest_url == "https://meetings.vonage.com/613804614"
    assert room.host_url is not None and "participant_token=" in room.host_url
    assert "participant_token" not in repr(room)
    assert room.metadata is None and room.theme_id is None
    assert room.expires_at == datetime(2023, 1, 30, 0, 47, 4, tzinfo=UTC)
    assert room.microphone_state == "default"


def test_room_page_accepts_a_bare_embedded_list_and_scheme_less_links() -> None:
    page = RoomPage.from_json(load("multiple_rooms.json"))
    assert len(page.rooms) == 5
    assert page.total_items == 5
    assert page.next_query == {"page_size": "20", "start_id": "2006655"}
    assert page.prev_query == {"page_size": "20", "end_id": "2006647"}


def test_room_page_accepts_the_spec_shape_too() -> None:
    room = load("meeting_room.json")
    page = RoomPage.from_json({"_embedded": {"rooms": [room]}, "_links": {}})
    assert [r.id for r in page.rooms] == ["b3142c46-d1c1-4405-baa6-85683827ed69"]
    assert page.next_query is None


def test_recording_keeps_its_presigned_link_out_of_repr() -> None:
    recording = Recording.from_json(load("get_recording.json"))
    assert recording.status == "uploaded"
    assert recording.url is not None and recording.url.startswith(
        "https://prod-meetings-recordings"
    )
    assert "amazonaws" not in repr(recording)


def test_an_application_without_themes_answers_an_empty_object() -> None:
    assert Theme.list_from_json(load("empty_themes.json")) == []


def test_logo_upload_urls_hide_the_signed_policy() -> None:
    uploads = LogoUploadUrl.list_from_json(load("list_logo_upload_urls.json"))
    assert [u.logo_type for u in uploads] == [LogoType.WHITE, LogoType.COLORED, LogoType.FAVICON]
    assert uploads[0].fields["Policy"] == "some-policy"
    assert "some-policy" not in repr(uploads[0])


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"display_name": "no id"}, "id: required"),
        ({"id": "r", "is_available": "yes"}, "is_available"),
        ({"id": "r", "expires_at": "next tuesday"}, "expires_at"),
        ({"id": "r", "type": "temporary"}, "temporary"),
    ],
)
def test_malformed_rooms_raise_value_error_naming_the_field(
    body: dict[str, object], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        Room.from_json(body)


def test_a_page_skips_a_malformed_room_and_keeps_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    page = load("multiple_fewer_rooms.json")
    assert isinstance(page, dict)
    good = page["_embedded"]
    bad = {**good[0], "id": "odd-room", "is_available": "yes"}
    mangled = {**page, "_embedded": [good[0], bad, "not a room", good[1]]}

    parsed = RoomPage.from_json(mangled)

    assert [r.id for r in parsed.rooms] == [good[0]["id"], good[1]["id"]]
    assert [r.getMessage() for r in caplog.records] == [
        "skipped room odd-room of a room page: is_available",
        "skipped room #2 of a room page: room",
    ]
    assert "participant_token" not in caplog.text


def test_a_page_whose_rooms_are_not_a_list_is_refused() -> None:
    with pytest.raises(ValueError, match=r"_embedded\.rooms"):
        RoomPage.from_json({"_embedded": "rooms"})
