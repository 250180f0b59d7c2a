"""What people do in rooms, as state changes plus the callbacks each one makes the API send.

Each function changes the state first and returns the `Event`s to deliver, with the payloads
of the spec's `x-webhooks` (exact field names). Delivery is callbacks.py's job; HTTP is
control_api.py's. Conflicts (ended session, stopped recording...) raise 409, unknown ids 404.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from meetbot_sandbox.meetings.errors import conflict, not_found
from meetbot_sandbox.meetings.state import (
    INSTANT_IDLE,
    EmulatorState,
    Participant,
    Recording,
    Room,
    Session,
)
from meetbot_sandbox.meetings.views import iso

# Which of the room's callback URLs each event goes to (spec, CallbackUrls).
URL_KIND = {
    "room": "rooms_callback_url",
    "session": "sessions_callback_url",
    "recording": "recordings_callback_url",
}


@dataclass(frozen=True)
class Event:
    room: Room
    payload: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.payload["event"])

    @property
    def url(self) -> str | None:
        kind = URL_KIND[self.name.split(":", 1)[0]]
        return (self.room.callback_urls or {}).get(kind)


def _session(state: EmulatorState, session_id: str) -> Session:
    session = state.sessions.get(session_id)
    if session is None:
        raise not_found(f"Session {session_id} was not found")
    return session


def _recording(state: EmulatorState, recording_id: str) -> Recording:
    recording = state.recordings.get(recording_id)
    if recording is None:
        raise not_found(f"Recording {recording_id} was not found")
    return recording


def _live(state: EmulatorState, session_id: str) -> Session:
    session = _session(state, session_id)
    if session.ended_at is not None:
        raise conflict(f"Session {session_id} has ended")
    return session


def room_expired(room: Room) -> Event:
    room.expiry_announced = True
    payload = {
        "event": "room:expired",
        "room_id": room.id,
        "room_type": room.type,
        "expires_at": iso(room.expires_at),
        "created_at": iso(room.created_at),
    }
    return Event(room, payload)


def start_session(state: EmulatorState, room: Room) -> tuple[Session, list[Event]]:
    now = state.now()
    if not room.is_available(now):
        raise conflict(f"Room {room.id} is not available")
    if room.live_session_id is not None:
        raise conflict(f"Room {room.id} already has a live session {room.live_session_id}")
    session = Session(state.new_session_id(), room.id, now)
    state.sessions[session.id] = session
    room.live_session_id = session.id
    started = {
        "event": "session:started",
        "session_id": session.id,
        "room_id": room.id,
        "started_at": iso(now),
    }
    events = [Event(room, started)]
    if room.recording_options.get("auto_record"):
        events += start_recording(state, session.id)[1]
    return session, events


def _participant_event(name: str, session: Session, room: Room, who: Participant) -> Event:
    payload = {
        "event": name,
        "participant_id": who.id,
        "session_id": session.id,
        "room_id": room.id,
        "name": who.name,
        "type": "Guest",  # the docs' example says "Guest" even for the host
        "is_host": who.is_host,
    }
    return Event(room, payload)


def join(
    state: EmulatorState, session_id: str, name: str, is_host: bool
) -> tuple[Participant, list[Event]]:
    session = _live(state, session_id)
    who = Participant(str(uuid.uuid4()), name, is_host, state.now())
    session.participants[who.id] = who
    room = state.rooms[session.room_id]
    return who, [_participant_event("session:participant:joined", session, room, who)]


def leave(
    state: EmulatorState, session_id: str, participant_id: str
) -> tuple[Participant, list[Event]]:
    session = _live(state, session_id)
    who = session.participants.get(participant_id)
    if who is None:
        raise not_found(f"Participant {participant_id} was not found in session {session_id}")
    if who.left_at is not None:
        raise conflict(f"Participant {participant_id} has already left")
    who.left_at = state.now()
    room = state.rooms[session.room_id]
    return who, [_participant_event("session:participant:left", session, room, who)]


def end_session(state: EmulatorState, session_id: str) -> tuple[Session, list[Event]]:
    """End a session: running recordings stop, then session:ended; the room may expire."""
    session = _live(state, session_id)
    room = state.rooms[session.room_id]
    events: list[Event] = []
    for recording in list(state.recordings.values()):
        if recording.session_id == session.id and recording.status == "started":
            events += stop_recording(state, recording.id)[1]
    now = state.now()
    session.ended_at = now
    room.live_session_id = None
    events.append(
        Event(
            room,
            {
                "event": "session:ended",
                "session_id": session.id,
                "room_id": room.id,
                "started_at": iso(session.started_at),
                "ended_at": iso(now),
            },
        )
    )
    if room.type == "instant":
        room.expires_at = now + INSTANT_IDLE  # idle again: the 10-minute clock restarts
    elif room.expire_after_use:
        room.closed, room.expires_at = True, now
        events.append(room_expired(room))
    return session, events


def start_recording(state: EmulatorState, session_id: str) -> tuple[Recording, list[Event]]:
    session = _live(state, session_id)
    room = state.rooms[session.room_id]
    if not room.available_features.get("is_recording_available", True):
        raise conflict(f"Recording is not available in room {room.id}")
    recording = Recording(str(uuid.uuid4()), session.id, room.id, state.now())
    state.recordings[recording.id] = recording
    payload = {"event": "recording:started", "recording_id": recording.id, "session_id": session.id}
    return recording, [Event(room, payload)]


def _timing(recording: Recording) -> dict[str, Any]:
    assert recording.ended_at is not None
    return {
        "started_at": iso(recording.started_at),
        "ended_at": iso(recording.ended_at),
        "duration": recording.duration,
    }


def stop_recording(state: EmulatorState, recording_id: str) -> tuple[Recording, list[Event]]:
    recording = _recording(state, recording_id)
    if recording.status != "started":
        raise conflict(f"Recording {recording_id} is {recording.status}, not started")
    recording.status, recording.ended_at = "stopped", state.now()
    payload = {
        "event": "recording:ended",
        "recording_id": recording.id,
        "session_id": recording.session_id,
        **_timing(recording),
    }
    return recording, [Event(state.rooms[recording.room_id], payload)]


def upload_recording(
    state: EmulatorState, recording_id: str, url: str
) -> tuple[Recording, list[Event]]:
    recording = _recording(state, recording_id)
    if recording.status != "stopped":
        raise conflict(f"Recording {recording_id} is {recording.status}, not stopped")
    recording.status, recording.url = "uploaded", url
    payload = {
        "event": "recording:uploaded",
        "recording_id": recording.id,
        "session_id": recording.session_id,
        "room_id": recording.room_id,
        **_timing(recording),
        "url": url,
    }
    return recording, [Event(state.rooms[recording.room_id], payload)]


def expire_room(state: EmulatorState, room: Room) -> list[Event]:
    if room.closed:
        raise conflict(f"Room {room.id} has already expired")
    now = state.now()
    room.closed = True
    room.expires_at = min(room.expires_at, now)
    return [room_expired(room)]


def expire_due(state: EmulatorState) -> list[Event]:
    """room:expired for every room whose time ran out and that was not announced yet."""
    now = state.now()
    due = [r for r in state.rooms_in_order() if not r.is_available(now) and not r.expiry_announced]
    return [room_expired(room) for room in due]
