"""The room panel on the Meetings emulator (`meetbot_sandbox.meetings`): its control API fires the
room, session and recording callbacks at the bot's /callbacks/meetings/{token}."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from meetbot_sandbox.demo.relay import SandboxInputError
from meetbot_sandbox.demo.rooms import ACTIONS, LOBBY_ACTIONS, Joined, Provider, RoomActionError
from meetbot_sandbox.meetings import EmulatorControl, EmulatorControlError, EmulatorState
from meetbot_sandbox.meetings.state import Room, Session
from meetbot_sandbox.meetings.views import MEETINGS_WEB_URL
from meetbot_sandbox.slack.models import JSON
from meetbot_sandbox.slack.state import FakeSlackState

MEETINGS = Provider(
    "meetings",
    "Vonage Meetings (emulated)",
    "The Meetings API was shut down on 2025-06-30; this is its spec-faithful emulator.",
)


class MeetingsRooms:
    provider = MEETINGS

    def __init__(
        self, control: EmulatorControl, emulator: EmulatorState, slack: FakeSlackState
    ) -> None:
        self._control = control
        self._emulator = emulator
        self._slack = slack

    async def refresh(self) -> None:
        """Meetings rooms carry their own title (`display_name`): nothing to learn."""

    def rooms(self) -> list[JSON]:
        return [self._room(room) for room in reversed(self._emulator.rooms_in_order())]

    def room_of_link(self, url: str) -> Joined | None:
        """`https://meetings.vonage.com[/theme]/{code}` for guests and
        `.../?room_token={code}&participant_token={token}` for the host."""
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != MEETINGS_WEB_URL:
            return None
        query = parse_qs(parts.query)
        code = (query.get("room_token") or [parts.path.rsplit("/", 1)[-1]])[0]
        room = next((r for r in self._emulator.rooms.values() if r.meeting_code == code), None)
        if room is None:
            return None
        token = (query.get("participant_token") or [""])[0]
        return Joined(room.id, host=bool(token) and token == room.participant_token)

    async def act(self, room_id: str, action: str, *, name: str, participant: str = "") -> JSON:
        room = self._emulator.rooms.get(room_id)
        if room is None:
            raise SandboxInputError(f"unknown room {room_id!r}")
        if action not in ACTIONS:
            if action in LOBBY_ACTIONS:
                raise SandboxInputError(
                    "the Meetings emulator lets nobody knock: try --provider daily"
                )
            raise SandboxInputError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        try:
            return await self._act(room, action, name, participant)
        except EmulatorControlError as exc:
            message = exc.body.get("message") if isinstance(exc.body, dict) else None
            raise RoomActionError(exc.status, str(message or exc)) from exc
        finally:
            self._slack.touch()  # the room panel changed, whatever the card does next

    async def _act(self, room: Room, action: str, name: str, participant: str) -> JSON:
        control = self._control
        if action in ("join", "join-host"):
            session_id = room.live_session_id or await control.start_session(room.id)
            joined = await control.join(session_id, name, is_host=action == "join-host")
            return {"session_id": session_id, "participant_id": joined}
        if action == "expire":
            await control.expire_room(room.id)
            return {"room_id": room.id}
        if action == "recording-ready":
            return {"recording_ids": await self._finish_recordings(room)}
        session = self._live_session(room)
        if action == "leave":
            await control.leave(session.id, participant)
        elif action == "record":
            return {"recording_id": await control.start_recording(session.id)}
        else:  # "end"
            await control.end_session(session.id)
        return {"session_id": session.id}

    def _live_session(self, room: Room) -> Session:
        session = self._emulator.sessions.get(room.live_session_id or "")
        if session is None:
            raise SandboxInputError("nobody is in this room: join it first")
        return session

    async def _finish_recordings(self, room: Room) -> list[str]:
        """Stop what still runs, then upload: `recording:uploaded` carries the download link."""
        pending = [
            r
            for r in self._emulator.recordings.values()
            if r.room_id == room.id and r.status != "uploaded"
        ]
        if not pending:
            raise SandboxInputError("no recording to finish: press Record while people are in")
        for recording in pending:
            if recording.status == "started":
                await self._control.stop_recording(recording.id)
            await self._control.upload_recording(recording.id)
        return [recording.id for recording in pending]

    def _room(self, room: Room) -> JSON:
        emulator = self._emulator
        session = emulator.sessions.get(room.live_session_id or "")
        live: dict[str, Any] | None = None
        if session is not None:
            live = {
                "id": session.id,
                "started_at": session.started_at.isoformat(),
                "participants": [
                    {"id": p.id, "name": p.name, "is_host": p.is_host}
                    for p in session.participants.values()
                    if p.left_at is None
                ],
            }
        return {
            "id": room.id,
            "title": room.display_name,
            "detail": ("instant" if room.type == "instant" else "long-term")
            + (", waiting room" if room.join_approval_level == "explicit_approval" else ""),
            "available": room.is_available(emulator.now()),
            "expires_at": room.expires_at.isoformat(),
            "can_record": True,
            # The emulator admits everyone: the Meetings API tells nobody who waits.
            "lobby": False,
            "waiting": [],
            "session": live,
            "sessions": sum(1 for s in emulator.sessions.values() if s.room_id == room.id),
            "recordings": [
                {"id": r.id, "status": r.status, "live": r.session_id == room.live_session_id}
                for r in emulator.recordings.values()
                if r.room_id == room.id
            ],
        }
