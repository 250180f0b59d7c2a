"""The `start_meeting` job: a saq job in, `MeetingService.start_meeting` called.

A permanent failure (bad input, credentials, a 4xx) is told to the user once and not
retried; anything else is raised so saq retries it with backoff, and the user is told only
when the last attempt fails.
"""

from __future__ import annotations

import logging
from typing import Any

from saq import Job

from bot.domain.inputs import StartMeeting
from bot.meet.service import MeetingService, is_permanent
from bot.storage.jobs import JobFunction, JobName

log = logging.getLogger(__name__)


def meet_functions(service: MeetingService) -> dict[str, JobFunction]:
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

    return {JobName.START_MEETING: start_meeting}
