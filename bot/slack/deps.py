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
from bot.settings.service import SettingsService
from bot.slack.identity import workspace_of
from bot.standups.service import StandupService
from bot.storage.jobs import Jobs

__all__ = [
    "CanPost",
    "ListenerDeps",
    "OpenView",
    "workspace_of",
]  # workspace_of: bot.slack.identity

log = logging.getLogger(__name__)

OpenView = Callable[[Workspace, str, dict[str, Any]], Coroutine[Any, Any, None]]
CanPost = Callable[[Workspace, str], Coroutine[Any, Any, bool]]


async def _anywhere(ws: Workspace, channel: str) -> bool:
    return True


@dataclass
class ListenerDeps:
    jobs: Jobs
    clock: Callable[[], datetime]
    open_view: OpenView
    standups: StandupService | None = None  # /meet standup|schedules|cancel, App Home buttons
    # Whether meetbot can post in a conversation ("Meet about this" asks before the modal).
    can_post: CanPost = _anywhere
    # Channel defaults and workspace policy: read at the ack, the modal opened after it.
    settings: SettingsService | None = None
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
