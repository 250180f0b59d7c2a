"""The room panel of the sandbox page: what people in the video room would do, for whichever
provider's emulator runs (`rooms_meetings.MeetingsRooms`, `rooms_daily.DailyRooms`).

Every control acts through the emulator's own control API, so the emulator calls the bot back
on its real route (/callbacks/meetings/{token} or /callbacks/daily) and the card changes the
way it would in production. Nothing here talks to the bot directly.

Each room is shown as one JSON object, the same for both providers:

    {"id", "title", "detail", "available", "expires_at", "can_record",
     "lobby": <guests knock>, "waiting": [{"id", "name"}] (knocking now),
     "session": {"id", "started_at", "participants": [{"id", "name", "is_host"}]} | null,
     "sessions": <count>, "recordings": [{"id", "status": started|stopped|uploaded, "live"}]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from meetbot_sandbox.slack.models import JSON

ACTIONS = ("join", "join-host", "leave", "record", "end", "recording-ready", "expire")
# Issue 17, a room with a lobby (Daily's knocking): a guest knocks and stops knocking; the
# host, in the room, lets them in or turns them away (`participant` names the knocker). Only a
# provider that says who waits offers them; the Daily panel does.
LOBBY_ACTIONS = ("knock", "give-up", "admit", "deny")
# Issue 16, meeting notes: what Daily's transcription and batch processor do after a meeting
# (only a provider that transcribes offers them; the Daily panel does).
NOTES_ACTIONS = ("transcript-ready", "summary-ready")


class BotRecords(Protocol):
    """What a panel may ask of the bot's own records (the sandbox runs in the bot's process)."""

    async def title(self, room_id: str) -> str | None:
        """The title of the meeting the room was made for; None while unknown."""
        ...

    async def check_soon(self, room_id: str) -> None:
        """Have the bot's reconcile sweep look at the room's meeting at its next tick."""
        ...


@dataclass(frozen=True)
class Provider:
    """Which emulator runs, as the page names it."""

    name: str  # meetings | daily: ROOM_PROVIDER
    label: str
    note: str

    def to_json(self) -> JSON:
        return {"name": self.name, "label": self.label, "note": self.note}


class RoomActionError(Exception):
    """The emulator refused a control (wrong state, unknown id): a 4xx for the page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status if 400 <= status < 500 else 409


@dataclass(frozen=True)
class Joined:
    """Someone opened a meeting link: the room, and whether the link made them its host."""

    room_id: str
    host: bool
    knock: bool = False  # a guest link to a room with a lobby: they knock and wait


class EmulatedRooms(Protocol):
    provider: Provider

    async def refresh(self) -> None:
        """Learn what `rooms()` needs beyond the emulator's state (called before each snapshot)."""
        ...

    def rooms(self) -> list[JSON]:
        """Every room, newest first, in the shape of this module's docstring."""
        ...

    def room_of_link(self, url: str) -> Joined | None:
        """The room a guest or host link opens; None for any other URL."""
        ...

    async def act(self, room_id: str, action: str, *, name: str, participant: str = "") -> JSON:
        """Do `action` (one of ACTIONS) in the room; `name` is who joins.

        Raises SandboxInputError (unknown room or action, nothing to do) or RoomActionError.
        """
        ...
