"""Room operations: GET/POST /rooms, GET/PATCH /rooms/{room_id}.

Instant rooms expire 10 idle minutes after creation; long-term ones at `expires_at`
(10 minutes to 1 year ahead). Only instant rooms cannot be updated (update_room_type_error.json).
At most `room_cap` rooms may be available at once: one more is a 403.

Beyond the spec (README.md beside this file): `ui_settings` is accepted on create and update.
The spec's CreateRoomDetails and update_details omit it, but every recorded real room carries
it (tests/fixtures/vonage-recorded/meeting_room.json: {"language": "default"}) and Vonage's SDKs
send it: .NET on create (always, "en" by default) and update
(Vonage/vonage-dotnet-sdk Vonage/Meetings/CreateRoom/CreateRoomRequest.cs,
UpdateRoom/UpdateRoomRequest.cs, Common/UiSettings.cs: lower-case "en", "pt-br", ...), Java on
create (Vonage/vonage-java-sdk .../meetings/MeetingRoom.java, RoomLanguage.java: upper-case
"EN", "PT-BR", ...) and Vonage's curl guide (Vonage/vonage-curl-code-snippets
meetings/guides/apply-language-all-participants.sh: "ES").
"""

from __future__ import annotations

import uuid

import jwt
from aiohttp import web

from meetbot_sandbox.meetings import validation as v
from meetbot_sandbox.meetings.errors import bad_request, forbidden, invalid, not_found
from meetbot_sandbox.meetings.keys import STATE_KEY
from meetbot_sandbox.meetings.pagination import paginate
from meetbot_sandbox.meetings.state import INSTANT_IDLE, EmulatorState, Room
from meetbot_sandbox.meetings.views import room_json

ROOM_TYPES = ("instant", "long_term")
APPROVAL_LEVELS = ("none", "after_owner_only", "explicit_approval")
MICROPHONE_STATES = ("on", "off", "default")
# Every language an SDK offers (.NET UiSettings.cs, Java RoomLanguage.java, Node
# packages/meetings/lib/enums/roomLanguage.ts) plus the recorded "default"; the SDKs differ in
# case, so it is compared and answered lower-cased, as the recorded rooms and Node write it.
UI_LANGUAGES = (
    "default",
    "en",
    "he",
    "es",
    "pt",
    "pt-br",
    "it",
    "ca",
    "fr",
    "de",
    "ar",
    "zh-tw",
    "zh-cn",
)
RECORDING_OPTIONS = ("auto_record", "record_only_owner")
CREATE_KEYS = (
    "display_name",
    "metadata",
    "type",
    "expires_at",
    "recording_options",
    "expire_after_use",
    "theme_id",
    "join_approval_level",
    "initial_join_options",
    "callback_urls",
    "available_features",
    "ui_settings",
)
UPDATE_KEYS = (
    "expires_at",
    "expire_after_use",
    "theme_id",
    "join_approval_level",
    "initial_join_options",
    "callback_urls",
    "available_features",
    "ui_settings",
)


def find_room(state: EmulatorState, room_id: str) -> Room:
    room = state.rooms.get(room_id)
    if room is None:
        raise not_found(f"Room {room_id} was not found")
    return room


def _theme_id(state: EmulatorState, body: dict[str, object], action: str) -> str | None:
    theme_id = v.string(body, "theme_id", max_len=64, nullable=True)
    if theme_id is not None and theme_id not in state.themes:
        raise bad_request(f"Failed to {action} room because theme id {theme_id} not found")
    return theme_id


def _microphone(body: dict[str, object]) -> dict[str, str] | None:
    if "initial_join_options" not in body:
        return None
    nested = v.obj(body["initial_join_options"], "initial_join_options")
    v.only_keys(nested, ("microphone_state",), "initial_join_options.")
    state = v.one_of(nested, "microphone_state", MICROPHONE_STATES, "initial_join_options.")
    return {"microphone_state": state or "default"}


