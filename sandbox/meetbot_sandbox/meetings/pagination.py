"""HAL pagination of room lists (GET /rooms, GET /themes/{id}/rooms).

Rooms are ordered by an internal increasing number. `start_id` keeps rooms numbered >= it,
`end_id` those < it (the spec: "excluding end_id itself"); with only `end_id` the page is the
one just before it. Links are scheme-less, exactly as the real API sent them
("api-eu.vonage.com/meetings/rooms?page_size=20&start_id=2006655", multiple_rooms.json);
`prev`/`next` are left out when there is nothing before/after the page.

The rooms of a page are a bare list under `_embedded`, as the real API sent them
(multiple_rooms.json, multiple_fewer_rooms.json, list_rooms_with_theme_id.json) and as the Node
SDK reads them (Vonage/vonage-node-sdk packages/meetings/lib/meetings.ts: `resp._embedded ||
[]`). The spec nests them (`{"_embedded": {"rooms": [...]}}`); tests/plugins/emulator.py
corrects the spec with that evidence (RESPONSE_ERRATA).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from meetbot_sandbox.meetings.errors import invalid
from meetbot_sandbox.meetings.state import Room

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def _int_param(query: Mapping[str, str], name: str, minimum: int) -> int | None:
    raw = query.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < minimum:
        raise invalid(f'"{name}" must be an integer greater than or equal to {minimum}')
    return int(raw)


def paginate(
    rooms: list[Room],
    query: Mapping[str, str],
    link_base: str,
    render: Callable[[Room], dict[str, Any]],
) -> dict[str, Any]:
    """One page of `rooms` (already in order) as the API's body; `link_base` is host + path."""
    page_size = _int_param(query, "page_size", 1) or DEFAULT_PAGE_SIZE
    if page_size > MAX_PAGE_SIZE:
        raise invalid(f'"page_size" must be less than or equal to {MAX_PAGE_SIZE}')
    start_id = _int_param(query, "start_id", 0)
    end_id = _int_param(query, "end_id", 0)
    window = [
        room
        for room in rooms
        if (start_id is None or room.seq >= start_id) and (end_id is None or room.seq < end_id)
    ]
    page = window[-page_size:] if end_id is not None and start_id is None else window[:page_size]

    def href(**ids: int) -> dict[str, str]:
        extra = "".join(f"&{name}={value}" for name, value in ids.items())
        return {"href": f"{link_base}?page_size={page_size}{extra}"}

    links: dict[str, Any] = {"first": href()}
    if page:
        links["self"] = href(start_id=page[0].seq)
        if rooms and rooms[0].seq < page[0].seq:
            links["prev"] = href(end_id=page[0].seq)
        if rooms and rooms[-1].seq > page[-1].seq:
            links["next"] = href(start_id=page[-1].seq + 1)
    elif start_id is not None:
        links["self"] = href(start_id=start_id)
    elif end_id is not None:
        links["self"] = href(end_id=end_id)
    else:
        links["self"] = href()
    return {
        "page_size": page_size,
        "_embedded": [render(room) for room in page],
        "_links": links,
        "total_items": len(rooms),
    }
