"""JSON bodies as Daily's REST API writes them (https://docs.daily.co/reference/rest-api):
the room object, the recording object, the domain configuration and error bodies
`{"error", "info"}`, with exactly the keys of Daily's documented examples
(tests/fixtures/daily/, whose README gives each source; tests/test_daily_fixtures.py checks)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from meetbot_sandbox.daily.state import DailyState, RecordingState, RoomState


class DailyApiError(Exception):
    """Answered as Daily does: `{"error": <stable type>, "info": <free text>}`."""

    def __init__(self, status: int, error: str, info: str) -> None:
        super().__init__(info)
        self.status, self.error, self.info = status, error, info

    def response(self) -> web.Response:
        return web.json_response({"error": self.error, "info": self.info}, status=self.status)


def invalid(info: str) -> DailyApiError:
    return DailyApiError(400, "invalid-request-error", info)


def not_found(info: str) -> DailyApiError:
    return DailyApiError(404, "not-found", info)


def iso(value: Any) -> str:
    return str(value.strftime("%Y-%m-%dT%H:%M:%S.000Z"))


def room_json(room: RoomState, origin: str) -> dict[str, Any]:
    """`config` holds only what differs from the defaults, as Daily's create-room doc says."""
    config: dict[str, Any] = {}
    if room.exp is not None:
        config["exp"] = room.exp
    if room.enable_recording:
        config["enable_recording"] = room.enable_recording
    if room.eject_at_room_exp:
        config["eject_at_room_exp"] = True
    if room.enable_knocking:
        config["enable_knocking"] = True
    if room.enable_transcription_storage:
        config["enable_transcription_storage"] = True
    return {
        "id": room.id,
        "name": room.name,
        "api_created": True,
        "privacy": room.privacy,
        "url": f"{origin}/{room.name}",
        "created_at": iso(room.created_at),
        "config": config,
    }


def recording_json(recording: RecordingState) -> dict[str, Any]:
    """The recording object: the keys of the documented example (`GET /recordings/:id`), plus
    `room_name`, which its field list documents (https://docs.daily.co/reference/rest-api/
    recordings/get-recording); `duration` "is not returned for recordings that are in-progress"."""
    body: dict[str, Any] = {
        "id": recording.id,
        "room_name": recording.room_name,
        "start_ts": int(recording.started_at.timestamp()),
        "status": recording.status,
        "max_participants": recording.max_participants,
        "share_token": recording.share_token,
        "s3key": s3_key(recording),
        "mtgSessionId": recording.session_id,
    }
    if recording.duration is not None:
        body["duration"] = recording.duration
    return body


def s3_key(recording: RecordingState) -> str:
    """`<domain>/<room>/<start ms>`, the form of the documented examples' keys."""
    return f"emulated/{recording.room_name}/{int(recording.started_at.timestamp() * 1000)}"


def domain_json(state: DailyState) -> dict[str, Any]:
    """`GET /`: the domain's name, id and non-default configuration (none here)."""
    return {"domain_name": state.domain_name, "domain_id": state.domain_id, "config": {}}
