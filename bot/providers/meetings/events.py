"""`parse_callback`: a Meetings API callback body (spec `x-webhooks`) as a `bot.domain.rooms.RoomEvent`.

Pure: no I/O, no clock. Unknown events, missing ids and malformed timestamps raise `ValueError`
with a message naming the problem, so the callback route can answer 400 and log one line.
Callbacks are unsigned and never retried by the provider, so nothing here trusts or needs more
than the body.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.domain.rooms import EventKind, RoomEvent
from bot.providers.http.parse import JsonObject, opt_bool, opt_datetime, opt_float, opt_str

# "recording:ready" is the name older Meetings deployments sent for "recording:uploaded".
_KINDS: Mapping[str, EventKind] = {kind.value: kind for kind in EventKind} | {
    "recording:ready": EventKind.RECORDING_READY
}

# The ids each event must carry to be of any use to us (the spec marks none as required).
_REQUIRED: Mapping[EventKind, tuple[str, ...]] = {
    EventKind.ROOM_EXPIRED: ("room_id",),
    EventKind.SESSION_STARTED: ("session_id",),
    EventKind.SESSION_ENDED: ("session_id",),
    EventKind.PARTICIPANT_JOINED: ("session_id", "participant_id"),
    EventKind.PARTICIPANT_LEFT: ("session_id", "participant_id"),
    EventKind.RECORDING_STARTED: ("recording_id",),
    EventKind.RECORDING_ENDED: ("recording_id",),
    EventKind.RECORDING_READY: ("recording_id",),
}

# What makes two deliveries "the same event": everything identifying in the body, in a fixed
# order. A duplicate delivery repeats all of them; a different event differs in at least one.
_IDENTITY_FIELDS = (
    "room_id",
    "session_id",
    "participant_id",
    "recording_id",
    "started_at",
    "ended_at",
    "expires_at",
)


def parse_callback(payload: Mapping[str, object]) -> RoomEvent:
    """Normalise one callback body.

    Raises:
        ValueError: unknown `event`, a required id missing, or a field of the wrong type.
    """
    data: JsonObject = payload
    name = opt_str(data, "event")
    if not name:
        raise ValueError("callback has no 'event'")
    kind = _KINDS.get(name)
    if kind is None:
        raise ValueError(f"unknown Meetings callback event {name!r}")
    for key in _REQUIRED[kind]:
        if not opt_str(data, key):
            raise ValueError(f"{name} callback without {key!r}")
    started_at = opt_datetime(data, "started_at")
    ended_at = opt_datetime(data, "ended_at")
    opt_datetime(data, "expires_at")  # checked here so a malformed one is refused, not ignored
    duration = opt_float(data, "duration")
    if duration is None and started_at is not None and ended_at is not None:
        duration = (ended_at - started_at).total_seconds()
    return RoomEvent(
        kind=kind,
        identity=identity(kind, data),
        room_id=opt_str(data, "room_id"),
        session_id=opt_str(data, "session_id"),
        started_at=started_at,
        ended_at=ended_at,
        participant_id=opt_str(data, "participant_id"),
        participant_name=opt_str(data, "name"),
        is_host=opt_bool(data, "is_host"),
        recording_id=opt_str(data, "recording_id"),
        recording_url=opt_str(data, "url"),
        duration_seconds=duration,
    )


def identity(kind: EventKind, data: JsonObject) -> str:
    """Stable key for a delivery, e.g. 'session:ended|room_id=r1|session_id=s1|started_at=...'.

    Built from the normalised kind, so 'recording:ready' and 'recording:uploaded' for the same
    recording are one event.
    """
    parts = [kind.value]
    for key in _IDENTITY_FIELDS:
        value = opt_str(data, key)
        if value:
            parts.append(f"{key}={value}")
    return "|".join(parts)
