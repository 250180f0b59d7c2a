"""`POST /callbacks/daily`: a signed Daily webhook in, the same durable `room_event` job out.

Daily sends every room's events of the domain to one URL (DESIGN §3), signed with the webhook's
HMAC secret (`bot.providers.daily.webhooks.verify`). Answers:

- 401, nothing else done: a body with a missing, wrong or stale (> 5 min) signature, and
  every event while DAILY_WEBHOOK_SECRET is unset (the bot warns at startup).
- 200: the event is stored as a job; also for an event type we do not follow, for a room
  meetbot did not create (other rooms of the domain send webhooks too), and for Daily's
  verification request when the webhook is made or updated (`{"test": "test"}`, or any body
  with no `type`), signed or not: it must pass before the secret can be known.
  Daily wants a *200* quickly, and counts anything else as a failure: three of them and the
  webhook is turned off for every room (https://docs.daily.co/reference/rest-api/webhooks,
  "state", "failedCount"), so an unknown room is not worth a 404.
- 400: a signed body that is not a documented event; 413 past 64 KB; 503 when Redis is down
  (with `retryType: exponential` Daily delivers it again).

Never logs the body, the signature or the secret.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from bot.cards.meetings_route import MAX_BODY, enqueue_event, error_response, json_object, read_body
from bot.errors import Unavailable
from bot.metrics import Metrics
from bot.providers.daily.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, parse_webhook, verify
from bot.storage.jobs import Jobs
from bot.storage.store import Store

log = logging.getLogger(__name__)

ROUTE = "/callbacks/daily"


def register(
    app: web.Application,
    *,
    store: Store,
    jobs: Jobs,
    metrics: Metrics,
    clock: Callable[[], datetime],
    secret: bytes | None,
) -> None:
    app.router.add_post(ROUTE, DailyWebhookRoute(store, jobs, metrics, clock, secret).handle)


def _is_verification(body: bytes) -> bool:
    """Daily's webhook-creation check: an unsigned test body that reports no event."""
    if not body.strip():
        return True
    try:
        return "type" not in json_object(body)
    except ValueError:
        return False


class DailyWebhookRoute:
    def __init__(
        self,
        store: Store,
        jobs: Jobs,
        metrics: Metrics,
        clock: Callable[[], datetime],
        secret: bytes | None,
    ) -> None:
        self.store = store
        self.jobs = jobs
        self.metrics = metrics
        self.clock = clock
        self.secret = secret

    async def handle(self, request: web.Request) -> web.Response:
        response = await self._answer(request)
        self.metrics.callbacks.labels(str(response.status)).inc()
        return response

    async def _answer(self, request: web.Request) -> web.Response:
        body = await read_body(request)
        if body is None:
            return error_response(413, f"body over {MAX_BODY} bytes")
        if _is_verification(body):
            # Carries no event and changes nothing, so it needs no signature: Daily sends it
            # when the webhook is made, before anyone could have set the secret it returns.
            return web.Response(status=200)
        signature = request.headers.get(SIGNATURE_HEADER)
        timestamp = request.headers.get(TIMESTAMP_HEADER)
        now = self.clock().timestamp()
        if not verify(self.secret, body, timestamp, signature, now=now):
            return error_response(401, "missing, invalid or stale webhook signature")
        try:
            data = json_object(body)
        except ValueError as exc:
            return error_response(400, str(exc))
        try:
            event = parse_webhook(data)
        except ValueError as exc:
            log.info("daily: refused webhook: %s", exc)
            return error_response(400, str(exc))
        if event is None or event.room_id is None:
            return web.Response(status=200)  # a type we do not follow
        try:
            meeting_id = await self.store.records.id_for_room(event.room_id)
        except Unavailable:
            return error_response(503, "temporarily unavailable")
        if meeting_id is None:
            return web.Response(status=200)  # a room of the domain meetbot did not create
        return await enqueue_event(self.jobs, meeting_id, event, self.clock, ok=200)
