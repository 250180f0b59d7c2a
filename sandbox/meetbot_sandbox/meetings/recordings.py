"""Recording and session reads, recording deletion, and the static dial-in numbers.

Recordings are made through the control API (lifecycle.py); the public API only reads them
and deletes uploaded ones ("Can only delete recordings in 'uploaded' status", the spec).

Every read signs the download link afresh, valid `storage.DOWNLOAD_TTL` from that read: the
recorded real link (get_recording.json) is an S3 pre-signed URL carrying a temporary
`x-amz-security-token`, whose `Expires` is about 20 hours after the recording ended, so the API
minted it when asked rather than once at upload. The link in the `recording:uploaded`
callback is the one made at upload and expires like any other.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from meetbot_sandbox.meetings.errors import forbidden, not_found
from meetbot_sandbox.meetings.keys import STATE_KEY
from meetbot_sandbox.meetings.state import Recording
from meetbot_sandbox.meetings.storage import origin, recording_download_url
from meetbot_sandbox.meetings.views import recording_json

# The numbers the real API listed (list_dial_in_numbers.json) plus one for the US.
DIAL_IN_NUMBERS = [
    {"number": "541139862166", "locale": "es-AR", "display_name": "Argentina"},
    {"number": "442381924626", "locale": "en-GB", "display_name": "United Kingdom"},
    {"number": "17323338801", "locale": "en-US", "display_name": "United States"},
]


async def get_recording(request: web.Request) -> web.Response:
    recording_id = request.match_info["recording_id"]
    recording = request.app[STATE_KEY].recordings.get(recording_id)
    if recording is None:
        raise not_found(f"Recording {recording_id} was not found")
    return web.json_response(_fresh(request, recording))


async def delete_recording(request: web.Request) -> web.Response:
    recordings = request.app[STATE_KEY].recordings
    recording = recordings.get(request.match_info["recording_id"])
    if recording is None:
        raise not_found("Could not find recording")  # delete_recording_not_found.json
    if recording.status != "uploaded":
        raise forbidden("Can only delete recordings in 'uploaded' status")
    del recordings[recording.id]
    return web.Response(status=204)


async def session_recordings(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    session_id = request.match_info["session_id"]
    if session_id not in state.sessions:
        raise not_found(f"Failed to find session recordings by id: {session_id}")
    recordings = [r for r in state.recordings.values() if r.session_id == session_id]
    return web.json_response(
        {"_embedded": {"recordings": [_fresh(request, r) for r in recordings]}}
    )


def _fresh(request: web.Request, recording: Recording) -> dict[str, Any]:
    """The recording as the API shows it, with a download link signed now (if uploaded)."""
    state = request.app[STATE_KEY]
    url = None
    if recording.url is not None:
        url = recording_download_url(state, origin(request), recording.id)
    return recording_json(recording, url)


async def dial_in_numbers(request: web.Request) -> web.Response:
    return web.json_response(DIAL_IN_NUMBERS)
