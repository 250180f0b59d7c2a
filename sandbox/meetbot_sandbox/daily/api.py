"""The REST operations meetbot uses, as Daily documents them (https://docs.daily.co/reference/
rest-api): the domain configuration, rooms (create, get, set config, delete), meeting tokens,
recordings and their access links. The request checks are the ones Daily states: room names
[A-Za-z0-9_-] of at most 128 characters, unique per domain; `privacy` public|private;
unix-seconds `exp`. Meeting tokens are JWTs signed with the API key (`tokens.py`)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from aiohttp import web

from meetbot_sandbox.daily.keys import STATE_KEY
from meetbot_sandbox.daily.state import DailyState, RoomState, new_id
from meetbot_sandbox.daily.views import (
    DailyApiError,
    domain_json,
    invalid,
    not_found,
    recording_json,
    room_json,
)

_NAME = re.compile(r"[A-Za-z0-9_-]{1,128}")
RECORDING_BYTES = 4096  # the size of the fake .mp4 behind every access link


def origin(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json() if request.can_read_body else {}
    except ValueError:
        raise DailyApiError(400, "json-parsing-error", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise invalid("the body must be a JSON object")
    return body


def _properties(body: dict[str, Any]) -> dict[str, Any]:
    props = body.get("properties", {})
    if not isinstance(props, dict):
        raise invalid("properties must be an object")
    exp = props.get("exp")
    if exp is not None and (isinstance(exp, bool) or not isinstance(exp, int | float)):
        raise invalid("exp must be a unix timestamp")
    storage = props.get("enable_transcription_storage")
    if storage is not None and not isinstance(storage, bool):
        raise invalid("enable_transcription_storage must be a boolean")
    recording = props.get("enable_recording")
    if recording not in (None, "cloud", "local", "raw-tracks"):
        raise invalid(f"enable_recording: unknown value {recording!r}")
    for flag in ("eject_at_room_exp", "enable_knocking"):
        if props.get(flag) is not None and not isinstance(props[flag], bool):
            raise invalid(f"{flag} must be a boolean")
    return props


def _room(state: DailyState, name: str) -> RoomState:
    room = state.rooms.get(name)
    if room is None:
        raise not_found(f"room {name} was not found")
    return room


async def get_domain(request: web.Request) -> web.Response:
    """GET / (https://docs.daily.co/reference/rest-api/your-domain/get-domain-config)."""
    return web.json_response(domain_json(request.app[STATE_KEY]))


async def create_room(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    body = await json_body(request)
    name = body.get("name") or secrets.token_urlsafe(12).replace("_", "x")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise invalid("name may contain only A-Z, a-z, 0-9, '-' and '_', at most 128 characters")
    if name in state.rooms:
        raise invalid(f"a room named {name} already exists")
    privacy = body.get("privacy", "public")
    if privacy not in ("public", "private"):
        raise invalid("privacy must be public or private")
    props = _properties(body)
    room = RoomState(
        id=new_id(),
        name=name,
        privacy=privacy,
        created_at=state.now(),
        exp=None if props.get("exp") is None else int(props["exp"]),
        enable_recording=props.get("enable_recording"),
        eject_at_room_exp=bool(props.get("eject_at_room_exp", False)),
        enable_knocking=bool(props.get("enable_knocking", False)),
        enable_transcription_storage=props.get("enable_transcription_storage") is True,
    )
    state.rooms[name] = room
    return web.json_response(room_json(room, origin(request)))


async def get_room(request: web.Request) -> web.Response:
    room = _room(request.app[STATE_KEY], request.match_info["name"])
    return web.json_response(room_json(room, origin(request)))


async def update_room(request: web.Request) -> web.Response:
    room = _room(request.app[STATE_KEY], request.match_info["name"])
    props = _properties(await json_body(request))
    if "exp" in props:
        room.exp = None if props["exp"] is None else int(props["exp"])
    if "enable_recording" in props:
        room.enable_recording = props["enable_recording"]
    for flag in ("eject_at_room_exp", "enable_knocking"):
        if flag in props:
            setattr(room, flag, bool(props[flag]))
    if "enable_transcription_storage" in props:
        room.enable_transcription_storage = props["enable_transcription_storage"] is True
    return web.json_response(room_json(room, origin(request)))


async def delete_room(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    name = request.match_info["name"]
    _room(state, name)
    del state.rooms[name]
    return web.json_response({"deleted": True, "name": name})


async def create_token(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    props = _properties(await json_body(request))
    room_name = props.get("room_name")
    if not isinstance(room_name, str):
        raise invalid("room_name is required (this emulator mints tokens for one room)")
    _room(state, room_name)
    is_owner = props.get("is_owner", False)
    if not isinstance(is_owner, bool):
        raise invalid("is_owner must be a boolean")
    token = state.tokens.mint(props, iat=int(state.now().timestamp()))
    return web.json_response({"token": token})


def _recording_id(request: web.Request) -> str:
    recording_id = request.match_info["recording_id"]
    if recording_id not in request.app[STATE_KEY].recordings:
        raise not_found(f"recording {recording_id} was not found")
    return recording_id


async def list_recordings(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    try:
        limit = min(int(request.query.get("limit", "100")), 100)
    except ValueError:
        raise invalid("limit must be a number") from None
    room_name = request.query.get("room_name")
    found = [r for r in state.recordings.values() if room_name in (None, r.room_name)]
    found.sort(key=lambda r: r.started_at, reverse=True)  # newest first, as Daily lists them
    data = [recording_json(r) for r in found[:limit]]
    return web.json_response({"total_count": len(found), "data": data})


async def get_recording(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(recording_json(state.recordings[_recording_id(request)]))


async def access_link(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    recording = state.recordings[_recording_id(request)]
    if recording.status != "finished":
        raise invalid(f"recording {recording.id} is not finished")
    expires = int(state.now().timestamp()) + int(request.query.get("valid_for_secs", "3600"))
    link = f"{origin(request)}/_storage/{recording.id}.mp4?sig={secrets.token_urlsafe(16)}"
    return web.json_response({"download_link": link, "expires": expires})


async def download(request: web.Request) -> web.Response:
    """The fake S3 object behind an access link: a fixed number of bytes."""
    if request.match_info["recording_id"] not in request.app[STATE_KEY].recordings:
        raise web.HTTPNotFound()
    return web.Response(body=b"\0" * RECORDING_BYTES, content_type="video/mp4")


def add_api_routes(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_get(f"{prefix}/", get_domain)
    router.add_post(f"{prefix}/rooms", create_room)
    router.add_get(f"{prefix}/rooms/{{name}}", get_room)
    router.add_post(f"{prefix}/rooms/{{name}}", update_room)
    router.add_delete(f"{prefix}/rooms/{{name}}", delete_room)
    router.add_post(f"{prefix}/meeting-tokens", create_token)
    router.add_get(f"{prefix}/recordings", list_recordings)
    router.add_get(f"{prefix}/recordings/{{recording_id}}", get_recording)
    router.add_get(f"{prefix}/recordings/{{recording_id}}/access-link", access_link)
    router.add_get("/_storage/{recording_id}.mp4", download)
