"""Daily webhooks: signature check (`verify`, and `sign` for tests and the emulator) and the
mapping of an event body to a `bot.domain.rooms.RoomEvent` (`parse_webhook`). Pure: no I/O, no clock.

Signature (https://docs.daily.co/reference/rest-api/webhooks, "hmac"): `X-Webhook-Signature`
is the base64 HMAC-SHA256 of `f"{X-Webhook-Timestamp}.{raw body}"`, keyed with the webhook's
secret after base64-decoding it. We also refuse a timestamp more than five minutes from our
clock, so a captured delivery cannot be replayed later.

Bodies (https://docs.daily.co/reference/rest-api/webhooks/events): `{"version", "type", "id",
"payload", "event_ts"}`. Payloads used here, as documented per event (Daily's examples are in
tests/fixtures/daily/webhooks/; every time is unix SECONDS, often with a millisecond fraction):

    meeting.started             {start_ts, meeting_id, room}
    meeting.ended               {start_ts, end_ts, meeting_id, room}
    participant.joined|left     {joined_at, session_id, room, user_id, user_name, owner,
                                 will_eject_at (may be null), permissions [, duration (left)]}
    recording.started           {action, recording_id, layout, started_by, instance_id,
                                 start_ts}: NO room
    recording.ready-to-download {recording_id, room_name, start_ts, status, max_participants,
                                 duration, share_token, s3_key}
    waiting-participant.joined|left  participant.joined|left's fields: a guest knocking on a
                                 room with `enable_knocking`, and no longer knocking (let in:
                                 a participant.joined follows; refused or gone). Daily's
                                 example of `.left` has no `user_id` and no `duration`.

Daily's `meeting_id` is our session id; a participant's (or knocker's) `session_id` is our
participant id and names no meeting (`bot.cards.reducer.bind_session` supplies it). Recording events carry the
room as `room_name`, the others as `room`; both are read. `recording.started` names no room:
its event comes out with `room_id` None and `bot.cards.daily_route` finds the room
(`bot.providers.daily.room_hints`). The SDK marks every payload field optional, so only what
an event cannot be used without is required: the ids above and, but for recording.started,
the room.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from datetime import timedelta

from bot.domain.rooms import EventKind, RoomEvent
from bot.providers.daily.models import opt_unix
from bot.providers.http.parse import JsonObject, as_object, opt_bool, opt_float, opt_str

MAX_SKEW_SECONDS = 300
UPDATES_OFF_WARNING = (
    "DAILY_WEBHOOK_SECRET is not set: rooms work, but /callbacks/daily refuses every Daily "
    "event, so cards do not go live and recordings are not posted. To turn live updates on, "
    "run `python -m bot daily webhook` while this bot is reachable at PUBLIC_URL, then set "
    "the DAILY_WEBHOOK_SECRET it prints and restart."
)
SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"

# Issue 16. Payloads (https://docs.daily.co/reference/rest-api/webhooks/events/...):
#   transcript.ready-to-download  {id (the transcript), out_params, room_id (uuid), room_name,
#                                  mtg_session_id, duration, participant_minutes, status, domain_id}
#   transcript.error              {id, info, room_id, room_name, mtg_session_id, ..., error}
#   batch-processor.job-finished  {id (the job), preset, status, input, output}: NO room
#   batch-processor.error         {id, preset, status, input, error}: NO room
# Daily's own ready-to-download example names `room_id` twice (the uuid, then the name) and
# has no `room_name`; so the room is read but not required, and the session id is kept.
NOTES_KINDS: Mapping[str, EventKind] = {
    "transcript.ready-to-download": EventKind.TRANSCRIPT_READY,
    "transcript.error": EventKind.TRANSCRIPT_FAILED,
    "batch-processor.job-finished": EventKind.SUMMARY_READY,
    "batch-processor.error": EventKind.SUMMARY_FAILED,
}
KINDS: Mapping[str, EventKind] = {
    "meeting.started": EventKind.SESSION_STARTED,
    "meeting.ended": EventKind.SESSION_ENDED,
    "participant.joined": EventKind.PARTICIPANT_JOINED,
    "participant.left": EventKind.PARTICIPANT_LEFT,
    "recording.started": EventKind.RECORDING_STARTED,
    "recording.ready-to-download": EventKind.RECORDING_READY,
    # Issue 17: a guest knocks on a room with knocking on, and stops (let in, refused, gone).
    "waiting-participant.joined": EventKind.WAITING_JOINED,
    "waiting-participant.left": EventKind.WAITING_LEFT,
}
# What `python -m bot daily webhook` subscribes to: the six above and the notes events.
SUBSCRIBED: tuple[str, ...] = (*KINDS, *NOTES_KINDS)
_REQUIRED: Mapping[EventKind, str] = {
    EventKind.SESSION_STARTED: "meeting_id",
    EventKind.SESSION_ENDED: "meeting_id",
    EventKind.PARTICIPANT_JOINED: "session_id",
    EventKind.PARTICIPANT_LEFT: "session_id",
    EventKind.RECORDING_STARTED: "recording_id",
    EventKind.RECORDING_READY: "recording_id",
    EventKind.WAITING_JOINED: "session_id",
    EventKind.WAITING_LEFT: "session_id",
}
_PEOPLE = frozenset(
    {
        EventKind.PARTICIPANT_JOINED,
        EventKind.PARTICIPANT_LEFT,
        EventKind.WAITING_JOINED,
        EventKind.WAITING_LEFT,
    }
)
_LEAVING = frozenset({EventKind.PARTICIPANT_LEFT, EventKind.WAITING_LEFT})


def sign(secret: bytes, body: bytes, timestamp: str) -> str:
    """The `X-Webhook-Signature` Daily sends for `body` at `timestamp` (secret: decoded bytes)."""
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
    return base64.b64encode(mac.digest()).decode()


def verify(
    secret: bytes | None, body: bytes, timestamp: str | None, signature: str | None, *, now: float
) -> bool:
    """Whether the delivery is Daily's and fresh. Constant-time; never raises.

    `timestamp` is unix seconds (milliseconds are recognised by their size).
    """
    if not secret or not timestamp or not signature:
        return False
    try:
        sent = float(timestamp)
        base64.b64decode(signature, validate=True)
    except (ValueError, binascii.Error):
        return False
    if sent > 1e11:
        sent /= 1000
    if abs(now - sent) > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), signature)


def room_of(payload: JsonObject) -> str | None:
    return opt_str(payload, "room") or opt_str(payload, "room_name")


def parse_webhook(body: Mapping[str, object]) -> RoomEvent | None:
    """The event a verified body reports; None for a type we do not follow (answer 2xx anyway).
    A `recording.started` comes out without its room (`room_id` None): Daily sends none.

    Raises:
        ValueError: no type, no payload, no room, a required id missing or a field mistyped.
    """
    name = opt_str(body, "type")
    if not name:
        raise ValueError("webhook has no 'type'")
    kind = KINDS.get(name)
    if kind is None:
        return None
    payload = as_object(body.get("payload"), "payload")
    room = room_of(payload)
    if not room and kind is not EventKind.RECORDING_STARTED:
        raise ValueError(f"{name} webhook without its room")
    if not opt_str(payload, _REQUIRED[kind]):
        raise ValueError(f"{name} webhook without {_REQUIRED[kind]!r}")
    meeting = kind in (EventKind.SESSION_STARTED, EventKind.SESSION_ENDED)
    person = kind in _PEOPLE
    started = opt_unix(payload, "joined_at" if person else "start_ts")
    ended = opt_unix(payload, "end_ts")
    duration = opt_float(payload, "duration")
    if duration is None and started is not None and ended is not None:
        duration = (ended - started).total_seconds()
    if kind in _LEAVING and started is not None and duration is not None:
        ended = started + timedelta(seconds=duration)
    return RoomEvent(
        kind=kind,
        identity=identity(name, body, payload),
        room_id=room,
        session_id=opt_str(payload, "meeting_id") if meeting else None,
        started_at=started,
        ended_at=ended,
        participant_id=opt_str(payload, "session_id") if person else None,
        participant_name=opt_str(payload, "user_name") if person else None,
        is_host=opt_bool(payload, "owner") if person else False,
        recording_id=opt_str(payload, "recording_id"),
        duration_seconds=duration if not person else None,
    )


def parse_notes_webhook(body: Mapping[str, object]) -> RoomEvent | None:
    """The transcript or summary event a verified body reports (issue 16); None for any other
    type. Kept apart from `parse_webhook`: these may name no room (batch-processor events
    never do), and are routed by transcript or job id, not by room.

    Raises:
        ValueError: no payload, or no `id` (the transcript's or the job's) in it.
    """
    name = opt_str(body, "type")
    kind = NOTES_KINDS.get(name or "")
    if name is None or kind is None:
        return None
    payload = as_object(body.get("payload"), "payload")
    item = opt_str(payload, "id")
    if not item:
        raise ValueError(f"{name} webhook without 'id'")
    transcript = kind in (EventKind.TRANSCRIPT_READY, EventKind.TRANSCRIPT_FAILED)
    return RoomEvent(
        kind=kind,
        identity=identity(name, body, payload),
        room_id=opt_str(payload, "room_name") if transcript else None,
        session_id=opt_str(payload, "mtg_session_id") if transcript else None,
        transcript_id=item if transcript else None,
        job_id=None if transcript else item,
        error=_error_text(payload.get("error")),
    )


def _error_text(value: object) -> str | None:
    # Daily's reason, as said; bounded (it reaches a DM and the job's record, never a log).
    if isinstance(value, str) and value:
        return value[:300]
    if isinstance(value, Mapping) and value:
        return str(dict(value))[:300]
    return None


def started_by(body: Mapping[str, object]) -> str | None:
    """Who started a recording (`recording.started`'s `started_by`, a participant id), if said."""
    payload = body.get("payload")
    if not isinstance(payload, Mapping):
        return None
    value = payload.get("started_by")
    return value if isinstance(value, str) and value else None


def event_id(body: Mapping[str, object]) -> str:
    """Daily's event `id`, safe to log (an opaque id of Daily's, e.g. `met-sta-<uuid>-<s>`)."""
    value = body.get("id")
    return value[:120] if isinstance(value, str) and value else "-"


def identity(name: str, body: Mapping[str, object], payload: JsonObject) -> str:
    """Daily's event `id` names one event across redeliveries; without one, its ids and times."""
    event_id = opt_str(body, "id")
    if event_id:
        return f"daily|{name}|{event_id}"
    keys = (
        "room",
        "room_name",
        "meeting_id",
        "session_id",
        "recording_id",
        "start_ts",
        "end_ts",
        "id",
        "mtg_session_id",
    )
    parts = [f"{key}={opt_str(payload, key)}" for key in keys if opt_str(payload, key)]
    return "|".join(["daily", name, *parts])
