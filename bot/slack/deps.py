"""What Slack listeners are given: the enqueue side of the job layer, a clock, a view opener,
and a place to run the little work that must follow an ack (opening a modal)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.inputs import Workspace
from bot.standups.service import StandupService
from bot.storage.jobs import Jobs

log = logging.getLogger(__name__)

OpenView = Callable[[Workspace, str, dict[str, Any]], Coroutine[Any, Any, None]]


@dataclass
class ListenerDeps:
    jobs: Jobs
    clock: Callable[[], datetime]
    open_view: OpenView
    standups: StandupService | None = None  # /meet standup|schedules|cancel, App Home buttons
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def after_ack(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` once the listener returned (so after the ack is sent), keeping a reference.

        Bolt's lazy listeners would do this too, but they deep-copy the request context,
        which holds our shared aiohttp session and cannot be copied.
        """
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("work after ack failed", exc_info=task.exception())


def workspace_of(body: dict[str, Any]) -> Workspace:
    """The install a Slack payload belongs to, whatever its shape (command, interaction, event)."""
    team = body.get("team")
    team_id = body.get("team_id") or (team.get("id") if isinstance(team, dict) else team) or ""
    enterprise = body.get("enterprise")
    enterprise_id = body.get("enterprise_id") or (
        enterprise.get("id") if isinstance(enterprise, dict) else enterprise
    )
    user = body.get("user")
    if not team_id and isinstance(user, dict):
        team_id = user.get("team_id", "")
    return Workspace(
        team_id=str(team_id), enterprise_id=str(enterprise_id) if enterprise_id else None
    )
