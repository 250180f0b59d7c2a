"""Building request paths and page parameters safely (shared by rooms and themes)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from bot.errors import invalid
from bot.i18n import N_


def segment(name: str, value: str) -> str:
    """An id made safe to put in a path: required, and quoted so '../' cannot change the route."""
    if not value or not value.strip():
        raise invalid(name, N_("required"))
    return quote(value, safe="")


def page_params(
    page_size: int | None, start_id: str | None, end_id: str | None
) -> dict[str, str] | None:
    if page_size is not None and page_size < 1:
        raise invalid("page_size", N_("must be at least 1"))
    params = {"page_size": page_size, "start_id": start_id, "end_id": end_id}
    return {key: str(value) for key, value in params.items() if value is not None} or None


def marker(params: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """A hashable form of page parameters, to notice a `next` link we already followed."""
    return tuple(sorted((params or {}).items()))
