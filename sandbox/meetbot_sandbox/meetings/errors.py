"""The emulator's error bodies, shaped like the recorded Meetings API ones.

API errors are `{"message", "name", "status"[, "errors"]}` (tests/fixtures/vonage-recorded/
*_not_found.json, delete_theme_in_use.json, update_no_keys.json); a rejected token gets the
gateway's `{"title", "detail"}` (unauthorized.json). Handlers raise `ApiError`; one middleware
in app.py turns it into a response.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

ERROR_NAMES: Mapping[int, str] = {
    400: "BadRequestError",
    401: "UnauthorizedError",
    403: "ForbiddenError",
    404: "NotFoundError",
    405: "MethodNotAllowedError",
    409: "ConflictError",
    429: "TooManyRequestsError",
    500: "InternalServerError",
    502: "BadGatewayError",
    503: "ServiceUnavailableError",
    504: "GatewayTimeoutError",
}

UNAUTHORIZED_BODY: Mapping[str, str] = {
    "title": "Unauthorized",
    "detail": "You did not provide correct credentials",
}


class ApiError(Exception):
    """An answer the real API gives as an error body; raised anywhere below a handler."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        name: str | None = None,
        errors: list[Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.name = name or ERROR_NAMES.get(status, "Error")
        self.errors = errors
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "name": self.name}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = self.status
        return body

    def response(self) -> web.Response:
        return web.json_response(self.body(), status=self.status, headers=self.headers)


def invalid(message: str) -> ApiError:
    """A request the API's schema validation (Joi) refused: 400 InputValidationError."""
    return ApiError(400, message, name="InputValidationError")


def bad_request(message: str, errors: list[Any] | None = None) -> ApiError:
    return ApiError(400, message, errors=errors)


def not_found(message: str) -> ApiError:
    return ApiError(404, message)


def forbidden(message: str) -> ApiError:
    return ApiError(403, message)


def conflict(message: str) -> ApiError:
    return ApiError(409, message)


def unauthorized_response() -> web.Response:
    return web.json_response(dict(UNAUTHORIZED_BODY), status=401)
