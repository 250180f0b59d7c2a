"""Issue 17's control API: knocking on a room with `enable_knocking` (Daily's lobby), under
/_control, firing Daily's webhooks as the control API does (`control_api.fire`).

    POST   rooms/{name}/knock                 {"name"} -> waiting-participant.joined;
                                                 answers {"participant_id"}
    GET    rooms/{name}/waiting               who is knocking: {"waiting": [{id, name}]}
    POST   rooms/{name}/waiting/{pid}/admit   an owner in the meeting lets them in ->
                                                 participant.joined (the same participant id)
    POST   rooms/{name}/waiting/{pid}/deny    an owner refuses -> waiting-participant.left
    DELETE rooms/{name}/waiting/{pid}         the guest stops knocking -> waiting-participant.left

As Daily documents (https://docs.daily.co/reference/rest-api/webhooks/events/
waiting-participant-joined, .../waiting-participant-left): a knock sends
`waiting-participant.joined`; someone let in gets `participant.joined` and no
`waiting-participant.left`; someone who stops knocking before being let in gets
`waiting-participant.left`. Only a private room with knocking on takes knocks, and none once
its `exp` has passed ("users cannot join a room after this time"). Payloads have the keys of
Daily's `waiting-participant.left` example (tests/fixtures/daily/webhooks/, README there): no
`user_id` (a knocker has no meeting token) and no `duration`; event ids `1-w-ptcpt-join-<id>`
(our guess, by analogy) and `1-w-ptcpt-left-<id>` (the example's form).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from meetbot_sandbox.daily.api import json_body
from meetbot_sandbox.daily.control_api import Event, _answer, _ms, _person_payload
from meetbot_sandbox.daily.keys import CONTROL_PREFIX, STATE_KEY
from meetbot_sandbox.daily.state import DailyState, KnockerState, SessionState, new_id
from meetbot_sandbox.daily.views import invalid, not_found


def refused_join(state: DailyState, room_name: str) -> str | None:
    """Why nobody can join the room now, or None."""
    if room_name not in state.rooms:
        return f"room {room_name} was not found"
    if state.expired(room_name):
        return f"room {room_name} has expired: nobody can join it after its exp"
    return None


def _waiting_payload(knocker: KnockerState) -> dict[str, Any]:
    return {
        "room": knocker.room,
        "user_name": knocker.name,
        "session_id": knocker.id,
        "joined_at": knocker.joined_at,
        "will_eject_at": None,
        "owner": False,
        "permissions": {
            "hasPresence": True,
            "canSend": True,
            "canReceive": {"base": True},
            "canAdmin": False,
        },
    }


def _knocker(state: DailyState, request: web.Request) -> KnockerState:
    knocker = state.waiting.get(request.match_info["participant_id"])
    if knocker is None or knocker.room != request.match_info["name"]:
        raise not_found("nobody with that id is knocking on this room")
    return knocker


def _stopped(state: DailyState, knocker: KnockerState) -> Event:
    del state.waiting[knocker.id]
    payload = _waiting_payload(knocker)
    return "waiting-participant.left", f"1-w-ptcpt-left-{knocker.id}", payload


async def knock(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    name = request.match_info["name"]
    if (reason := refused_join(state, name)) is not None:
        raise invalid(reason) if name in state.rooms else not_found(reason)
    room = state.rooms[name]
    if room.privacy != "private" or not room.enable_knocking:
        raise invalid(f"room {name} does not take knocks: it needs privacy private and knocking")
    who = (await json_body(request)).get("name", "Guest")
    if not isinstance(who, str) or not who:
        raise invalid('"name" must be a non-empty string')
    knocker = KnockerState(new_id(), name, who, round(state.now().timestamp(), 3))
    state.waiting[knocker.id] = knocker
    event = (
        "waiting-participant.joined",
        f"1-w-ptcpt-join-{knocker.id}",
        _waiting_payload(knocker),
    )
    return await _answer(request, [event], {"participant_id": knocker.id})


async def list_waiting(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    name = request.match_info["name"]
    if name not in state.rooms:
        raise not_found(f"room {name} was not found")
    people = [{"id": k.id, "name": k.name} for k in state.waiting.values() if k.room == name]
    return web.json_response({"waiting": people})


def _owner_in(session: SessionState | None) -> bool:
    return session is not None and any(who["owner"] for who in session.participants.values())


async def admit(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    knocker = _knocker(state, request)
    if (reason := refused_join(state, knocker.room)) is not None:
        raise invalid(reason)
    session = state.live_session(knocker.room)
    if session is None or not _owner_in(session):
        raise invalid("only an owner in the meeting can let someone in, and none is there")
    del state.waiting[knocker.id]
    session.participants[knocker.id] = {
        "name": knocker.name,
        "owner": False,
        "joined_at": int(state.now().timestamp()),
        "user_id": new_id(),
    }
    payload = _person_payload(state, session, knocker.id)
    user_id = session.participants[knocker.id]["user_id"]
    event = ("participant.joined", f"ptcpt-join-{user_id}-{_ms(state)}", payload)
    return await _answer(request, [event], {"participant_id": knocker.id, "session_id": session.id})


async def deny(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    knocker = _knocker(state, request)
    if not _owner_in(state.live_session(knocker.room)):
        raise invalid("only an owner in the meeting can turn someone away, and none is there")
    return await _answer(request, [_stopped(state, knocker)], {"participant_id": knocker.id})


async def give_up(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    knocker = _knocker(state, request)
    return await _answer(request, [_stopped(state, knocker)], {"participant_id": knocker.id})


def add_lobby_routes(router: web.UrlDispatcher) -> None:
    p = CONTROL_PREFIX
    router.add_post(f"{p}/rooms/{{name}}/knock", knock)
    router.add_get(f"{p}/rooms/{{name}}/waiting", list_waiting)
    router.add_post(f"{p}/rooms/{{name}}/waiting/{{participant_id}}/admit", admit)
    router.add_post(f"{p}/rooms/{{name}}/waiting/{{participant_id}}/deny", deny)
    router.add_delete(f"{p}/rooms/{{name}}/waiting/{{participant_id}}", give_up)
