"""Fault injection for the Meetings emulator: `POST /_control/faults` (see `meetbot_sandbox.faults`
for the fault's keys and meaning), answered in the Meetings API's error shape.

Paths match after /v1/meetings (`"/rooms/*"`); a 401 fault answers with the gateway's body.
"""

from __future__ import annotations

from http import HTTPStatus

from aiohttp import web

from meetbot_sandbox import faults as shared
from meetbot_sandbox.faults import Fault
from meetbot_sandbox.meetings.errors import ApiError, invalid, unauthorized_response
from meetbot_sandbox.meetings.keys import API_PREFIX, STATE_KEY

__all__ = ["Fault", "fault_middleware", "parse_fault"]


def parse_fault(body: object) -> Fault:
    """Build a Fault from the control request, refusing anything ambiguous with a 400."""
    return shared.parse_fault(body, invalid)


def _fault_response(fault: Fault) -> web.Response:
    assert fault.status is not None
    if fault.status == 401:
        response = unauthorized_response()
        response.headers.update(fault.headers())
        return response
    phrase = HTTPStatus(fault.status).phrase
    return ApiError(fault.status, phrase, headers=fault.headers()).response()


fault_middleware = shared.fault_middleware(
    API_PREFIX, lambda request: request.app[STATE_KEY].faults, _fault_response
)
