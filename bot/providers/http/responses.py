"""`check_response`: the one pure mapping from an HTTP answer to the `bot.errors` tree.

It reads the API's documented error bodies (`{"status", "name", "message", "errors"}`, the
gateway's `{"title", "detail"}` on 401) and S3's XML `<Error>` from a logo upload. Messages keep
the API's own words (trimmed) and never the request: no Authorization header, no JWT, no body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

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

MAX_MESSAGE = 300
_QUOTED_FIELD = re.compile(r'^"([\w.\[\]]+)"')  # Joi-style messages: '"update_details" must ...'
_CAP_WORDS = re.compile(r"maximum|limit|exceed", re.IGNORECASE)
_XML_TAG = r"<{0}>(.*?)</{0}>"


Describe = Callable[[bytes], tuple[str | None, str | None, tuple[FieldError, ...]]]


def check_response(
    method: str,
    url: str,
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    describe: Describe | None = None,
) -> None:
    """Return if `status` is a success, else raise the matching `ProviderError` subclass.

    `describe` reads (name, message, field errors) from an error body: the Meetings API's by
    default; the Daily client passes its own (`bot.providers.daily.responses`), the mapping is shared.
    """
    if status < 400:
        return
    name, message, field_errors = (describe or _describe)(body)
    text = (message or f"HTTP {status}")[:MAX_MESSAGE]
    error_class = _class_for(status, method, url, text)
    if error_class is ValidationError:
        raise ValidationError(
            text, field_errors=field_errors, method=method, url=url, status=status, name=name
        )
    if error_class is ProviderAuthError:
        text = f"credentials rejected: {text}"
    if error_class is RateLimitedError:
        raise RateLimitedError(
            text,
            retry_after=parse_retry_after(headers),
            method=method,
            url=url,
            status=status,
            name=name,
        )
    if error_class is ServiceUnavailableError:
        raise ServiceUnavailableError(
            text,
            retry_after=parse_retry_after(headers),
            method=method,
            url=url,
            status=status,
            name=name,
        )
    raise error_class(text, method=method, url=url, status=status, name=name)


def _class_for(status: int, method: str, url: str, text: str) -> type[ProviderError]:
    by_status: dict[int, type[ProviderError]] = {
        400: ValidationError,
        401: ProviderAuthError,
        404: NotFoundError,
        409: ConflictError,
        429: RateLimitedError,
        503: ServiceUnavailableError,
    }
    if status in by_status:
        return by_status[status]
    if status == 403 and _is_cap(method, url, text):
        return LimitReachedError
    if status >= 500:
        return ProviderServerError
    # 403 "can only delete recordings in 'uploaded' status" and any undocumented 4xx: the
    # request was understood and refused; nothing the user typed is wrong, so no ValidationError.
    return ProviderError


def _is_cap(method: str, url: str, message: str) -> bool:
    # POST /rooms and POST /themes document exactly one 403: the per-account cap.
    path = urlsplit(url).path.rstrip("/")
    creates = method.upper() == "POST" and path.endswith(("/rooms", "/themes"))
    return creates or bool(_CAP_WORDS.search(message))


def _describe(body: bytes) -> tuple[str | None, str | None, tuple[FieldError, ...]]:
    text = body.decode("utf-8", errors="replace").strip()
    if text.startswith("<"):
        code = _xml(text, "Code")
        detail = _xml(text, "Message")
        return code, f"logo storage refused the upload: {code}: {detail}", ()
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None, None, ()
    if not isinstance(data, dict):
        return None, None, ()
    name = data.get("name") or data.get("title")
    message = data.get("message") or data.get("detail")
    name = name if isinstance(name, str) else None
    message = message if isinstance(message, str) else None
    return name, message, _field_errors(data.get("errors"), message)


def _field_errors(errors: object, message: str | None) -> tuple[FieldError, ...]:
    found: list[FieldError] = []
    for item in errors if isinstance(errors, list) else []:
        if isinstance(item, str):
            match = _QUOTED_FIELD.match(item)
            found.append(FieldError(match.group(1) if match else "", item))
        elif isinstance(item, dict):
            # Logo errors are {"logoKey", "code", "invalidProperty"}; others {"field"|"path", "message"}.
            field = item.get("field") or item.get("path") or item.get("logoKey") or ""
            parts = [item.get("message"), item.get("code"), item.get("invalidProperty")]
            found.append(FieldError(str(field), ": ".join(str(p) for p in parts if p)))
    if not found and message:
        match = _QUOTED_FIELD.match(message)
        if match:
            found.append(FieldError(match.group(1), message))
    return tuple(found)


def _xml(text: str, tag: str) -> str:
    match = re.search(_XML_TAG.format(tag), text, re.DOTALL)
    return match.group(1).strip() if match else "unknown"


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower()
    return next((v for k, v in headers.items() if k.lower() == wanted), None)


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds from `Retry-After`: a number, or an HTTP date measured against `Date`."""
    raw = _header(headers, "Retry-After")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    sent = _header(headers, "Date")
    try:
        # Pure on purpose: the server's own Date header is the "now" an HTTP date is relative to.
        delta = parsedate_to_datetime(raw) - parsedate_to_datetime(sent or "")
    except (TypeError, ValueError):
        return None
    return max(0.0, delta.total_seconds())
