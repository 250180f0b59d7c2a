"""check_response: every recorded error body maps to the right `bot.errors` class and words."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import (
    ConflictError,
    FieldError,
    LimitReachedError,
    NotFoundError,
    ProviderAuthError,
    ProviderError,
    ProviderServerError,
    RateLimitedError,
    ServiceUnavailableError,
    ValidationError,
)
from bot.providers.http.responses import check_response, parse_retry_after

RECORDED = Path(__file__).parent / "fixtures" / "vonage-recorded"
API = "https://api-eu.vonage.com/v1/meetings"


def recorded(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


@pytest.mark.parametrize(
    ("method", "path", "status", "fixture", "error", "message"),
    [
        (
            "DELETE",
            "/recordings/r",
            404,
            "delete_recording_not_found.json",
            NotFoundError,
            "Could not find recording",
        ),
        (
            "GET",
            "/recordings/r",
            404,
            "get_recording_not_found.json",
            NotFoundError,
            "was not found",
        ),
        (
            "GET",
            "/sessions/s/recordings",
            404,
            "get_session_recordings_not_found.json",
            NotFoundError,
            "session recordings",
        ),
        (
            "GET",
            "/themes/t/rooms",
            404,
            "list_rooms_theme_id_not_found.json",
            NotFoundError,
            "theme id",
        ),
        ("GET", "/themes/t", 404, "theme_not_found.json", NotFoundError, "could not find theme"),
        (
            "POST",
            "/themes",
            409,
            "theme_name_in_use.json",
            ConflictError,
            "theme_name already exists",
        ),
        (
            "PATCH",
            "/themes/t",
            409,
            "update_theme_already_exists.json",
            ConflictError,
            "already exists",
        ),
        (
            "GET",
            "/rooms",
            401,
            "unauthorized.json",
            ProviderAuthError,
            "You did not provide correct credentials",
        ),
        (
            "PATCH",
            "/applications",
            400,
            "update_application_theme_id_not_found.json",
            ValidationError,
            "not-a-real-theme-id",
        ),
        (
            "PATCH",
            "/rooms/r",
            400,
            "update_room_type_error.json",
            ValidationError,
            "because of its type",
        ),
    ],
)
def test_recorded_error_bodies_map_to_the_error_tree(
    method: str, path: str, status: int, fixture: str, error: type[ProviderError], message: str
) -> None:
    with pytest.raises(error) as caught:
        check_response(method, API + path, status, {}, recorded(fixture))

    assert type(caught.value) is error
    assert message in caught.value.message
    assert (caught.value.method, caught.value.url, caught.value.status) == (
        method,
        API + path,
        status,
    )


def test_success_statuses_pass() -> None:
    for status in (200, 201, 204):
        check_response("GET", API, status, {}, b"")


def test_update_without_keys_names_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        check_response("PATCH", API + "/rooms/r", 400, {}, recorded("update_no_keys.json"))
    assert caught.value.name == "InputValidationError"
    assert caught.value.field_errors == (
        FieldError("update_details", '"update_details" must have at least 1 key'),
    )


def test_theme_in_use_lists_why() -> None:
    with pytest.raises(ValidationError) as caught:
        check_response("DELETE", API + "/themes/t", 400, {}, recorded("delete_theme_in_use.json"))
    assert caught.value.message == "could not delete theme"
    assert [e.message for e in caught.value.field_errors] == [
        "Theme 90a21428-b74a-4221-adc3-783935d654db is used by 1 room"
    ]


def test_logo_key_errors_name_the_key_and_code() -> None:
    with pytest.raises(ValidationError) as caught:
        check_response(
            "PUT", API + "/themes/t/finalizeLogos", 400, {}, recorded("logo_key_error.json")
        )
    assert caught.value.field_errors == (FieldError("not-a-key", "key_not_found"),)


def test_s3_xml_error_is_a_clear_provider_error_without_the_access_key() -> None:
    url = "https://s3.amazonaws.com/roomservice-whitelabel-logos-prod"
    with pytest.raises(ProviderError) as caught:
        check_response("POST", url, 403, {}, recorded("upload_to_aws_error.xml"))

    assert type(caught.value) is ProviderError
    assert caught.value.name == "SignatureDoesNotMatch"
    assert "logo storage refused the upload: SignatureDoesNotMatch" in str(caught.value)
    assert "ASIA5NAYMMB6M7A2QEAR" not in str(caught.value)


@pytest.mark.parametrize(
    ("method", "path", "message", "error"),
    [
        ("POST", "/rooms", "Forbidden", LimitReachedError),
        ("POST", "/themes", "Forbidden", LimitReachedError),
        ("GET", "/rooms", "Maximum number of rooms for owner exceeded", LimitReachedError),
        (
            "DELETE",
            "/recordings/r",
            "Can only delete recordings in 'uploaded' status",
            ProviderError,
        ),
    ],
)
def test_403_is_the_cap_only_where_the_spec_says_so(
    method: str, path: str, message: str, error: type[ProviderError]
) -> None:
    body = f'{{"message": "{message}", "name": "ForbiddenError", "status": 403}}'.encode()
    with pytest.raises(ProviderError) as caught:
        check_response(method, API + path, 403, {}, body)
    assert type(caught.value) is error


def test_429_carries_retry_after() -> None:
    with pytest.raises(RateLimitedError) as caught:
        check_response("GET", API + "/rooms", 429, {"retry-after": "7"}, b"")
    assert caught.value.retry_after == 7.0
    assert caught.value.message == "HTTP 429"


@pytest.mark.parametrize(
    ("status", "error"),
    [(500, ProviderServerError), (502, ProviderServerError), (503, ServiceUnavailableError)],
)
def test_5xx_are_server_errors(status: int, error: type[ProviderError]) -> None:
    with pytest.raises(ProviderServerError) as caught:
        check_response("POST", API + "/rooms", status, {"Retry-After": "2"}, b"<html>oops</html>")
    assert type(caught.value) is error
    assert caught.value.status == status


def test_503_carries_retry_after() -> None:
    with pytest.raises(ServiceUnavailableError) as caught:
        check_response("GET", API + "/rooms", 503, {"Retry-After": "3"}, b"{}")
    assert caught.value.retry_after == 3.0


def test_undocumented_4xx_and_non_json_bodies_still_raise() -> None:
    with pytest.raises(ProviderError) as caught:
        check_response("GET", API + "/rooms", 418, {}, b"\xff\xfe not json")
    assert type(caught.value) is ProviderError
    assert caught.value.message == "HTTP 418"


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({}, None),
        ({"Retry-After": "1.5"}, 1.5),
        ({"Retry-After": "-3"}, 0.0),
        (
            {
                "Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT",
                "Date": "Wed, 21 Oct 2026 07:28:00 GMT",
            },
            30.0,
        ),
        ({"Retry-After": "Wed, 21 Oct 2026 07:28:30 GMT"}, None),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_retry_after_is_seconds_or_an_http_date_against_the_date_header(
    headers: dict[str, str], seconds: float | None
) -> None:
    assert parse_retry_after(headers) == seconds
