"""Standup job bodies: thin adapters from a saq job to `StandupService`.

As for `start_meeting` (bot.tasks): a permanent failure is told to the owner once and not
retried; anything else is raised so saq retries it, and the owner hears only when the last
attempt fails.
"""

from __future__ import annotations

import logging
from typing import Any

from saq import Job

from bot.jobs import JobFunction
from bot.requests import CreateStandup, Workspace
from bot.service import is_permanent
from bot.standups import StandupService

log = logging.getLogger(__name__)


def standup_functions(standups: StandupService) -> dict[str, JobFunction]:
    async def create_standup(ctx: dict[str, Any], *, request: dict[str, Any]) -> str:
        req = CreateStandup.from_dict(request)
        schedule = await standups.create(req)
        return schedule.id if schedule is not None else "refused"

    async def fire_standup(
        ctx: dict[str, Any], *, schedule_id: str, due: int, late_seconds: float = 0.0
    ) -> str:
        job: Job = ctx["job"]
        # The same job retried keeps `queued`; a later duplicate of the key gets a new one.
        owner = f"{job.key}:{job.queued}"
        try:
            return await standups.fire(schedule_id, due, owner=owner, late_seconds=late_seconds)
        except Exception as exc:
            if is_permanent(exc) or job.attempts >= job.retries:
                log.warning("standup %s at %s failed (%s)", schedule_id, due, type(exc).__name__)
                schedule = await standups.store.get(schedule_id)
                if schedule is not None:
                    req = standups.occurrence_request(schedule, due)
                    await standups.meetings.notify_failure(req, exc)
                if is_permanent(exc):
                    return "failed"
            raise

    async def cancel_standup(
        ctx: dict[str, Any],
        *,
        team_id: str,
        enterprise_id: str | None,
        schedule_id: str,
        user_id: str,
        response_url: str | None = None,
    ) -> str:
        ws = Workspace(team_id=team_id, enterprise_id=enterprise_id)
        return await standups.cancel_as(ws, schedule_id, user_id, response_url)

    return {
        "create_standup": create_standup,
        "fire_standup": fire_standup,
        "cancel_standup": cancel_standup,
    }