def _ui_settings(body: dict[str, object], prefix: str = "") -> dict[str, str] | None:
    if "ui_settings" not in body:
        return None
    nested = v.obj(body["ui_settings"], f"{prefix}ui_settings")
    v.only_keys(nested, ("language",), f"{prefix}ui_settings.")
    language = nested.get("language")
    if language is None:
        return None
    if not isinstance(language, str) or language.lower() not in UI_LANGUAGES:
        choices = ", ".join(UI_LANGUAGES)
        raise invalid(f'"{prefix}ui_settings.language" must be one of [{choices}]')
    return {"language": language.lower()}


def _participant_token(state: EmulatorState) -> str:
    # Shaped like the real host token: HS256 over {participantId, iat} (meeting_room.json).
    claims = {"participantId": str(uuid.uuid4()), "iat": int(state.now().timestamp())}
    return jwt.encode(claims, state.secret, algorithm="HS256", headers={"kid": str(uuid.uuid4())})


async def list_rooms(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    body = paginate(
        state.rooms_in_order(),
        request.query,
        f"{request.host}{request.path}",
        lambda room: room_json(room, state),
    )
    return web.json_response(body)


async def create_room(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    body = await v.json_object(request)
    v.only_keys(body, CREATE_KEYS)
    now = state.now()
    display_name = v.string(body, "display_name", max_len=200, required=True)
    assert display_name is not None
    metadata = v.string(body, "metadata", max_len=500, nullable=True)
    kind = v.one_of(body, "type", ROOM_TYPES) or "instant"
    expires_at = v.expiry(body, now, required=True) if kind == "long_term" else now + INSTANT_IDLE
    assert expires_at is not None
    room = Room(
        id=str(uuid.uuid4()),
        seq=0,
        display_name=display_name,
        type=kind,
        meeting_code="",
        participant_token=_participant_token(state),
        created_at=now,
        expires_at=expires_at,
        metadata=metadata,
        expire_after_use=bool(v.boolean(body, "expire_after_use")),
        # A room that names no theme gets the application's default (PATCH /applications).
        theme_id=_theme_id(state, body, "create") if "theme_id" in body else state.default_theme_id,
        join_approval_level=v.one_of(body, "join_approval_level", APPROVAL_LEVELS) or "none",
        callback_urls=v.callback_urls(body),
    )
    room.recording_options.update(v.flags(body, "recording_options", RECORDING_OPTIONS) or {})
    room.available_features.update(v.flags(body, "available_features", v.FEATURES) or {})
    room.initial_join_options = _microphone(body) or room.initial_join_options
    room.ui_settings = _ui_settings(body) or room.ui_settings
    if state.available_room_count() >= state.room_cap:
        raise forbidden("Maximum number of rooms for owner exceeded")
    room.seq, room.meeting_code = state.next_seq(), state.new_meeting_code()
    state.rooms[room.id] = room
    return web.json_response(room_json(room, state), status=201)


async def get_room(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    return web.json_response(room_json(find_room(state, request.match_info["room_id"]), state))


async def update_room(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    room = find_room(state, request.match_info["room_id"])
    details = await v.update_details(request)
    v.only_keys(details, UPDATE_KEYS, "update_details.")
    if room.type == "instant":
        # The API calls instant rooms "temporary" in this message (update_room_type_error.json).
        raise bad_request(
            f"The room with id: {room.id} could not be updated because of its type: temporary"
        )
    expires_at = v.expiry(details, state.now(), required=False)
    expire_after_use = v.boolean(details, "expire_after_use")
    approval = v.one_of(details, "join_approval_level", APPROVAL_LEVELS)
    microphone = _microphone(details)
    features = v.flags(details, "available_features", v.FEATURES)
    urls = v.callback_urls(details)
    ui_settings = _ui_settings(details, "update_details.")
    if "theme_id" in details:
        room.theme_id = _theme_id(state, details, "update")
    room.expires_at = expires_at or room.expires_at
    room.expire_after_use = room.expire_after_use if expire_after_use is None else expire_after_use
    room.join_approval_level = approval or room.join_approval_level
    room.initial_join_options = microphone or room.initial_join_options
    room.available_features.update(features or {})
    room.ui_settings = ui_settings or room.ui_settings
    if urls is not None:
        room.callback_urls = {**(room.callback_urls or {}), **urls}
    return web.json_response(room_json(room, state))
