"""The `start_meeting` and `late_reply` jobs: a saq job in, `MeetingService` called.

A permanent failure (bad input, credentials, a 4xx) is told to the user once and not
retried; anything else is raised so saq retries it with backoff, and the user is told only
when the last attempt fails.
"""

from __future__ import annotations

import logging
from typing import Any

from saq import Job

from bot.domain.inputs import StartMeeting, Workspace
from bot.errors import SlackError, SlackRateLimited, SlackUnavailable
from bot.i18n import DEFAULT_LANGUAGE, translator
from bot.meet.late_reply import REPLIED, Said, render
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


def late_reply_functions(service: MeetingService) -> dict[str, JobFunction]:
    """The `late_reply` job (bot.meet.late_reply): a first reply, once its reader's language is
    known."""

    async def late_reply(
        ctx: dict[str, Any],
        *,
        workspace: dict[str, Any],
        user_id: str,
        response_url: str,
        said: Said,
    ) -> str:
        job: Job = ctx["job"]
        last_attempt = job.attempts >= job.retries
        steps = await service.store.steps.load(job.key)
        if REPLIED in steps:
            return "duplicate"
        ws = Workspace.from_dict(workspace)
        try:
            language = await service.language_of(ws, user_id)  # asks Slack once, then cached
        except (SlackUnavailable, SlackRateLimited):
            if not last_attempt:
                raise  # Slack's trouble: retried
            language = DEFAULT_LANGUAGE  # English beats no answer at all
        except SlackError:
            language = DEFAULT_LANGUAGE  # the installation is broken: the reply needs no token
        try:
            await service.slack.respond(response_url, render(said, translator(language)))
        except SlackError as exc:
            # Slack answered the POST with an error (an expired URL, a 5xx that may have posted
            # it anyway): another try would not help, or could say it twice.
            log.warning("late reply to %s not sent: %s", user_id, exc.error)
            await steps.record(REPLIED, f"failed:{exc.error}")
            return "failed"
        await steps.record(REPLIED, "sent")
        return "sent"

    return {JobName.LATE_REPLY: late_reply}
