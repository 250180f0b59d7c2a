"""Durable jobs on saq/Redis: what listeners enqueue, and the worker that runs them.

Why saq, tuned: a job's key is its idempotency key (saq refuses a second job with a live
key), and jobs survive a dead worker. saq's stock recovery is slow (a 60 s sweep lock), so
jobs carry a short heartbeat that the worker refreshes while they run, and the sweep runs every
second (`bot.queue`): a job whose worker died is retried by another within ~6 s (DESIGN §2).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from saq import Job, Queue, Worker
from saq.types import PartialTimersDict
from saq.utils import now

from bot.errors import Unavailable
from bot.logs import protect_saq_logs
from bot.queue import SWEEP_EVERY, MeetbotQueue
from bot.requests import CreateStandup, StartMeeting, Workspace
from bot.store import RedisDown, Store

log = logging.getLogger(__name__)

HEARTBEAT = 4  # seconds without a touch before a running job counts as abandoned
KEEPALIVE = 1.0  # how often the worker touches its running jobs
JOB_TIMEOUT = 300  # a job stuck this long is aborted and retried
RETRIES = 8
RETRY_DELAY = 1.0
RETRY_BACKOFF = 60.0  # exponential backoff, capped at this many seconds
SHUTDOWN_GRACE = 3  # seconds a stopping worker gives running jobs (they resume anyway)
# Jobs in flight per worker. They mostly wait (room creation alone can take ~0.5 s), so by
# Little's law 200 /meet a second need over 100 at once; 32 capped a worker near 60 a second
# (bench/ack.py). Each idle slot holds a Redis connection in its blocking dequeue.
CONCURRENCY = 256
# Finished jobs are kept a day for inspection. saq refuses a second job with the same key only
# while the first is incomplete; a later duplicate runs again, and the recorded steps (and the
# idempotent event reducer) make that rerun change nothing.
COMPLETED_TTL = 24 * 3600

JobFunction = Callable[..., Awaitable[Any]]


class Jobs:
    """The enqueue side, used by listeners and the service. Raises Unavailable if Redis is down."""

    def __init__(self, queue: Queue, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.queue = queue
        self.store = store
        self.clock = clock

    async def _enqueue(
        self, function: str, key: str, *, scheduled: float = 0, **kwargs: Any
    ) -> bool:
        job = Job(
            function=function,
            key=key,
            kwargs=kwargs,
            timeout=JOB_TIMEOUT,
            heartbeat=HEARTBEAT,
            retries=RETRIES,
            retry_delay=RETRY_DELAY,
            retry_backoff=RETRY_BACKOFF,
            ttl=COMPLETED_TTL,
            scheduled=int(scheduled),
        )
        try:
            return await self.queue.enqueue(job) is not None
        except RedisDown as exc:
            raise Unavailable("job queue unreachable") from exc

    async def start_meeting(self, req: StartMeeting) -> bool:
        """Queue a meeting start; False if one with this key is already queued or running."""
        return await self._enqueue("start_meeting", f"meet:{req.key}", request=req.to_dict())

    async def create_standup(self, req: CreateStandup) -> bool:
        """Queue a schedule's creation (from `/meet standup` or the modal's Repeat section)."""
        return await self._enqueue(
            "create_standup", f"standup-create:{req.key}", request=req.to_dict()
        )

    async def refresh_home(self, ws: Workspace, user_id: str, *, opened: bool = False) -> None:
        """Re-publish a user's App Home: always when they open it, otherwise only if they have
        looked at it lately (a Home nobody opened is built when first opened, not before)."""
        try:
            if not opened and not await self.store.is_home_viewer(ws.team_id, user_id):
                return
        except RedisDown as exc:
            raise Unavailable("store unreachable") from exc
        # Keyed per user and second, and run when that second is over: a burst of changes
        # renders App Home once, after the last of them.
        second = int(self.clock().timestamp())
        await self._enqueue(
            "refresh_home",
            f"home:{ws.team_id}:{user_id}:{second}",
            scheduled=second + 1,
            team_id=ws.team_id,
            enterprise_id=ws.enterprise_id,
            user_id=user_id,
        )

    async def enqueue(
        self, function: str, key: str, *, scheduled: float = 0, **kwargs: Any
    ) -> bool:
        """Generic enqueue for other modules' jobs (callbacks, card refreshes, sweeps)."""
        return await self._enqueue(function, key, scheduled=scheduled, **kwargs)


class MeetbotWorker(Worker[Any]):
    """saq's worker without its own SIGINT/SIGTERM handlers (in `python -m bot` the process owns
    signals and stops web and worker together; saq's would stop only the worker), and with one
    keep-alive loop for all its running jobs.

    The keep-alive touches every job running longer than KEEPALIVE in one Redis round trip per
    KEEPALIVE (`MeetbotQueue.touch`). It replaced a task per job whose `Job.update` cost three
    round trips each time; under load those beats were ~6 % of the worker's CPU and grew with
    the backlog they caused (bench/ack.py, docs/benchmarks.md).
    """

    SIGNALS: list[signal.Signals] = []

    def __init__(self, queue: MeetbotQueue, *, keepalive: float = KEEPALIVE, **kwargs: Any) -> None:
        super().__init__(queue, **kwargs)
        self.meetbot_queue = queue
        self.keepalive = keepalive

    async def upkeep(self) -> list[asyncio.Task[None]]:
        tasks: list[asyncio.Task[None]] = await super().upkeep()
        return [*tasks, asyncio.create_task(self._keep_alive())]

    async def _keep_alive(self) -> None:
        while not self.event.is_set():
            await asyncio.sleep(self.keepalive)
            # A job made ACTIVE (or touched) less than a beat ago is fresh enough: its age never
            # passes 1.5 beats, well inside HEARTBEAT.
            stale = now() - int(self.keepalive * 500)
            running = [job for job in list(self.job_task_contexts) if job.touched <= stale]
            try:
                await self.meetbot_queue.touch(running)
            except RedisDown:
                log.warning("could not touch %d running jobs: Redis unreachable", len(running))
            except Exception:
                log.exception("keep-alive failed; retrying next beat")


def make_worker(
    queue: MeetbotQueue,
    functions: dict[str, JobFunction],
    *,
    concurrency: int = CONCURRENCY,
    cron: list[Any] | None = None,
    shutdown_grace: int = SHUTDOWN_GRACE,
    keepalive: float = KEEPALIVE,
) -> Worker[Any]:
    protect_saq_logs()
    return MeetbotWorker(
        queue,
        keepalive=keepalive,
        functions=list(functions.items()),
        concurrency=concurrency,
        cron_jobs=cron or [],
        timers=PartialTimersDict(sweep=SWEEP_EVERY, schedule=1, abort=1, worker_info=10),
        # Jobs wait on Redis, Slack and the provider: pick the next one up at once.
        dequeue_timeout=1.0,
        # On shutdown let running jobs finish their current step rather than cancel them;
        # anything still running after this is swept and resumed by another worker.
        shutdown_grace_period_s=shutdown_grace,
    )
