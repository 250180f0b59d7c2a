"""The control API under /_control: people use rooms, and the emulator fires Daily's webhooks.

    PUT    webhook                               {"url"}: the preset webhook (every event,
                                                    the emulator's own secret); null drops it
    POST   rooms/{name}/sessions                 -> meeting.started
    POST   sessions/{id}/participants            {"name", "is_host"} -> participant.joined
    DELETE sessions/{id}/participants/{pid}      -> participant.left
    POST   sessions/{id}/end                     -> participant.left for those still in,
                                                    meeting.ended
    POST   sessions/{id}/recordings              -> recording.started
    POST   recordings/{id}/ready                 -> recording.ready-to-download
    POST   rooms/{name}/expire                   the room's `exp` becomes now (no webhook:
                                                    Daily sends none for an expiry)
    GET|POST|DELETE faults                       fail, delay or drop API requests
                                                    (meetbot_sandbox.faults)
    GET|DELETE deliveries                        webhooks sent so far

    GET    stats                                 requests by route, 429s sent, rooms' creation
                                                    times (bench/daily_budget.py)

    Meeting notes (issue 16) are in notes_api.py: sessions/{id}/transcript/ready|fail,
    jobs/{id}/ready|fail, GET jobs.

Webhooks go to every active webhook of the domain subscribed to the event (the preset one, or
those made through `POST /v1/webhooks`), each signed with its own secret as Daily signs them
(`bot.providers.daily.webhooks.sign`); they are sent once, in order, and
awaited before the control call answers; `?webhook=false` loses them on purpose. The answer
lists the deliveries it made. Each body has exactly the keys of Daily's documented example for
its type (tests/fixtures/daily/webhooks/, README there), ids of the documented forms
(`met-sta-<meeting id>-<s>`, `ptcpt-join-<user id>-<ms>`, `rec-sta-<instance id>-<s>`, ...) and
unix-seconds times; `recording.started` names no room, as Daily's does not.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any

import aiohttp
from aiohttp import web

from bot.providers.daily.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from meetbot_sandbox.daily.api import json_body
from meetbot_sandbox.daily.keys import CONTROL_PREFIX, HTTP_KEY, STATE_KEY
from meetbot_sandbox.daily.notes import start_transcript
from meetbot_sandbox.daily.state import (
    DailyState,
    Delivery,
    RecordingState,
    SessionState,
    WebhookState,
    new_id,
)
from meetbot_sandbox.daily.views import invalid, not_found, s3_key
from meetbot_sandbox.faults import parse_fault

log = logging.getLogger(__name__)
DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=5)
Event = tuple[str, str, dict[str, Any]]  # type, Daily's event id, payload
# The transcript events' documented examples say 1.1.0; every other example 1.0.0.
VERSIONS = {"transcript.ready-to-download": "1.1.0", "transcript.error": "1.1.0"}


def event_body(name: str, event_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Daily's envelope: version, type, id, payload, event_ts (when it is sent, in seconds)."""
    return {
        "version": VERSIONS.get(name, "1.0.0"),
        "type": name,
        "id": event_id,
        "payload": payload,
        "event_ts": round(time.time(), 3),
    }


async def fire(
    http: aiohttp.ClientSession, state: DailyState, events: list[Event]
) -> list[Delivery]:
    """Each event to every active webhook subscribed to its type, signed with that webhook's
    secret; a webhook's failures are counted (`failedCount`), never retried."""
    made: list[Delivery] = []
    for name, event_id, payload in events:
        body = event_body(name, event_id, payload)
        hooks = [
            hook
            for hook in state.webhooks.values()
            if hook.state == "ACTIVE" and name in hook.event_types
        ]
        if not hooks:
            log.info("daily emulator: %s not sent, no webhook subscribed", name)
        raw = json.dumps(body).encode()
        stamp = str(int(state.signing_clock().timestamp()))
        for hook in hooks:
            delivery = await _deliver(http, hook, name, body, raw, stamp)
            hook.failed_count = 0 if delivery.status == 200 else hook.failed_count + 1
            hook.last_moment_pushed = state.now()
            state.deliveries.append(delivery)
            made.append(delivery)
    return made


async def _deliver(
    http: aiohttp.ClientSession,
    hook: WebhookState,
    name: str,
    body: dict[str, Any],
    raw: bytes,
    stamp: str,
) -> Delivery:
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: sign(hook.secret(), raw, stamp),
    }
    try:
        async with http.post(
            hook.url, data=raw, headers=headers, timeout=DELIVERY_TIMEOUT
        ) as response:
            await response.read()
            return Delivery(name, body, response.status)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("daily emulator: %s delivery failed: %s", name, type(exc).__name__)
        return Delivery(name, body, None, type(exc).__name__)


