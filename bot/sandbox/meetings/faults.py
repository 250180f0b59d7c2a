"""Fault injection for client tests: fail, slow down or drop matching API requests.

`POST /_control/faults` takes one JSON object (all keys optional except one effect):

    {"method": "POST",      # HTTP method to match, "*" (default) for any
     "path": "/rooms",      # API path after /v1/meetings, fnmatch glob ("/rooms/*"); "*" default
     "status": 503,         # answer with this status and the API's error body
     "retry_after": 1,      # seconds, sent as Retry-After (meant for 429 and 503)
     "delay_ms": 500,       # wait this long first (then fail, drop, or serve normally)
     "drop": true,          # close the connection without answering (nothing is processed)
     "times": 1}            # how many matching requests; null = until DELETE /_control/faults

`times` defaults to 1 when the fault fails or drops a request, and to unlimited for a pure
delay. Every fault matching a request applies: delays add up, the first failing one answers.
Faults act before JWT checks, as a gateway outage would, and never touch /_control or /_storage.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass
from fnmatch import fnmatchcase
from http import HTTPStatus
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.sandbox.meetings.errors import ApiError, invalid, unauthorized_response
from bot.sandbox.meetings.keys import API_PREFIX, STATE_KEY

_ids = itertools.count(1)


@dataclass
class Fault:
    id: int
    method: str = "*"
    path: str = "*"
    status: int | None = None
    retry_after: int | None = None
    delay_ms: int = 0
    drop: bool = False
    times: int | None = 1  # None: until cleared

    def matches(self, method: str, api_path: str) -> bool:
        return (self.method == "*" or self.method.upper() == method) and fnmatchcase(
            api_path, self.path
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "retry_after": self.retry_after,
            "delay_ms": self.delay_ms,
            "drop": self.drop,
            "times": self.times,
        }


def parse_fault(body: object) -> Fault:
    """Build a Fault from the control request, refusing anything ambiguous with a 400."""
    if not isinstance(body, dict):
        raise invalid("a fault is a JSON object")
    unknown = set(body) - {"method", "path", "status", "retry_after", "delay_ms", "drop", "times"}
    if unknown:
        raise invalid(f"unknown fault keys: {sorted(unknown)}")
    status, delay_ms, drop = body.get("status"), body.get("delay_ms", 0), body.get("drop", False)
    if status is not None and (not isinstance(status, int) or not 400 <= status <= 599):
        raise invalid('"status" must be an HTTP error status (400-599)')
    if not isinstance(delay_ms, int) or delay_ms < 0:
        raise invalid('"delay_ms" must be a non-negative integer')
    if not isinstance(drop, bool):
        raise invalid('"drop" must be a boolean')
    if status is None and not drop and delay_ms == 0:
        raise invalid('a fault needs "status", "delay_ms" or "drop"')
    failing = status is not None or drop
    times = body.get("times", 1 if failing else None)
    if times is not None and (not isinstance(times, int) or times < 1):
        raise invalid('"times" must be a positive integer or null')
    retry_after = body.get("retry_after")
    if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
        raise invalid('"retry_after" must be a non-negative integer (seconds)')
    method, path = body.get("method", "*"), body.get("path", "*")
    if not isinstance(method, str) or not isinstance(path, str):
        raise invalid('"method" and "path" must be strings')
    return Fault(next(_ids), method, path, status, retry_after, delay_ms, drop, times)


def _fault_response(fault: Fault) -> web.Response:
    assert fault.status is not None
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    if fault.status == 401:
        response = unauthorized_response()
        response.headers.update(headers)
        return response
    return ApiError(fault.status, HTTPStatus(fault.status).phrase, headers=headers).response()


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    faults: list[Fault] = request.app[STATE_KEY].faults
    api_path = request.path.removeprefix(API_PREFIX)
    matching = [fault for fault in faults if fault.matches(request.method, api_path)]
    for fault in matching:
        if fault.times is not None:
            fault.times -= 1
            if fault.times == 0:
                faults.remove(fault)
    delay_ms = sum(fault.delay_ms for fault in matching)
    if delay_ms:
        await asyncio.sleep(delay_ms / 1000)  # emulated latency, not a test waiting for an event
    failing = next((fault for fault in matching if fault.drop or fault.status), None)
    if failing is None:
        return await handler(request)
    if failing.drop:
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=204)  # never reaches the client: the connection is gone
    return _fault_response(failing)
