"""The room controls under each emulated room: what people in the video room would do.

Each acts through the emulator's control API (`EmulatorControl`), so the emulator fires its
real callbacks at the bot's /callbacks/meetings/{token} and the card changes the way it would
in production. Nothing here talks to the bot directly.
"""

from __future__ import annotations

from bot.sandbox.demo.relay import SandboxInputError
from bot.sandbox.meetings import EmulatorControl, EmulatorState
from bot.sandbox.meetings.state import Room, Session
from bot.sandbox.slack.models import JSON
from bot.sandbox.slack.state import FakeSlackState

ACTIONS = ("join", "join-host", "leave", "record", "end", "recording-ready", "expire")


class RoomControls:
    def __init__(
        self, control: EmulatorControl, emulator: EmulatorState, slack: FakeSlackState
    ) -> None:
        self._control = control
        self._emulator = emulator
        self._slack = slack

    async def act(self, room_id: str, action: str, *, name: str, participant: str = "") -> JSON:
        """Do `action` (one of ACTIONS) in the room; `name` is who joins."""
        room = self._emulator.rooms.get(room_id)
        if room is None:
            raise SandboxInputError(f"unknown room {room_id!r}")
        if action not in ACTIONS:
            raise SandboxInputError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
        try:
            return await self._act(room, action, name, participant)
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
