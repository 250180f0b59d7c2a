"""`POST /callbacks/meetings/{token}`: a Meetings callback in, a durable `room_event` job out.

The provider signs nothing and never retries, so the per-room token in the path is the only
credential, and the answer must be quick and final: 204 once the job is stored in Redis; 404
for an unknown token, 400 for a body that is not a documented event, 413 past 64 KB, 503 when
Redis is down. Nothing else happens here: the worker applies the event (`bot.cards.live`). The job's
key is the event's identity, so a duplicate delivered while the first is queued is dropped at
the queue. Never logs the token (log the meeting id) nor the body (recording links are secret).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web
from prometheus_client import Counter

from bot.domain.rooms import RoomEvent
from bot.errors import Unavailable
from bot.metrics import Metrics
from bot.providers.meetings.events import parse_callback
from bot.storage.jobs import JobName, Jobs
from bot.storage.store import Store

log = logging.getLogger(__name__)

ROUTE = "/callbacks/meetings/{token}"
MAX_BODY = 64 * 1024
# What `secrets.token_urlsafe` makes (service.py mints 32 characters); anything else is
# unknown without asking Redis.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,128}")
KNOWN_TOKENS_TTL = 60.0
KNOWN_TOKENS_MAX = 10_000


def register(
    app: web.Application,
    *,
    store: Store,
    jobs: Jobs,
    metrics: Metrics,
    clock: Callable[[], datetime],
) -> None:
    app.router.add_post(ROUTE, CallbackRoute(store, jobs, metrics, clock).handle)


def error_response(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class CallbackRoute:
    def __init__(
        self, store: Store, jobs: Jobs, metrics: Metrics, clock: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.jobs = jobs
        self.clock = clock
        self.outcomes = metrics.callbacks
        self._counters: dict[int, Counter] = {}
        # Known tokens, briefly: a room's callbacks come in bursts (50 joins), and a token
        # never changes meeting; it only disappears with the record, a month after expiry.
        self._known: dict[str, tuple[str, float]] = {}

    async def handle(self, request: web.Request) -> web.Response:
        response = await self._answer(request)
        counter = self._counters.get(response.status)
        if counter is None:
            counter = self._counters[response.status] = self.outcomes.labels(str(response.status))
        counter.inc()
        return response

    async def _answer(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        if body is None:
            return error_response(413, f"body over {MAX_BODY} bytes")
        token = request.match_info["token"]
        try:
            meeting_id = await self._meeting_for(token)
        except Unavailable:
            return error_response(503, "temporarily unavailable")
        if meeting_id is None:
            return error_response(404, "unknown callback token")
        try:
            payload = json_object(body)
        except ValueError as exc:
            return error_response(400, str(exc))
        try:
            event = parse_callback(payload)
        except ValueError as exc:
            log.info("meeting %s: refused callback: %s", meeting_id, exc)
            return error_response(400, str(exc))
        return await enqueue_event(self.jobs, meeting_id, event, self.clock, ok=204)

    async def _meeting_for(self, token: str) -> str | None:
        if not _TOKEN.fullmatch(token):
            return None
        now = time.monotonic()
        cached = self._known.get(token)
        if cached is not None and cached[1] > now:
            return cached[0]
        meeting_id = await self.store.records.id_for_token(token)
        if meeting_id is not None:
            if len(self._known) >= KNOWN_TOKENS_MAX:
                self._known.clear()  # crude, but a burst refills it with one GET per room
            self._known[token] = (meeting_id, now + KNOWN_TOKENS_TTL)
        return meeting_id


async def enqueue_event(
    jobs: Jobs, meeting_id: str, event: RoomEvent, clock: Callable[[], datetime], *, ok: int
) -> web.Response:
    """Store the event as a `room_event` job keyed by its identity (a duplicate delivery while
    the first is queued is dropped at the queue); `ok` once stored, 503 if Redis is down."""
    try:
        await jobs.enqueue(
            JobName.ROOM_EVENT,
            f"event:{meeting_id}:{event.identity}",
            meeting_id=meeting_id,
            event=event.to_dict(),
            received_at=clock().isoformat(),
        )
    except Unavailable:
        return error_response(503, "temporarily unavailable")
    return web.Response(status=ok)


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytes | None:
    """The body, or None past `limit`: refused by its Content-Length before reading, or once a
    chunked body (which has none) passes it."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(limit + 1 - size):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def json_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object. Raises ValueError saying what it is instead."""
    try:
        payload = json.loads(body)
    except ValueError as exc:
        raise ValueError("body is not JSON") from exc
    if not isinstance(payload, dict):
        raise ValueError("body is not a JSON object")
    return payload
