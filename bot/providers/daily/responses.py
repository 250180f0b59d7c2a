"""Daily's error bodies, read for the shared status mapping in `bot.providers.http.responses`.

Daily answers errors as `{"error": "<kind>", "info": "<what went wrong>"}`, e.g.
`{"error": "invalid-request-error", "info": "a room named x already exists"}` or
`{"error": "not-found", "info": "room x was not found"}`
(https://docs.daily.co/reference/rest-api, "Errors": `error` is a stable type
such as authentication-error or rate-limit-error, `info` free text). Statuses map exactly as for Meetings:
400 validation, 401 credentials, 404 not found, 429 with `Retry-After`, 5xx server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from bot.errors import FieldError
from bot.providers.http.responses import check_response


def describe(body: bytes) -> tuple[str | None, str | None, tuple[FieldError, ...]]:
    """(error kind, info, no field errors) from a Daily error body; Nones if unreadable."""
    try:
        data = json.loads(body) if body.strip() else None
    except ValueError:
        return None, None, ()
    if not isinstance(data, dict):
        return None, None, ()
    kind, info = data.get("error"), data.get("info")
    return (
        kind if isinstance(kind, str) else None,
        info if isinstance(info, str) else None,
        (),
    )


def check_daily(
    method: str, url: str, status: int, headers: Mapping[str, str], body: bytes
) -> None:
    """`check_response` reading Daily's error bodies; raises the `bot.errors` tree."""
    check_response(method, url, status, headers, body, describe=describe)
