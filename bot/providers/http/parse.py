"""Reading untyped JSON into typed values: the one place that checks the API's shapes.

The real API sends `null` for almost every optional field, so every reader here treats a missing
key and a `null` alike. A wrong type raises `ValueError` naming the field; the HTTP layer turns
that into a `ProviderError` for a response, and `bot.providers.meetings.events` lets it through for a callback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import cast

JsonObject = Mapping[str, object]


def as_object(value: object, what: str) -> JsonObject:
    if not isinstance(value, Mapping):
        raise ValueError(f"{what}: expected an object, got {type(value).__name__}")
    return cast(JsonObject, value)


def as_objects(value: object, what: str) -> list[JsonObject]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError(f"{what}: expected a list, got {type(value).__name__}")
    return [as_object(item, f"{what}[{i}]") for i, item in enumerate(value)]


def opt_object(data: JsonObject, key: str) -> JsonObject | None:
    value = data.get(key)
    return None if value is None else as_object(value, key)


def req_str(data: JsonObject, key: str) -> str:
    value = opt_str(data, key)
    if not value:
        raise ValueError(f"{key}: required")
    return value


def opt_str(data: JsonObject, key: str) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # meeting codes and numbers sometimes arrive as JSON numbers
    raise ValueError(f"{key}: expected a string, got {type(value).__name__}")


def opt_bool(data: JsonObject, key: str, default: bool = False) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ValueError(f"{key}: expected true or false, got {type(value).__name__}")
    return value


def opt_int(data: JsonObject, key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key}: expected an integer, got {type(value).__name__}")
    return value


def opt_float(data: JsonObject, key: str) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key}: expected a number, got {type(value).__name__}")
    return float(value)


def opt_datetime(data: JsonObject, key: str) -> datetime | None:
    raw = opt_str(data, key)
    return None if raw is None else parse_datetime(raw, key)


def parse_datetime(raw: str, what: str) -> datetime:
    """ISO 8601 with or without time or zone ('2023-01-30T00:47:04.000Z', '2023-01-30'); naive is UTC."""
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(raw), datetime.min.time())
        except ValueError:
            raise ValueError(f"{what}: expected an ISO 8601 date-time, got {raw!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def format_datetime(value: datetime) -> str:
    """The API's own format: UTC with milliseconds and a 'Z' ('2023-01-30T00:47:04.000Z')."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def link(data: JsonObject, name: str) -> str | None:
    """`data["_links"][name]["href"]` (HAL), or None when any level is missing or null."""
    links = opt_object(data, "_links")
    target = None if links is None else opt_object(links, name)
    return None if target is None else opt_str(target, "href")


def without_nulls(data: Mapping[str, object | None]) -> dict[str, object]:
    return {key: value for key, value in data.items() if value is not None}
