"""Callback delivery: one real HTTP POST per event to the room's callback URL, recorded.

Like the real API, a delivery is tried once and never retried; a target that is down or
slow is logged and recorded with `status=None`, never raised. `copies` is 0 to lose the
callback on purpose, 2 to deliver a duplicate (the control API's `?callback=false|twice`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import aiohttp

from meetbot_sandbox.meetings.errors import invalid
from meetbot_sandbox.meetings.lifecycle import Event
from meetbot_sandbox.meetings.state import CallbackDelivery, EmulatorState

log = logging.getLogger(__name__)

DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=5)
COPIES = {"true": 1, "false": 0, "twice": 2}


def copies_from(query: Mapping[str, str]) -> int:
    """How many times to deliver each callback, from `?callback=true|false|twice`."""
    value = query.get("callback", "true")
    if value not in COPIES:
        raise invalid('"callback" must be one of [true, false, twice]')
    return COPIES[value]


async def _post(
    http: aiohttp.ClientSession, state: EmulatorState, url: str, event: Event
) -> CallbackDelivery:
    status: int | None = None
    error: str | None = None
    try:
        async with http.post(url, json=event.payload, timeout=DELIVERY_TIMEOUT) as response:
            await response.read()
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        log.warning("meetings emulator: %s to %s failed: %s", event.name, url, error)
    return CallbackDelivery(event.name, url, event.payload, status, error, state.now())


async def deliver(
    http: aiohttp.ClientSession, state: EmulatorState, events: list[Event], copies: int
) -> list[CallbackDelivery]:
    """Send each event `copies` times, in order, and record every attempt in the state."""
    made: list[CallbackDelivery] = []
    for event in events:
        url = event.url
        if url is None:
            log.info(
                "meetings emulator: %s for room %s has no callback URL", event.name, event.room.id
            )
            continue
        for _ in range(copies):
            delivery = await _post(http, state, url, event)
            state.deliveries.append(delivery)
            made.append(delivery)
    return made
