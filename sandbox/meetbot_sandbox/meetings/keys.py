"""Names the emulator's modules share: app keys and the three URL areas it serves."""

from __future__ import annotations

from aiohttp import ClientSession, web

from meetbot_sandbox.meetings.state import EmulatorState

# The real API lives at https://api-eu.vonage.com/v1/meetings; the emulator keeps the path.
API_PREFIX = "/v1/meetings"
CONTROL_PREFIX = "/_control"  # drives rooms as if people used them; not part of the spec
STORAGE_PREFIX = "/_storage"  # stands in for S3: logo uploads and recording downloads

STATE_KEY = web.AppKey("meetings_emulator_state", EmulatorState)
HTTP_KEY = web.AppKey("meetings_emulator_http", ClientSession)
