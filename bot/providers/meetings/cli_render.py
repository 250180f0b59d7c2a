"""How the admin CLI prints results: aligned tables for people, `--json` for scripts.

Lists never show secrets (host URLs, pre-signed links, upload policies); a single-object view
(`rooms show`, `rooms create`) shows them when `reveal` is set, because an admin asked to be
able to join a room as host from the terminal. Nothing here logs.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import TextIO

from bot.providers.meetings.models import Application, DialInNumber, Recording, Room, Theme

SECRET_FIELDS = frozenset({"host_url", "url", "fields"})

LIST_COLUMNS: Mapping[type, tuple[str, ...]] = {
    Room: ("id", "display_name", "type", "expires_at", "is_available", "meeting_code", "metadata"),
    Recording: ("id", "session_id", "status", "started_at", "ended_at"),
    Theme: ("theme_id", "theme_name", "main_color", "brand_text", "short_company_url"),
    DialInNumber: ("number", "locale", "display_name"),
    Application: ("application_id", "account_id", "default_theme_id"),
}


def plain(value: object, *, reveal: bool) -> object:
    """A JSON-ready copy of `value`; dataclass fields in SECRET_FIELDS only when `reveal`."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name), reveal=reveal)
            for f in dataclasses.fields(value)
            if reveal or f.name not in SECRET_FIELDS
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item, reveal=reveal) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v, reveal=reveal) for k, v in value.items()}
    return value


def cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def table(rows: Sequence[Sequence[str]], headers: Sequence[str]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    )


def flatten(value: object, prefix: str = "") -> Iterable[tuple[str, object]]:
    """Key/value pairs of a dataclass, nested ones as 'recording_options.auto_record'."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from flatten(getattr(value, f.name), f"{prefix}{f.name}.")
    else:
        yield prefix.rstrip("."), value


def render(result: object, out: TextIO, *, as_json: bool, reveal: bool = False) -> None:
    """Print one result: a model, a list of models, or a one-line message (str)."""
    if isinstance(result, str):
        print(json.dumps({"message": result}) if as_json else result, file=out)
        return
    if as_json:
        print(json.dumps(plain(result, reveal=reveal), indent=2), file=out)
        return
    if isinstance(result, list | tuple):
        render_list(list(result), out)
        return
    pairs = [(k, v) for k, v in flatten(result) if reveal or k not in SECRET_FIELDS]
    print(table([(k, cell(v)) for k, v in pairs], ("field", "value")), file=out)


def render_list(items: list[object], out: TextIO) -> None:
    if not items:
        print("(none)", file=out)
        return
    columns = LIST_COLUMNS[type(items[0])]
    rows = [[cell(getattr(item, c)) for c in columns] for item in items]
    print(table(rows, columns), file=out)
    print(f"({len(items)} total)", file=out)
