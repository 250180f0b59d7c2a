"""Durable jobs on saq/Redis: what listeners enqueue, and the worker that runs them.

Why saq, tuned: a job's key is its idempotency key (saq refuses a second job with a live
key), and jobs survive a dead worker. saq's stock recovery is slow (a 60 s sweep lock), so
jobs carry a short heartbeat that the worker refreshes while they run, and the sweep runs every
second (`bot.storage.queue`): a job whose worker died is retried by another within ~6 s (DESIGN §2).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any

from saq import Job, Queue, Worker
from saq.types import PartialTimersDict
from saq.utils import now

from bot.domain.clock import Clock
from bot.domain.inputs import CreateStandup, StartMeeting, Workspace
from bot.errors import Unavailable
from bot.logs import protect_saq_logs
from bot.storage.home_viewers import HomeViewers
from bot.storage.queue import SWEEP_EVERY, MeetbotQueue
from bot.storage.redis import RedisDown

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


class JobName(StrEnum):
    """Every saq job, by the name stored with it in Redis (never rename one: jobs queued by the
    previous deploy must still run). Each body is registered by its feature's `tasks.py`."""

    START_MEETING = "start_meeting"  # bot.meet.tasks
    REFRESH_HOME = "refresh_home"  # bot.home.tasks
    ROOM_EVENT = "room_event"  # bot.cards.tasks
    REFRESH_CARD = "refresh_card"  # bot.cards.tasks
    RECONCILE = "reconcile"  # bot.cards.tasks
    CREATE_STANDUP = "create_standup"  # bot.standups.tasks
    CANCEL_STANDUP = "cancel_standup"  # bot.standups.tasks
    DAILY_RECORDING_STARTED = "daily_recording_started"  # bot.cards.daily_recordings
    SAVE_SETTINGS = "save_settings"  # bot.settings.tasks
    NOTES_EVENT = "notes_event"  # bot.notes.tasks
    NOTES_SYNC = "notes_sync"  # bot.notes.tasks
    NOTES_DELETE = "notes_delete"  # bot.notes.tasks
    RETENTION_SWEEP = "retention_sweep"  # bot.notes.tasks
    HOST_ACTION = "host_action"  # bot.hostctl.tasks
    WAITING_DM = "waiting_dm"  # bot.hostctl.tasks
    LATE_REPLY = "late_reply"  # bot.meet.late_reply


class Jobs:
    """The enqueue side, used by listeners and the service. Raises Unavailable if Redis is down."""

    def __init__(self, queue: Queue, *, home_viewers: HomeViewers, clock: Clock) -> None:
        self.queue = queue
        self.home_viewers = home_viewers
        self.clock = clock

    async def enqueue_every(self, function: JobName, interval: float, *, label: str) -> None:
        """Enqueue `function` once per `interval` slot, forever (a worker's task). Every
        replica may run this: the key `{label}:{slot}` lets one job through per slot."""
        while True:
            now = self.clock().timestamp()
            slot = int(now // interval) + 1
            await asyncio.sleep(slot * interval - now)
            try:
                await self.enqueue(function, f"{label}:{slot}")
            except Unavailable:
                log.warning("%s: Redis unreachable; trying again in %.0f s", label, interval)

    async def enqueue(
        self, function: JobName, key: str, *, scheduled: float = 0, **kwargs: Any
    ) -> bool:
        """Queue `function` under the idempotency `key`; False if a job with that key is
        already queued or running."""
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
        return await self.enqueue(JobName.START_MEETING, f"meet:{req.key}", request=req.to_dict())

    async def create_standup(self, req: CreateStandup) -> bool:
        """Queue a schedule's creation (from `/meet standup` or the modal's Repeat section)."""
        return await self.enqueue(
            JobName.CREATE_STANDUP, f"standup-create:{req.key}", request=req.to_dict()
        )

    async def refresh_home(self, ws: Workspace, user_id: str, *, opened: bool = False) -> None:
        """Re-publish a user's App Home: always when they open it, otherwise only if they have
        looked at it lately (a Home nobody opened is built when first opened, not before)."""
        if not opened and not await self.home_viewers.seen(ws.team_id, user_id):
            return
        # Keyed per user and second, and run when that second is over: a burst of changes
        # renders App Home once, after the last of them.
        second = int(self.clock().timestamp())
        await self.enqueue(
            JobName.REFRESH_HOME,
            f"home:{ws.team_id}:{user_id}:{second}",
            scheduled=second + 1,
            team_id=ws.team_id,
            enterprise_id=ws.enterprise_id,
            user_id=user_id,
        )

    async def sync_waiting(self, meeting_id: str) -> None:
        """Bring the host's "someone is waiting" DM up to date with the meeting's record,
        coalesced per meeting and second like card refreshes (bot.hostctl)."""
        second = int(self.clock().timestamp())
        await self.enqueue(
            JobName.WAITING_DM,
            f"waiting:{meeting_id}:{second}",
            scheduled=second + 1,
            meeting_id=meeting_id,
        )


class MeetbotWorker(Worker[Any]):
    """saq's worker without its own SIGINT/SIGTERM handlers (in `python -m bot` the process owns
    signals and stops web and worker together; saq's would stop only the worker), and with one
    keep-alive loop for all its running jobs.

    The keep-alive touches every job running longer than KEEPALIVE in one Redis round trip per
    KEEPALIVE (`MeetbotQueue.touch`). It replaced a task per job whose `Job.update` cost three
    round trips each time; under load those beats were ~6 % of the worker's CPU and grew with
    the backlog they caused (bench/ack.py, docs/benchmarks.md).

    Its idle slots take turns at the queue's few blocking dequeues (`MeetbotQueue.dequeue`);
    starting opens those turns, stopping lets every slot still waiting for one go at once.
    """

    SIGNALS: list[signal.Signals] = []

    def __init__(self, queue: MeetbotQueue, *, keepalive: float = KEEPALIVE, **kwargs: Any) -> None:
        super().__init__(queue, **kwargs)
        self.meetbot_queue = queue
        self.keepalive = keepalive

    async def start(self) -> None:
        self.meetbot_queue.start_dequeuing()
        await super().start()

    async def stop(self) -> None:
        self.event.set()  # first, so no slot starts another dequeue
        self.meetbot_queue.stop_dequeuing()
        await super().stop()

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
