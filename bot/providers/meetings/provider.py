"""`MeetingsProvider`: the Meetings API behind `bot.domain.rooms.RoomProvider`, in our own types.

The service only sees `bot.domain.rooms` values; HAL links, `update_details` envelopes and the API's
room types stay below this line.
"""

from __future__ import annotations

from datetime import datetime

from bot.domain.rooms import Capability, Recording, Room, RoomKind, RoomRequest, Summary, Transcript
from bot.errors import ProviderError, UnsupportedError
from bot.providers.meetings import models
from bot.providers.meetings.bodies import CreateRoom, UpdateRoom
from bot.providers.meetings.client import MeetingsClient
from bot.providers.meetings.models import CallbackUrls, RoomType

_KINDS = {RoomType.INSTANT: RoomKind.INSTANT, RoomType.LONG_TERM: RoomKind.LONG_TERM}
# The lobby is the API's `join_approval_level`: "explicit_approval" puts guests in a waiting
# room until the host lets them in; "none" (the API's default) lets them straight in.
LOBBY_ON, LOBBY_OFF = "explicit_approval", "none"
# Our languages (bot.i18n.LANGUAGES) as the Meetings UI names them (bodies.UI_LANGUAGES); it has
# no Japanese, so a Japanese creator's room keeps the account's language.
MEETINGS_LANGUAGES = {"en": "en", "de": "de", "fr": "fr", "es": "es", "pt_BR": "pt-br"}


def create_body(request: RoomRequest) -> CreateRoom:
    """The API body for a `RoomRequest`: one callback URL serves room, session and recording events."""
    callbacks = (
        None
        if request.callback_url is None
        else CallbackUrls(request.callback_url, request.callback_url, request.callback_url)
    )
    long_term = request.kind is RoomKind.LONG_TERM
    return CreateRoom(
        display_name=request.title,
        type=RoomType.LONG_TERM if long_term else RoomType.INSTANT,
        expires_at=request.expires_at if long_term else None,
        metadata=request.metadata,
        auto_record=request.record,
        # Only meaningful for long-term rooms; leave the API's default for instant ones.
        expire_after_use=request.expire_after_use if long_term else None,
        callback_urls=callbacks,
        join_approval_level=LOBBY_ON if request.lobby else None,
        ui_language=MEETINGS_LANGUAGES.get(request.language or ""),
    )


def to_room(room: models.Room) -> Room:
    if not room.guest_url or not room.host_url:
        raise ProviderError(f"the Meetings API returned room {room.id} without its join links")
    return Room(
        id=room.id,
        title=room.display_name,
        kind=_KINDS[room.type],
        guest_url=room.guest_url,
        host_url=room.host_url,
        meeting_code=room.meeting_code,
        expires_at=room.expires_at,
        created_at=room.created_at,
        is_available=room.is_available,
        record=room.recording_options.auto_record,
        lobby=room.join_approval_level == LOBBY_ON,
    )


def to_recording(recording: models.Recording) -> Recording:
    return Recording(
        id=recording.id,
        session_id=recording.session_id,
        status=recording.status,
        started_at=recording.started_at,
        ended_at=recording.ended_at,
        url=recording.url,
    )


class MeetingsProvider:
    """A `bot.domain.rooms.RoomProvider` over a `MeetingsClient`; raises the `bot.errors` tree."""

    name = "meetings"
    capabilities = frozenset({Capability.EXTEND, Capability.LOBBY})
    _label = "The Vonage Meetings API"

    def __init__(self, client: MeetingsClient) -> None:
        self.client = client

    async def create_room(self, request: RoomRequest) -> Room:
        """Ambiguous failures (timeout, 5xx other than 503) are raised, not retried: see retry.py."""
        return to_room(await self.client.create_room(create_body(request)))

    async def get_room(self, room_id: str) -> Room:
        return to_room(await self.client.get_room(room_id))

    async def find_room(self, metadata: str) -> Room | None:
        found = await self.client.find_room_by_metadata(metadata)
        return None if found is None else to_room(found)

    async def extend_room(self, room_id: str, expires_at: datetime) -> Room:
        return to_room(await self.client.update_room(room_id, UpdateRoom(expires_at=expires_at)))

    async def get_recording(self, recording_id: str) -> Recording:
        return to_recording(await self.client.get_recording(recording_id))

    async def session_recordings(self, session_id: str) -> list[Recording]:
        return [to_recording(r) for r in await self.client.session_recordings(session_id)]

    # Issue 17, host controls.

    async def end_room(self, room_id: str) -> None:
        """The API has no call that ends a session or removes participants (only rooms,
        themes and recordings can be changed), so this is refused."""
        raise UnsupportedError(
            f"{self._label} has no way to end a meeting: it ends when everyone leaves,"
            " or when the room expires."
        )

    async def set_lobby(self, room_id: str, on: bool) -> None:
        """`update_details.join_approval_level`. The API refuses to update an instant room
        ("could not be updated because of its type"), so that is refused here in words; a
        room whose lobby already is as asked is left alone."""
        room = await self.client.get_room(room_id)
        level = LOBBY_ON if on else LOBBY_OFF
        if (room.join_approval_level or LOBBY_OFF) == level:
            return
        if room.type is not RoomType.LONG_TERM:
            raise UnsupportedError(
                f"{self._label} can turn the lobby on or off only in long-term rooms;"
                " start the meeting with the lobby you want instead."
            )
        await self.client.update_room(room_id, UpdateRoom(join_approval_level=level))

    # Issue 16 seams: filled in by the provider work; until then, refused plainly.

    async def session_transcripts(self, room_id: str) -> list[Transcript]:
        raise UnsupportedError(f"{self._label} cannot transcribe meetings.")

    async def get_transcript(self, transcript_id: str) -> Transcript:
        raise UnsupportedError(f"{self._label} cannot transcribe meetings.")

    async def start_summary(self, transcript_id: str) -> str:
        raise UnsupportedError(f"{self._label} cannot summarise meetings.")

    async def get_summary(self, job_id: str) -> Summary:
        raise UnsupportedError(f"{self._label} cannot summarise meetings.")

    async def delete_transcript(self, transcript_id: str) -> None:
        raise UnsupportedError(f"{self._label} cannot transcribe meetings.")

    async def delete_summary(self, job_id: str) -> None:
        raise UnsupportedError(f"{self._label} cannot summarise meetings.")

    async def delete_recording(self, recording_id: str) -> None:
        raise UnsupportedError(f"{self._label} cannot delete recordings through meetbot.")
