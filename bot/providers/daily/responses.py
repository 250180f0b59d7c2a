"""Daily's error answers, mapped by their documented `error` type to the `bot.errors` tree.

Daily answers errors as `{"error": "<type>", "info": "<what went wrong>"}`; the type is stable,
`info` is free text that may change (https://docs.daily.co/docs/rest-api/errors):

    authentication-error        401  the API key is not valid              ProviderAuthError
    authorization-header-error  400  Authorization header missing/garbled  ProviderAuthError
    forbidden-error             403  the key may not access the resource   ProviderForbiddenError
    json-parsing-error          400  the body is not JSON                  ValidationError
    invalid-request-error       400  could not be performed (see info)     ValidationError
    rate-limit-error            429  too many requests                     RateLimitedError
    server-error                5xx  something went wrong at Daily         ProviderServerError
    (404, documented by status only; answered as "not-found")              NotFoundError

A 5xx is a server error whatever its body says (a 503 is "refused unprocessed" and may be
repeated, `bot.providers.http.retry`); otherwise the type decides, and the status only when the
type is missing, new, or a `server-error` on a 4xx. Unlike the Meetings API, whose one documented 403 is its room cap, a
Daily 403 never means a limit was reached. Messages are for operators: the type, Daily's own
words and what to do; `bot.errors.user_message` says it to users in theirs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from bot.errors import (
    NotFoundError,
    ProviderAuthError,
    ProviderError,
    ProviderForbiddenError,
    ProviderServerError,
    RateLimitedError,
    ServiceUnavailableError,
    ValidationError,
)
from bot.providers.http.responses import MAX_MESSAGE, parse_retry_after

log = logging.getLogger(__name__)

BY_TYPE: Mapping[str, type[ProviderError]] = {
    "authentication-error": ProviderAuthError,
    "authorization-header-error": ProviderAuthError,
    "forbidden-error": ProviderForbiddenError,
    "json-parsing-error": ValidationError,
    "invalid-request-error": ValidationError,
    "not-found": NotFoundError,
    "rate-limit-error": RateLimitedError,
    "server-error": ProviderServerError,
}
_BY_STATUS: Mapping[int, type[ProviderError]] = {
    400: ValidationError,
    401: ProviderAuthError,
    403: ProviderForbiddenError,
    404: NotFoundError,
    429: RateLimitedError,
}
# What an operator should do about the errors that no retry fixes.
HINTS: Mapping[type[ProviderError], str] = {
    ProviderAuthError: "DAILY_API_KEY is not a valid key of the Daily domain: copy it again from "
    "the Daily dashboard (Developers)",
    ProviderForbiddenError: "the API key is valid but may not use this resource: check the Daily "
    "account's plan and features",
    ValidationError: "Daily refused the request as sent",
}


def describe(body: bytes) -> tuple[str | None, str | None]:
    """(error type, info) from a Daily error body; Nones where unreadable."""
    try:
        data = json.loads(body) if body.strip() else None
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    kind, info = data.get("error"), data.get("info")
    return (kind if isinstance(kind, str) else None, info if isinstance(info, str) else None)


def error_class(status: int, kind: str | None) -> type[ProviderError]:
    """The class for a Daily error answer (pure)."""
    if status == 503:
        return ServiceUnavailableError
    if status >= 500:
        return ProviderServerError
    if kind is not None and kind in BY_TYPE and kind != "server-error":
        return BY_TYPE[kind]
    return _BY_STATUS.get(status, ProviderError)


def daily_error(
    method: str, url: str, status: int, headers: Mapping[str, str], body: bytes
) -> ProviderError | None:
    """The error a Daily answer stands for, or None for a success. Pure."""
    if status < 400:
        return None
    kind, info = describe(body)
    cls = error_class(status, kind)
    text = f"{kind or f'HTTP {status}'}: {info or 'no details'}"[:MAX_MESSAGE]
    if cls in HINTS:
        text = f"{text} ({HINTS[cls]})"
    where = {"method": method, "url": url, "status": status, "name": kind}
    if cls is RateLimitedError:
        return RateLimitedError(text, retry_after=parse_retry_after(headers), **where)
    if cls is ServiceUnavailableError:
        return ServiceUnavailableError(text, retry_after=parse_retry_after(headers), **where)
    return cls(text, method=method, url=url, status=status, name=kind)


def check_daily(
    method: str, url: str, status: int, headers: Mapping[str, str], body: bytes
) -> None:
    """The transport's `check` for Daily: raise the mapped error; an operator-level WARNING
    for the refusals no retry can fix (the key, the plan, the request itself)."""
    error = daily_error(method, url, status, headers, body)
    if error is None:
        return
    if type(error) in HINTS and not _expected(error):
        log.warning("Daily refused %s %s: %s", method, _path(url), error.message)
    raise error


def _expected(error: ProviderError) -> bool:
    # Our own create repeated after an ambiguous failure meets "already exists" and adopts the
    # room (DailyProvider.create_room): not an operator's concern.
    return isinstance(error, ValidationError) and "already exists" in error.message


def _path(url: str) -> str:
    # Paths carry room names and recording ids, never secrets; the query is dropped anyway.
    return url.split("?", 1)[0]
