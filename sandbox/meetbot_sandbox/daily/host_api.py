"""Issue 17's REST operations, as Daily documents them: who is in a room
(`GET /rooms/:name/presence`, https://docs.daily.co/reference/rest-api/rooms/get-room-presence)
and putting people out (`POST /rooms/:name/eject`,
https://docs.daily.co/reference/rest-api/rooms/session/eject).

Eject takes `ids` (participant ids) and `user_ids` (the meeting token's `user_id`), at most 100
of each, and `ban` (accepted; this emulator forgets bans); ids not in the meeting are not an
error, and `ejectedIds` says who went. Each ejected participant gets Daily's `participant.left`
webhook, and when the last one is out the meeting ends with `meeting.ended`, as when everyone
leaves a real Daily call. Webhooks are sent before the answer, like the control API's.

This emulator has no timer: a room's `exp` passing refuses new joins (`DailyState.admits`,
the control API's join and knock) but ejects nobody by itself, even with `eject_at_room_exp`;
ejecting is explicit, through this endpoint.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from meetbot_sandbox.daily.api import json_body
from meetbot_sandbox.daily.control_api import Event, _leave, fire
from meetbot_sandbox.daily.keys import HTTP_KEY, STATE_KEY
from meetbot_sandbox.daily.state import DailyState, SessionState
from meetbot_sandbox.daily.views import invalid, iso, not_found

EJECT_MAX = 100  # "List of participant ids (max 100)", and as many user_ids


def _room_name(request: web.Request) -> str:
    name = request.match_info["name"]
    if name not in request.app[STATE_KEY].rooms:
        raise not_found(f"room {name} was not found")
    return name


def presence_json(state: DailyState, session: SessionState, pid: str) -> dict[str, Any]:
    """One participant, with the keys of the documented example."""
    who = session.participants[pid]
    return {
        "room": session.room,
        "id": pid,
        "userId": who["user_id"],
        "userName": who["name"],
        "mtgSessionId": session.id,
        "joinTime": iso(datetime.fromtimestamp(who["joined_at"], UTC)),
        "duration": int(state.now().timestamp() - who["joined_at"]),
    }


async def presence(request: web.Request) -> web.Response:
    """The room's live meeting's participants (none when no meeting is going on)."""
    state = request.app[STATE_KEY]
    session = state.live_session(_room_name(request))
    people = [] if session is None else list(session.participants)
    try:
        limit = int(request.query.get("limit", len(people)))
    except ValueError:
        raise invalid("limit must be a number") from None
    data = [] if session is None else [presence_json(state, session, p) for p in people[:limit]]
    return web.json_response({"total_count": len(people), "data": data})


def _ids(body: dict[str, Any], key: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise invalid(f"{key} must be a list of strings")
    if len(value) > EJECT_MAX:
        raise invalid(f"{key} takes at most {EJECT_MAX} entries")
    return list(value)


def eject_all(state: DailyState, session: SessionState, pids: list[str]) -> list[Event]:
    """participant.left for each one put out, then meeting.ended if nobody is left."""
    events = [_leave(state, session, pid) for pid in pids]
    if pids and not session.participants:
        session.ended_at = state.now()
        start, end = int(session.started_at.timestamp()), int(state.now().timestamp())
        payload = {"start_ts": start, "end_ts": end, "meeting_id": session.id, "room": session.room}
        events.append(("meeting.ended", f"met-end-{session.id}-{end}", payload))
    return events


async def eject(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    name = _room_name(request)
    body = await json_body(request)
    ids, user_ids = set(_ids(body, "ids")), set(_ids(body, "user_ids"))
    if not isinstance(body.get("ban", False), bool):
        raise invalid("ban must be a boolean")
    session = state.live_session(name)
    people = {} if session is None else session.participants
    chosen = [pid for pid, who in people.items() if pid in ids or who["user_id"] in user_ids]
    if session is not None and chosen:
        await fire(request.app[HTTP_KEY], state, eject_all(state, session, chosen))
    return web.json_response({"ejectedIds": chosen})


def add_host_routes(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_get(f"{prefix}/rooms/{{name}}/presence", presence)
    router.add_post(f"{prefix}/rooms/{{name}}/eject", eject)
