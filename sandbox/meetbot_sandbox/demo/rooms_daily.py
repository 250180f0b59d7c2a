"""The room panel on the Daily emulator (`meetbot_sandbox.daily`): its control API sends signed
webhooks to the bot's /callbacks/daily, as Daily does.

Daily knows a room by its name (`mb-...`), not by the meeting's title, so the panel asks the
bot's records for the title (`bot`). Daily sends no webhook when a room expires, and a Daily
room never expires before the `exp` the bot gave it: the bot's reconcile sweep looks at an
unused room rarely (every 15 minutes, and at that `exp`). So after "Expire room" the panel
asks the bot to look at that room at its next sweep; the card then changes as it would when
the sweep finds any room gone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from meetbot_sandbox.daily import DailyControl, DailyControlError, DailyState
from meetbot_sandbox.daily.state import RoomState, SessionState
from meetbot_sandbox.demo.relay import SandboxInputError
from meetbot_sandbox.demo.rooms import (
    ACTIONS,
    LOBBY_ACTIONS,
    NOTES_ACTIONS,
    BotRecords,
    Joined,
    Provider,
    RoomActionError,
)
from meetbot_sandbox.slack.models import JSON
from meetbot_sandbox.slack.state import FakeSlackState

DAILY = Provider(
    "daily",
    "Daily (emulated)",
    "Daily works today; here its REST API and signed webhooks are emulated. Daily sends no "
    "webhook when a room expires: the card follows at the bot's next reconcile sweep.",
)


class DailyRooms:
    provider = DAILY

    def __init__(
        self, control: DailyControl, daily: DailyState, slack: FakeSlackState, *, root_url: str
    ) -> None:
        self._control = control
        self._daily = daily
        self._slack = slack
        self._root = root_url.rstrip("/")
        self.bot: BotRecords | None = None  # set once the bot runs
        self._known: dict[str, str] = {}  # room name -> meeting title

    async def refresh(self) -> None:
        if self.bot is None:
            return
        for name in self._daily.rooms.keys() - self._known.keys():
            if title := await self.bot.title(name):
                self._known[name] = title

    def rooms(self) -> list[JSON]:
        rooms = sorted(self._daily.rooms.values(), key=lambda r: r.created_at, reverse=True)
        return [self._room(room) for room in rooms]

    def room_of_link(self, url: str) -> Joined | None:
        """`{root}/{room name}?t={meeting token}`: the token's `is_owner` makes the host; a bare
        link to a room with knocking on knocks (Daily's lobby).

        Raises SandboxInputError for a known room without a valid token: the rooms are private.
        """
        parts = urlsplit(url)
        room = self._daily.rooms.get(parts.path.strip("/"))
        if f"{parts.scheme}://{parts.netloc}" != self._root or room is None:
            return None
        token = (parse_qs(parts.query).get("t") or [""])[0]
        if not token and room.enable_knocking:
            return Joined(room.name, host=False, knock=True)  # no token: knock on the lobby
        claims = self._daily.tokens.get(token)
        if claims is None or claims.get("room_name") != room.name:
            raise SandboxInputError("a private Daily room needs a meeting token in its link")
        return Joined(room.name, host=bool(claims.get("is_owner")))

    async def act(self, room_id: str, action: str, *, name: str, participant: str = "") -> JSON:
        room = self._daily.rooms.get(room_id)
        if room is None:
            raise SandboxInputError(f"unknown room {room_id!r}")
        if action not in ACTIONS + LOBBY_ACTIONS + NOTES_ACTIONS:
            known = ", ".join(ACTIONS + LOBBY_ACTIONS + NOTES_ACTIONS)
            raise SandboxInputError(f"unknown action {action!r}; one of {known}")
        try:
            return await self._act(room, action, name, participant)
        except DailyControlError as exc:
            info = exc.body.get("info") if isinstance(exc.body, dict) else None
            raise RoomActionError(exc.status, str(info or exc)) from exc
        finally:
            self._slack.touch()  # the room panel changed, whatever the card does next

    async def _act(self, room: RoomState, action: str, name: str, participant: str) -> JSON:
        control = self._control
        if action in ("join", "join-host"):
            live = self._daily.live_session(room.name)
            session_id = live.id if live else await control.start_session(room.name)
            joined = await control.join(session_id, name, is_host=action == "join-host")
            if action == "join-host" and room.enable_recording == "cloud":
                # The bot's host link carries `start_cloud_recording` for a recorded room.
                await self._record_once(session_id)
            return {"session_id": session_id, "participant_id": joined}
        if action == "knock":
            return {"participant_id": await control.knock(room.name, name)}
        if action in ("admit", "deny", "give-up"):
            return await self._lobby(room, action, participant)
        if action == "expire":
            await control.expire_room(room.name)
            if self.bot is not None:
                await self.bot.check_soon(room.name)
            return {"room_id": room.name}
        if action == "recording-ready":
            return {"recording_ids": await self._finish_recordings(room)}
        if action == "transcript-ready":
            return {"transcript_ids": await self._finish_transcripts(room)}
        if action == "summary-ready":
            return {"job_ids": await self._finish_summaries(room)}
        session = self._live_session(room)
        if action == "leave":
            await control.leave(session.id, participant)
        elif action == "record":
            return {"recording_id": await control.start_recording(session.id)}
        else:  # "end"
            await control.end_session(session.id)
        return {"session_id": session.id}

    async def _lobby(self, room: RoomState, action: str, participant: str) -> JSON:
        if not participant:
            raise SandboxInputError(f"{action} needs the knocking participant's id")
        if action == "admit":
            return {"session_id": await self._control.admit(room.name, participant)}
        if action == "deny":
            await self._control.deny(room.name, participant)
        else:
            await self._control.give_up(room.name, participant)
        return {"participant_id": participant}

    async def _record_once(self, session_id: str) -> None:
        recordings = self._daily.recordings.values()
        if not any(r.session_id == session_id and r.status == "in-progress" for r in recordings):
            await self._control.start_recording(session_id)

    def _live_session(self, room: RoomState) -> SessionState:
        session = self._daily.live_session(room.name)
        if session is None:
            raise SandboxInputError("nobody is in this room: join it first")
        return session

    async def _finish_recordings(self, room: RoomState) -> list[str]:
        """`recording.ready-to-download` for each recording still in progress."""
        pending = [
            r
            for r in self._daily.recordings.values()
            if r.room_name == room.name and r.status == "in-progress"
        ]
        if not pending:
            raise SandboxInputError("no recording to finish: press Record while people are in")
        for recording in pending:
            await self._control.recording_ready(recording.id)
        return [recording.id for recording in pending]

    async def _finish_transcripts(self, room: RoomState) -> list[str]:
        """`transcript.ready-to-download` for each ended session's unfinished transcript."""
        daily = self._daily
        pending = [
            t.session_id
            for t in daily.transcripts.values()
            if t.room_name == room.name
            and t.status == "t_in_progress"
            and daily.sessions[t.session_id].ended_at is not None
        ]
        if not pending:
            raise SandboxInputError(
                "no transcript to finish: a room with notes on transcribes each session, "
                "ready once the session has ended"
            )
        return [await self._control.transcript_ready(session_id) for session_id in pending]

    async def _finish_summaries(self, room: RoomState) -> list[str]:
        """`batch-processor.job-finished` for each summary job the bot asked for here."""
        daily = self._daily
        mine = {t.id for t in daily.transcripts.values() if t.room_name == room.name}
        pending = [
            job.id
            for job in daily.jobs.values()
            if job.transcript_id in mine and job.status in ("submitted", "processing")
        ]
        if not pending:
            raise SandboxInputError(
                "no summary to finish: the bot asks for one once a transcript is ready"
            )
        for job_id in pending:
            await self._control.summary_ready(job_id)
        return pending

    def _room(self, room: RoomState) -> JSON:
        daily = self._daily
        session = daily.live_session(room.name)
        live: dict[str, Any] | None = None
        if session is not None:
            live = {
                "id": session.id,
                "started_at": session.started_at.isoformat(),
                "participants": [
                    {"id": pid, "name": who["name"], "is_host": bool(who["owner"])}
                    for pid, who in session.participants.items()
                ],
            }
        now = int(daily.now().timestamp())
        recording = room.enable_recording == "cloud"
        notes = ", notes on" if room.enable_transcription_storage else ""
        return {
            "id": room.name,
            "title": self._known.get(room.name, room.name),
            "detail": "private room"
            + (", lobby" if room.enable_knocking else "")
            + (", cloud recording" if recording else "")
            + notes,
            "available": room.exp is None or room.exp > now,
            "expires_at": None if room.exp is None else _iso(room.exp),
            "can_record": recording,
            "lobby": room.enable_knocking,
            "waiting": [
                {"id": k.id, "name": k.name} for k in daily.waiting.values() if k.room == room.name
            ],
            "session": live,
            "sessions": sum(1 for s in daily.sessions.values() if s.room == room.name),
            "recordings": [
                {
                    "id": r.id,
                    "status": _STATUS.get(r.status, r.status),
                    "live": session is not None and r.session_id == session.id,
                }
                for r in daily.recordings.values()
                if r.room_name == room.name
            ],
            **self._notes(room),
        }

    def _notes(self, room: RoomState) -> JSON:
        """Issue 16: whether the room transcribes, and what its transcripts and summaries await."""
        daily = self._daily
        mine = [t for t in daily.transcripts.values() if t.room_name == room.name]
        ids = {t.id for t in mine}
        return {
            "notes": room.enable_transcription_storage,
            "transcripts_pending": sum(
                1
                for t in mine
                if t.status == "t_in_progress" and daily.sessions[t.session_id].ended_at
            ),
            "summaries_pending": sum(
                1
                for job in daily.jobs.values()
                if job.transcript_id in ids and job.status in ("submitted", "processing")
            ),
        }


# Daily's recording states in the panel's words (Meetings': started | stopped | uploaded).
_STATUS = {"in-progress": "started", "finished": "uploaded", "canceled": "stopped"}


def _iso(unix_seconds: int) -> str:
    return datetime.fromtimestamp(unix_seconds, UTC).isoformat()
