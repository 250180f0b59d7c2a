"""The control API under /_control: rooms behave as if people used them. No JWT; not in the spec.

    POST   rooms/{room_id}/sessions                  -> session:started [, recording:started]
    POST   rooms/{room_id}/expire                    -> room:expired
    POST   expire-due                                -> room:expired for rooms whose time ran out
    POST   sessions/{session_id}/participants        {"name", "is_host"} -> participant:joined
    DELETE sessions/{session_id}/participants/{pid}  -> session:participant:left
    POST   sessions/{session_id}/end                 -> [recording:ended,] session:ended
                                                        [, room:expired]
    POST   sessions/{session_id}/recordings          -> recording:started
    POST   recordings/{recording_id}/stop            -> recording:ended
    POST   recordings/{recording_id}/upload          -> recording:uploaded
    GET|POST|DELETE faults                           (see faults.py)
    GET|DELETE      callbacks                        deliveries made so far

Every state-changing route takes `?callback=true|false|twice` and answers, after delivery has
finished, with what it created plus `callbacks`: the deliveries it made.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from meetbot_sandbox.meetings import lifecycle
from meetbot_sandbox.meetings.callbacks import copies_from, deliver
from meetbot_sandbox.meetings.errors import invalid
from meetbot_sandbox.meetings.faults import parse_fault
from meetbot_sandbox.meetings.keys import CONTROL_PREFIX, HTTP_KEY, STATE_KEY
from meetbot_sandbox.meetings.rooms import find_room
from meetbot_sandbox.meetings.storage import origin, recording_download_url
from meetbot_sandbox.meetings.validation import json_object
from meetbot_sandbox.meetings.views import iso


async def _answer(
    request: web.Request, events: list[lifecycle.Event], body: dict[str, Any], status: int = 200
) -> web.Response:
    copies = copies_from(request.query)
    made = await deliver(request.app[HTTP_KEY], request.app[STATE_KEY], events, copies)
    body["callbacks"] = [delivery.to_json() for delivery in made]
    return web.json_response(body, status=status)


async def start_session(request: web.Request) -> web.Response:
    copies_from(request.query)  # refuse a bad ?callback= before changing anything
    state = request.app[STATE_KEY]
    session, events = lifecycle.start_session(
        state, find_room(state, request.match_info["room_id"])
    )
    recordings = [e.payload["recording_id"] for e in events if e.name == "recording:started"]
    body = {
        "session_id": session.id,
        "room_id": session.room_id,
        "started_at": iso(session.started_at),
        "recording_ids": recordings,
    }
    return await _answer(request, events, body, status=201)


async def join(request: web.Request) -> web.Response:
    copies_from(request.query)
    body = await json_object(request) if request.can_read_body else {}
    name, is_host = body.get("name", "Guest"), body.get("is_host", False)
    if not isinstance(name, str) or not isinstance(is_host, bool):
        raise invalid('"name" must be a string and "is_host" a boolean')
    state = request.app[STATE_KEY]
    who, events = lifecycle.join(state, request.match_info["session_id"], name, is_host)
    answer = {
        "participant_id": who.id,
        "session_id": request.match_info["session_id"],
        "name": who.name,
        "is_host": who.is_host,
    }
    return await _answer(request, events, answer, status=201)


async def leave(request: web.Request) -> web.Response:
    copies_from(request.query)
    session_id, participant_id = (
        request.match_info["session_id"],
        request.match_info["participant_id"],
    )
    who, events = lifecycle.leave(request.app[STATE_KEY], session_id, participant_id)
    return await _answer(request, events, {"participant_id": who.id, "session_id": session_id})


async def end_session(request: web.Request) -> web.Response:
    copies_from(request.query)
    state = request.app[STATE_KEY]
    session, events = lifecycle.end_session(state, request.match_info["session_id"])
    assert session.ended_at is not None
    room = state.rooms[session.room_id]
    body = {
        "session_id": session.id,
        "room_id": room.id,
        "started_at": iso(session.started_at),
        "ended_at": iso(session.ended_at),
        "room_available": room.is_available(state.now()),
    }
    return await _answer(request, events, body)


async def start_recording(request: web.Request) -> web.Response:
    copies_from(request.query)
    recording, events = lifecycle.start_recording(
        request.app[STATE_KEY], request.match_info["session_id"]
    )
    body = {
        "recording_id": recording.id,
        "session_id": recording.session_id,
        "status": recording.status,
    }
    return await _answer(request, events, body, status=201)


async def stop_recording(request: web.Request) -> web.Response:
    copies_from(request.query)
    recording, events = lifecycle.stop_recording(
        request.app[STATE_KEY], request.match_info["recording_id"]
    )
    body = {
        "recording_id": recording.id,
        "status": recording.status,
        "duration": recording.duration,
    }
    return await _answer(request, events, body)


async def upload_recording(request: web.Request) -> web.Response:
    copies_from(request.query)
    state = request.app[STATE_KEY]
    recording_id = request.match_info["recording_id"]
    url = recording_download_url(state, origin(request), recording_id)
    recording, events = lifecycle.upload_recording(state, recording_id, url)
    return await _answer(
        request, events, {"recording_id": recording.id, "status": recording.status, "url": url}
    )


async def expire_room(request: web.Request) -> web.Response:
    copies_from(request.query)
    state = request.app[STATE_KEY]
    room = find_room(state, request.match_info["room_id"])
    events = lifecycle.expire_room(state, room)
    return await _answer(
        request, events, {"room_id": room.id, "is_available": room.is_available(state.now())}
    )


async def expire_due(request: web.Request) -> web.Response:
    copies_from(request.query)
    events = lifecycle.expire_due(request.app[STATE_KEY])
    return await _answer(request, events, {"room_ids": [event.room.id for event in events]})


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response(
        {"faults": [fault.to_json() for fault in request.app[STATE_KEY].faults]}
    )


async def add_fault(request: web.Request) -> web.Response:
    fault = parse_fault(await json_object(request))
    request.app[STATE_KEY].faults.append(fault)
    return web.json_response(fault.to_json(), status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[STATE_KEY].faults.clear()
    return web.Response(status=204)


async def list_callbacks(request: web.Request) -> web.Response:
    deliveries = request.app[STATE_KEY].deliveries
    return web.json_response({"deliveries": [delivery.to_json() for delivery in deliveries]})


async def clear_callbacks(request: web.Request) -> web.Response:
    request.app[STATE_KEY].deliveries.clear()
    return web.Response(status=204)


def add_control_routes(router: web.UrlDispatcher) -> None:
    p = CONTROL_PREFIX
    router.add_post(f"{p}/rooms/{{room_id}}/sessions", start_session)
    router.add_post(f"{p}/rooms/{{room_id}}/expire", expire_room)
    router.add_post(f"{p}/expire-due", expire_due)
    router.add_post(f"{p}/sessions/{{session_id}}/participants", join)
    router.add_delete(f"{p}/sessions/{{session_id}}/participants/{{participant_id}}", leave)
    router.add_post(f"{p}/sessions/{{session_id}}/end", end_session)
    router.add_post(f"{p}/sessions/{{session_id}}/recordings", start_recording)
    router.add_post(f"{p}/recordings/{{recording_id}}/stop", stop_recording)
    router.add_post(f"{p}/recordings/{{recording_id}}/upload", upload_recording)
    router.add_get(f"{p}/faults", list_faults)
    router.add_post(f"{p}/faults", add_fault)
    router.add_delete(f"{p}/faults", clear_faults)
    router.add_get(f"{p}/callbacks", list_callbacks)
    router.add_delete(f"{p}/callbacks", clear_callbacks)
