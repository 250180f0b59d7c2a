"""Standup work as the worker runs it: saq job bodies (create, cancel) and the `Firer` the
standup scheduler fires occurrences with, thin adapters to `StandupService`.

Occurrences are not saq jobs (bot.standups.scheduler says why); the scheduler retries a failed
one and calls `give_up` once when it will not be posted, so the owner hears of it once.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.domain.inputs import CreateStandup, Workspace
from bot.standups.service import StandupService
from bot.standups.store import Claimed
from bot.storage.jobs import JobFunction, JobName

log = logging.getLogger(__name__)


class StandupFirer:
    """Fires an occurrence through `StandupService.fire`, as the claim that holds it."""

    def __init__(self, standups: StandupService) -> None:
        self.standups = standups

    async def fire(self, claim: Claimed, late_seconds: float) -> str:
        return await self.standups.fire(
            claim.schedule_id, claim.due, owner=claim.token, late_seconds=late_seconds
        )

    async def give_up(self, claim: Claimed, exc: BaseException) -> None:
        if claim.schedule is not None:
            req = self.standups.occurrence_request(claim.schedule, claim.due)
            await self.standups.meetings.notify_failure(req, exc)


def standup_functions(standups: StandupService) -> dict[str, JobFunction]:
    async def create_standup(ctx: dict[str, Any], *, request: dict[str, Any]) -> str:
        req = CreateStandup.from_dict(request)
        schedule = await standups.create(req)
        return schedule.id if schedule is not None else "refused"

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
        JobName.CREATE_STANDUP: create_standup,
        JobName.CANCEL_STANDUP: cancel_standup,
    }
