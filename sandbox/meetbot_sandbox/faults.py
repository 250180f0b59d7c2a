"""Fault injection shared by the emulators: fail, slow down or drop matching API requests.

A control route takes one JSON object (all keys optional except one effect):

    {"method": "POST",      # HTTP method to match, "*" (default) for any
     "path": "/rooms",      # API path after the emulator's API prefix, fnmatch glob; "*" default
     "status": 503,         # answer with this status and the API's own error body
     "retry_after": 1,      # seconds, sent as Retry-After (meant for 429 and 503)
     "delay_ms": 500,       # wait this long first (then fail, drop, or serve normally)
     "drop": true,          # close the connection without answering (nothing is processed)
     "times": 1}            # how many matching requests; null = until the faults are cleared

`times` defaults to 1 when the fault fails or drops a request, and to unlimited for a pure
delay. Every fault matching a request applies: delays add up, the first failing one answers.
Faults act before the API's auth checks, as a gateway outage would, and only on the API
prefix (never on control or storage routes). Each emulator supplies its error body
(`respond`) and where its faults live (`faults_of`).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from types import EllipsisType
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

_ids = itertools.count(1)
KEYS = frozenset({"method", "path", "status", "retry_after", "delay_ms", "drop", "times"})


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

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}

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


def parse_fault(body: object, invalid: Callable[[str], Exception]) -> Fault:
    """Build a Fault from a control request; anything ambiguous raises `invalid(reason)`."""
    if not isinstance(body, dict):
        raise invalid("a fault is a JSON object")
    unknown = set(body) - KEYS
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


class FaultControl:
    """The fault calls of an emulator's control client (`/_control/faults`); the client
    supplies `call`."""

    async def call(self, method: str, path: str, *, json: Any = None) -> dict[str, Any]:
        raise NotImplementedError

    async def set_fault(
        self,
        *,
        method: str = "*",
        path: str = "*",
        status: int | None = None,
        retry_after: int | None = None,
        delay_ms: int = 0,
        drop: bool = False,
        times: int | EllipsisType | None = ...,
    ) -> int:
        """Add a fault; its id. `times=...` keeps the server default."""
        fault: dict[str, Any] = {"method": method, "path": path, "delay_ms": delay_ms}
        fault |= {"drop": drop}
        if status is not None:
            fault["status"] = status
        if retry_after is not None:
            fault["retry_after"] = retry_after
        if times is not ...:
            fault["times"] = times
        return int((await self.call("POST", "/faults", json=fault))["id"])

    async def clear_faults(self) -> None:
        await self.call("DELETE", "/faults")


def take(faults: list[Fault], method: str, api_path: str) -> list[Fault]:
    """The faults matching a request, each used up once (removed when its `times` run out)."""
    matching = [fault for fault in faults if fault.matches(method, api_path)]
    for fault in matching:
        if fault.times is not None:
            fault.times -= 1
            if fault.times == 0:
                faults.remove(fault)
    return matching


def fault_middleware(
    prefix: str,
    faults_of: Callable[[web.Request], list[Fault]],
    respond: Callable[[Fault], web.Response],
) -> Middleware:
    """A middleware applying the faults of `faults_of(request)` to paths under `prefix`;
    `respond(fault)` answers a failing fault in the API's own error shape."""

    @web.middleware
    async def apply_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(prefix):
            return await handler(request)
        matching = take(faults_of(request), request.method, request.path.removeprefix(prefix))
        delay_ms = sum(fault.delay_ms for fault in matching)
        if delay_ms:
            await asyncio.sleep(delay_ms / 1000)  # emulated latency, not a test waiting
        failing = next((fault for fault in matching if fault.drop or fault.status), None)
        if failing is None:
            return await handler(request)
        if failing.drop:
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=204)  # never reaches the client: the connection is gone
        return respond(failing)

    return apply_faults
