"""Job bodies the worker runs: thin adapters from a saq job to a service call.

A permanent failure (bad input, credentials, a 4xx) is told to the user once and not
retried; anything else is raised so saq retries it with backoff, and the user is told only
when the last attempt fails.
"""

from __future__ import annotations

import logging
from typing import Any

from saq import Job

from bot import standup_blocks
from bot.home import home_view
from bot.jobs import JobFunction
from bot.live import LiveCards
from bot.meetings.events import parse_callback
from bot.reconcile import Reconciler
from bot.requests import StartMeeting, Workspace
from bot.rooms import RoomEvent
from bot.service import MeetingService, is_permanent
from bot.standup_store import StandupStore

log = logging.getLogger(__name__)


def job_functions(
    service: MeetingService, schedules: StandupStore | None = None
) -> dict[str, JobFunction]:
    async def start_meeting(ctx: dict[str, Any], *, request: dict[str, Any]) -> str:
        req = StartMeeting.from_dict(request)
        job: Job = ctx["job"]
        try:
            meeting = await service.start_meeting(req)
        except Exception as exc:
            last_attempt = job.attempts >= job.retries
            if is_permanent(exc) or last_attempt:
                log.warning(
                    "meeting %s failed (%s); telling the user", req.meeting_id, type(exc).__name__
                )
                await service.notify_failure(req, exc)
                if is_permanent(exc):
                    return "failed"
            raise
        return meeting.id

    async def refresh_home(
        ctx: dict[str, Any], *, team_id: str, enterprise_id: str | None, user_id: str
    ) -> None:
        ws = Workspace(team_id=team_id, enterprise_id=enterprise_id)
        meetings = await service.store.user_meetings(team_id, user_id)
        mine = await schedules.user_schedules(team_id, user_id) if schedules else []
        next_due = await schedules.next_due([s.id for s in mine]) if schedules else {}
        view = home_view(
            meetings=meetings,
            now=service.clock(),
            viewer_id=user_id,
            standups=standup_blocks.home_blocks(mine, next_due),
        )
        await service.slack.publish_home(ws, user_id, view)
        await service.store.mark_home_viewer(team_id, user_id)

    return {"start_meeting": start_meeting, "refresh_home": refresh_home}


def lifecycle_functions(live: LiveCards, reconciler: Reconciler) -> dict[str, JobFunction]:
    """Jobs that keep cards true: callbacks, coalesced card refreshes, the reconcile sweep."""

    async def room_event(
        ctx: dict[str, Any],
        *,
        meeting_id: str,
        event: dict[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
        received_at: str | None = None,
    ) -> str:
        try:
            # `event` is a normalised RoomEvent (every route since issue 9); `payload` a raw
            # Meetings body, from jobs queued by an older version still in Redis.
            parsed = (
                RoomEvent.from_dict(event) if event is not None else parse_callback(payload or {})
            )
            return await live.handle_callback(meeting_id, parsed, received_at)
        except Exception as exc:
            if isinstance(exc, ValueError) or is_permanent(exc):
                log.warning("room event for meeting %s dropped: %s", meeting_id, type(exc).__name__)
                return "dropped"
            raise

    async def refresh_card(ctx: dict[str, Any], *, meeting_id: str) -> str:
        return await live.refresh_card(meeting_id)

    async def reconcile(ctx: dict[str, Any]) -> int:
        return await reconciler.sweep()

    return {"room_event": room_event, "refresh_card": refresh_card, "reconcile": reconcile}
