"""The `daily_recording_started` job: a `recording.started` whose room nobody told us yet.

Daily's `recording.started` names the recording and who started it, not the room
(https://docs.daily.co/reference/rest-api/webhooks/events/recording-started). When no earlier
event gave the room away (`bot.providers.daily.room_hints`), this job asks Daily once:
`GET /recordings/{id}` has the recording's `room_name` and its meeting session (`mtgSessionId`),
and either leads to our meeting (a session is indexed once its `meeting.started` is applied).
The answer is noted for redeliveries, and the event is applied like any other: the card shows
the recording in progress.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from bot.cards.live import LiveCards
from bot.domain.rooms import RoomEvent, RoomProvider
from bot.errors import NotFoundError, RetryLater
from bot.providers.daily.provider import DailyProvider
from bot.providers.daily.room_hints import RoomHints
from bot.storage.jobs import JobFunction, JobName

log = logging.getLogger(__name__)


class SessionNotStartedYet(RetryLater):
    """The recording's session is not known yet: its `meeting.started` is still on its way."""


def daily_functions(live: LiveCards, provider: RoomProvider) -> dict[str, JobFunction]:
    hints = RoomHints(live.store.redis, live.store.keys)

    async def daily_recording_started(
        ctx: dict[str, Any],
        *,
        event: dict[str, Any],
        started_by: str | None = None,
        received_at: str | None = None,
    ) -> str:
        started = RoomEvent.from_dict(event)
        recording_id = started.recording_id or ""
        if not isinstance(provider, DailyProvider):
            return "not on Daily"
        room = await hints.room_of_recording(recording_id, started_by)
        if room is not None:  # told since the route looked (a join, or a redelivery resolved)
            meeting_id = await live.store.records.id_for_room(room)
        else:
            meeting_id, room = await _ask_daily(provider, hints, live, recording_id)
        if meeting_id is None:
            return "not ours"
        return await live.handle_callback(
            meeting_id, dataclasses.replace(started, room_id=room), received_at
        )

    return {JobName.DAILY_RECORDING_STARTED: daily_recording_started}


async def _ask_daily(
    provider: DailyProvider, hints: RoomHints, live: LiveCards, recording_id: str
) -> tuple[str | None, str | None]:
    """(meeting id, room) of the recording, from Daily's recording object."""
    try:
        recording = await provider.client.get_recording(recording_id)
    except NotFoundError:
        log.warning(
            "daily: recording.started for %s, a recording Daily does not know", recording_id
        )
        return None, None
    if recording.room_name:
        await hints.note_recording(recording_id, recording.room_name)
        meeting_id = await live.store.records.id_for_room(recording.room_name)
        return meeting_id, recording.room_name
    if not recording.session_id:
        return None, None
    meeting_id = await live.store.records.id_for_session(recording.session_id)
    if meeting_id is None:
        raise SessionNotStartedYet(f"recording {recording_id}: session not known yet")
    meeting = await live.store.records.get(meeting_id)
    return meeting_id, meeting.room_id if meeting else None
