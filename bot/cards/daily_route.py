"""`POST /callbacks/daily`: a signed Daily webhook in, the same durable `room_event` job out.

Daily sends every room's events of the domain to one URL (DESIGN §3), signed with the webhook's
HMAC secret (`bot.providers.daily.webhooks.verify`), and counts every answer but a 200 as a
failed delivery: with the default `retryType` three of them turn the webhook off for every
room of the account (https://docs.daily.co/reference/rest-api/webhooks, "state",
"failedCount"). So a delivery Daily signed is never refused for what it says. Answers:

- 401, nothing else done: a missing, wrong or stale (> 5 min) signature, and every event while
  DAILY_WEBHOOK_SECRET is unset (the bot warns at startup). 413 past 1 MiB, unread.
- 200 for everything signed: an event stored as a job; an event we cannot use (not JSON, a
  followed type without its ids, a mistyped field), logged once at WARNING with its type and
  event id (never the body) and counted in `meetbot_daily_webhooks_unusable`; a type we do not
  follow (counted, and logged once per type: the webhook subscribes to more than we need); a
  room meetbot did not create (other rooms of the domain send webhooks too). Also Daily's
  verification request when the webhook is made or updated (`{"test": "test"}`, or any body
  with no `type`), signed or not: it must pass before the secret can be known.
- 503 only when Redis is down, whatever the event: nothing could be stored (the webhook is
  made with `retryType: exponential`, so Daily delivers it again).

`recording.started` names no room. Its room is what an earlier `participant.joined` of the
person who started it told us (`started_by`), or what a redelivery already resolved
(`bot.providers.daily.room_hints`); otherwise a `daily_recording_started` job asks Daily for
the recording's room (`bot.cards.daily_recordings`): the web role itself calls no provider.
A redelivery of one event (same Daily `id`) is the same job, and applying it twice changes
nothing (`bot.cards.reducer`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

from aiohttp import web

from bot.cards.meetings_route import enqueue_event, error_response, json_object, read_body
from bot.domain.rooms import EventKind, RoomEvent
from bot.errors import Unavailable
from bot.metrics import Metrics
from bot.notes.route import NOTES_KINDS, route_notes_event
from bot.notes.store import NotesStore
from bot.providers.daily.room_hints import RoomHints
from bot.providers.daily.webhooks import (
    KINDS,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    event_id,
    parse_notes_webhook,
    parse_webhook,
    started_by,
    verify,
)
from bot.providers.daily.webhooks import (
    NOTES_KINDS as DAILY_NOTES_TYPES,
)
from bot.storage.jobs import JobName, Jobs
from bot.storage.keys import NotesKeys
from bot.storage.store import Store

log = logging.getLogger(__name__)

ROUTE = "/callbacks/daily"
# Daily's events are under 2 KB (tests/fixtures/daily/webhooks/); a signed body is read whole
# up to this, so that even an odd one is answered 200 rather than refused for its size.
MAX_BODY = 1024 * 1024
_TYPES_WARNED_MAX = 100


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
        self.hints = RoomHints(store.redis, store.keys)
        self.notes = NotesStore(store.redis, keys=NotesKeys(store.keys.prefix))
        self._types_warned: set[str] = set()

    async def handle(self, request: web.Request) -> web.Response:
        response = await self._answer(request)
        self.metrics.callbacks.labels(str(response.status)).inc()
        return response

    async def _answer(self, request: web.Request) -> web.Response:
        body = await read_body(request, MAX_BODY)
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
            return await self._accept(body)
        except Unavailable:
            return error_response(503, "temporarily unavailable")

    async def _accept(self, body: bytes) -> web.Response:
        """What a signed delivery asks for: 200 whatever it says. Raises Unavailable."""
        try:
            data = json_object(body)
        except ValueError as exc:
            return await self._unusable("-", "-", str(exc))
        name = data.get("type")
        name = name if isinstance(name, str) else "-"
        try:
            event = parse_webhook(data) or parse_notes_webhook(data)
        except ValueError as exc:
            return await self._unusable(name, event_id(data), str(exc))
        if event is None:
            return self._unfollowed(name)
        if event.kind in NOTES_KINDS:  # issue 16: transcripts and summaries (bot.notes)
            received = self.clock().isoformat()
            await route_notes_event(
                event, store=self.store, notes=self.notes, jobs=self.jobs, received_at=received
            )
            return web.Response(status=200)
        if event.room_id is None:  # recording.started: Daily names no room
            room = await self.hints.room_of_recording(event.recording_id or "", started_by(data))
            if room is None:
                return await self._resolve_later(event, started_by(data))
            event = dataclasses.replace(event, room_id=room)
        assert event.room_id is not None
        meeting_id = await self.store.records.id_for_room(event.room_id)
        if meeting_id is None:
            return web.Response(status=200)  # a room of the domain meetbot did not create
        if event.kind is EventKind.PARTICIPANT_JOINED and event.participant_id:
            await self.hints.note_participant(event.participant_id, event.room_id)
        response = await enqueue_event(self.jobs, meeting_id, event, self.clock, ok=200)
        if response.status == 503:
            raise Unavailable("the event could not be stored")
        return response

    async def _resolve_later(self, event: RoomEvent, starter: str | None) -> web.Response:
        """A job asks Daily which room the recording is in, then applies the event."""
        await self.jobs.enqueue(
            JobName.DAILY_RECORDING_STARTED,
            f"daily-recording:{event.identity}",
            event=event.to_dict(),
            started_by=starter,
            received_at=self.clock().isoformat(),
        )
        return web.Response(status=200)

    async def _unusable(self, name: str, ident: str, reason: str) -> web.Response:
        """Signed by Daily, yet not an event we can use: say so once, and answer 200."""
        if ident == "-" or await self.hints.first_report(ident):
            self.metrics.daily_unusable.labels(_label(name), "unreadable").inc()
            log.warning("daily: unusable %r webhook (event id %r): %s", name[:60], ident, reason)
        return web.Response(status=200)

    def _unfollowed(self, name: str) -> web.Response:
        self.metrics.daily_unusable.labels(_label(name), "not followed").inc()
        if name not in self._types_warned and len(self._types_warned) < _TYPES_WARNED_MAX:
            self._types_warned.add(name)
            log.warning(
                "daily: the webhook sends %r events, which meetbot does not follow (answered "
                "200 and ignored; `python -m bot daily webhook` subscribes to just the ones it "
                "follows)",
                name[:60],
            )
        return web.Response(status=200)


def _label(name: str) -> str:
    """A bounded metric label: the types we follow by name, any other as "other"."""
    return name if name in KINDS or name in DAILY_NOTES_TYPES else "other"