async def _answer(request: web.Request, events: list[Event], body: dict[str, Any]) -> web.Response:
    if request.query.get("webhook", "true") != "false":
        made = await fire(request.app[HTTP_KEY], request.app[STATE_KEY], events)
        body["deliveries"] = [d.to_json() for d in made]
    return web.json_response(body)


def _session(state: DailyState, session_id: str) -> SessionState:
    session = state.sessions.get(session_id)
    if session is None:
        raise not_found(f"session {session_id} was not found")
    return session


def _ts(state: DailyState) -> int:
    return int(state.now().timestamp())


async def set_webhook(request: web.Request) -> web.Response:
    url = (await json_body(request)).get("url")
    if url is not None and not isinstance(url, str):
        raise invalid("url must be a string")
    request.app[STATE_KEY].set_preset_webhook(url)
    return web.json_response({"url": url})


async def start_session(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    name = request.match_info["name"]
    if name not in state.rooms:
        raise not_found(f"room {name} was not found")
    if state.live_session(name) is not None:
        raise invalid(f"room {name} already has a meeting going on")
    session = SessionState(new_id(), name, state.now())
    state.sessions[session.id] = session
    start_transcript(state, session)  # issue 16: a room with transcription storage
    started = _ts(state)
    payload = {"start_ts": started, "meeting_id": session.id, "room": name}
    event = ("meeting.started", f"met-sta-{session.id}-{started}", payload)
    return await _answer(request, [event], {"session_id": session.id})


def _person_payload(state: DailyState, session: SessionState, pid: str) -> dict[str, Any]:
    """participant.joined's documented example keys; `session_id` is the participant's id."""
    who = session.participants[pid]
    return {
        "room": session.room,
        "user_id": who["user_id"],
        "user_name": who["name"],
        "session_id": pid,
        "joined_at": who["joined_at"],
        "will_eject_at": None,  # rooms here eject nobody early; Daily sends null then
        "owner": who["owner"],
        "permissions": {
            "hasPresence": True,
            "canSend": True,
            "canReceive": {"base": True},
            "canAdmin": who["owner"],
        },
    }


def _ms(state: DailyState) -> int:
    return int(state.now().timestamp() * 1000)


async def join(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    session = _session(state, request.match_info["session_id"])
    if session.ended_at is not None:
        raise invalid("the meeting has ended")
    if state.expired(session.room):  # issue 17: as Daily, nobody joins after the room's exp
        raise invalid(f"room {session.room} has expired: nobody can join it after its exp")
    body = await json_body(request)
    name, owner = body.get("name", "Guest"), body.get("is_host", False)
    if not isinstance(name, str) or not isinstance(owner, bool):
        raise invalid('"name" must be a string and "is_host" a boolean')
    pid, user_id = new_id(), new_id()
    session.participants[pid] = {
        "name": name,
        "owner": owner,
        "joined_at": _ts(state),
        "user_id": user_id,
    }
    session.attendance.append((name, _ts(state)))  # the transcript's speakers (issue 16)
    payload = _person_payload(state, session, pid)
    event = ("participant.joined", f"ptcpt-join-{user_id}-{_ms(state)}", payload)
    return await _answer(request, [event], {"participant_id": pid})


def _leave(state: DailyState, session: SessionState, pid: str) -> Event:
    """participant.left: Daily's documented fields (its page shows no example): joined's plus
    `duration` in seconds; `networkQualityState` is left out, as joined's example leaves it."""
    payload = _person_payload(state, session, pid)
    payload["duration"] = _ts(state) - int(payload["joined_at"])
    user_id = session.participants.pop(pid)["user_id"]
    return "participant.left", f"ptcpt-left-{user_id}-{_ms(state)}", payload


async def leave(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    session = _session(state, request.match_info["session_id"])
    pid = request.match_info["participant_id"]
    if pid not in session.participants:
        raise not_found(f"participant {pid} is not in the meeting")
    return await _answer(request, [_leave(state, session, pid)], {"participant_id": pid})


async def end_session(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    session = _session(state, request.match_info["session_id"])
    if session.ended_at is not None:
        raise invalid("the meeting has already ended")
    events = [_leave(state, session, pid) for pid in list(session.participants)]
    session.ended_at = state.now()
    for recording in state.recordings.values():
        if recording.session_id == session.id and recording.status == "in-progress":
            recording.duration = int((state.now() - recording.started_at).total_seconds())
    start, end = int(session.started_at.timestamp()), _ts(state)
    payload = {"start_ts": start, "end_ts": end, "meeting_id": session.id, "room": session.room}
    events.append(("meeting.ended", f"met-end-{session.id}-{end}", payload))
    return await _answer(request, events, {"session_id": session.id})


async def start_recording(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    session = _session(state, request.match_info["session_id"])
    if state.rooms[session.room].enable_recording != "cloud":
        raise invalid("cloud recording is not enabled for this room")
    # The host's token starts it (`start_cloud_recording`) as they join: they started it.
    people = session.participants
    starter = next((p for p, who in people.items() if who["owner"]), next(iter(people), new_id()))
    recording = RecordingState(
        new_id(),
        session.room,
        session.id,
        state.now(),
        instance_id=new_id(),
        started_by=starter,
        max_participants=max(1, len(people)),
        share_token=secrets.token_urlsafe(9),
    )
    state.recordings[recording.id] = recording
    started = _ts(state)
    payload = {
        "action": "start-cloud-recording",
        "recording_id": recording.id,
        "layout": {"preset": "active-participant"},  # as in Daily's example
        "started_by": recording.started_by,
        "instance_id": recording.instance_id,
        "start_ts": started,
    }
    event = ("recording.started", f"rec-sta-{recording.instance_id}-{started}", payload)
    return await _answer(request, [event], {"recording_id": recording.id})


async def recording_ready(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    recording = state.recordings.get(request.match_info["recording_id"])
    if recording is None:
        raise not_found("recording not found")
    recording.status = "finished"
    if recording.duration is None:
        recording.duration = int((state.now() - recording.started_at).total_seconds())
    payload = {
        "recording_id": recording.id,
        "room_name": recording.room_name,
        "start_ts": int(recording.started_at.timestamp()),
        "status": "finished",
        "max_participants": recording.max_participants,
        "duration": recording.duration,
        "share_token": recording.share_token,
        "s3_key": s3_key(recording),
    }
    ready = f"rec-rtd-{recording.instance_id}-{_ts(state)}"
    event = ("recording.ready-to-download", ready, payload)
    return await _answer(request, [event], {"recording_id": recording.id})


async def expire_room(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    room = state.rooms.get(request.match_info["name"])
    if room is None:
        raise not_found("room not found")
    room.exp = _ts(state)
    return web.json_response({"name": room.name, "exp": room.exp})


async def list_faults(request: web.Request) -> web.Response:
    faults = request.app[STATE_KEY].faults
    return web.json_response({"faults": [fault.to_json() for fault in faults]})


async def add_fault(request: web.Request) -> web.Response:
    fault = parse_fault(await json_body(request), invalid)
    request.app[STATE_KEY].faults.append(fault)
    return web.json_response(fault.to_json(), status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[STATE_KEY].faults.clear()
    return web.Response(status=204)


async def stats(request: web.Request) -> web.Response:
    """What the API was asked (by route), how many 429s the rate limits sent, and when each
    room was made (unix seconds), for bench/daily_budget.py."""
    state = request.app[STATE_KEY]
    made = sorted(room.created_at.timestamp() for room in state.rooms.values())
    body = {
        "requests": dict(state.requests.counts),
        "rate_limited": state.requests.rate_limited,
        "rooms_created_at": made,
    }
    return web.json_response(body)


async def list_deliveries(request: web.Request) -> web.Response:
    deliveries = request.app[STATE_KEY].deliveries
    return web.json_response({"deliveries": [d.to_json() for d in deliveries]})


async def clear_deliveries(request: web.Request) -> web.Response:
    request.app[STATE_KEY].deliveries.clear()
    return web.Response(status=204)


def add_control_routes(router: web.UrlDispatcher) -> None:
    p = CONTROL_PREFIX
    router.add_put(f"{p}/webhook", set_webhook)
    router.add_post(f"{p}/rooms/{{name}}/sessions", start_session)
    router.add_post(f"{p}/rooms/{{name}}/expire", expire_room)
    router.add_post(f"{p}/sessions/{{session_id}}/participants", join)
    router.add_delete(f"{p}/sessions/{{session_id}}/participants/{{participant_id}}", leave)
    router.add_post(f"{p}/sessions/{{session_id}}/end", end_session)
    router.add_post(f"{p}/sessions/{{session_id}}/recordings", start_recording)
    router.add_post(f"{p}/recordings/{{recording_id}}/ready", recording_ready)
    router.add_get(f"{p}/faults", list_faults)
    router.add_post(f"{p}/faults", add_fault)
    router.add_delete(f"{p}/faults", clear_faults)
    router.add_get(f"{p}/deliveries", list_deliveries)
    router.add_get(f"{p}/stats", stats)
    router.add_delete(f"{p}/deliveries", clear_deliveries)
