"""Process roles: web, worker, or both in one process (the default)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aiohttp import web
from saq import Worker

from bot.app import Components, build, close, create_web_app
from bot.calls import CallSync
from bot.config import Settings
from bot.jobs import SHUTDOWN_GRACE, make_worker
from bot.live import LiveCards
from bot.reconcile import Reconciler, tick_forever
from bot.standup_scheduler import StandupScheduler
from bot.standup_tasks import StandupFirer, standup_functions
from bot.tasks import job_functions, lifecycle_functions

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

log = logging.getLogger(__name__)


class Role(StrEnum):
    ALL = "all"
    WEB = "web"
    WORKER = "worker"


def lifecycle_for(components: Components) -> tuple[LiveCards, Reconciler]:
    """What keeps cards true (callbacks, refreshes, Calls, the sweep), from the shared parts."""
    interval = components.settings.reconcile_interval
    live = LiveCards(
        service=components.service,
        jobs=components.jobs,
        calls=CallSync(components.slack, components.store),
        http=components.http,
        recheck_after=timedelta(seconds=interval),
    )
    return live, Reconciler(live, interval=interval)


def worker_for(components: Components, *, shutdown_grace: int = SHUTDOWN_GRACE) -> Worker[Any]:
    live, reconciler = lifecycle_for(components)
    functions = {
        **job_functions(components.service, components.standups.store),
        **lifecycle_functions(live, reconciler),
        **standup_functions(components.standups),
    }
    return make_worker(components.queue, functions, shutdown_grace=shutdown_grace)


class WorkerRole:
    """The saq worker, the reconcile ticker and the standup scheduler: what `--role worker`
    runs, and the tests' bot."""

    def __init__(self, components: Components, *, shutdown_grace: int = SHUTDOWN_GRACE) -> None:
        self.components = components
        self.worker = worker_for(components, shutdown_grace=shutdown_grace)
        self.scheduler = StandupScheduler(
            components.standups.store, StandupFirer(components.standups), components.clock
        )
        self.shutdown_grace = shutdown_grace
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        c = self.components
        self._tasks = [
            asyncio.create_task(self.worker.start()),
            asyncio.create_task(tick_forever(c.jobs, c.settings.reconcile_interval, c.clock)),
            asyncio.create_task(self.scheduler.run_forever()),
        ]

    async def stop(self) -> None:
        if self._tasks:
            await self.scheduler.stop(self.shutdown_grace)
            await self.worker.stop()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []


@dataclass(frozen=True)
class WebExtras:
    """What a caller adds to the web role: the local sandbox (bot.sandbox.demo) mounts its page
    on the bot's own app and prints its URL once the port is bound."""

    attach: Callable[[web.Application, Components], None]
    listening: Callable[[], None]


# Every interface: a deployed bot is reached by Slack and the provider. The local sandbox
# passes 127.0.0.1, since its page signs requests for the bot.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - a server


async def serve(
    settings: Settings,
    role: Role,
    *,
    extras: WebExtras | None = None,
    host: str = ALL_INTERFACES,
) -> None:
    components = await build(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    runner: web.AppRunner | None = None
    worker: WorkerRole | None = None
    tasks: list[asyncio.Task[None]] = []
    try:
        if role in (Role.ALL, Role.WEB):
            if components.single_auth is not None:
                await components.single_auth.warm_up(components.bolt.client)
            app = create_web_app(components)
            if extras is not None:
                extras.attach(app, components)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, host, settings.port).start()
            log.info(
                "web role listening on %s:%d (public URL %s)",
                host,
                settings.port,
                settings.public_url,
            )
            if extras is not None:
                extras.listening()
            if settings.slack_app_token:
                tasks.append(
                    asyncio.create_task(run_socket_mode(components, settings.slack_app_token))
                )
        if role in (Role.ALL, Role.WORKER):
            worker = WorkerRole(components)
            worker.start()
            log.info(
                "worker role started (reconcile sweep every %.0f s)", settings.reconcile_interval
            )
        await stop.wait()
    finally:
        if worker is not None:
            await worker.stop()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if runner is not None:
            await runner.cleanup()
        await close(components, own_http=True, own_redis=True)


async def run_socket_mode(components: Components, app_token: str) -> None:
    """Socket Mode for the life of the web role (`serve` runs it as a task when SLACK_APP_TOKEN
    is set): connected, and closed when the task is cancelled at shutdown."""
    handler = await connect_socket_mode(components, app_token)
    try:
        await asyncio.Event().wait()
    finally:
        await close_socket_mode(handler)


async def connect_socket_mode(components: Components, app_token: str) -> AsyncSocketModeHandler:
    """Bolt's Socket Mode client for our app, connected: apps.connections.open with the app-level
    token, then the WebSocket Slack delivers commands, interactions and events over.

    Bolt retries a failing connect until it succeeds; cancelling this closes the client. The
    caller closes the handler it gets with `close_socket_mode`.
    """
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(components.bolt, app_token)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
    except BaseException:
        await close_socket_mode(handler)
        raise
    return handler


async def close_socket_mode(handler: AsyncSocketModeHandler) -> None:
    """Close the WebSocket and the client's own HTTP session, and wait for its tasks to end
    (slack_sdk's close cancels them without waiting)."""
    await handler.close_async()  # type: ignore[no-untyped-call]
    client = handler.client
    tasks = {client.message_receiver, client.current_session_monitor, client.message_processor}
    if pending := {task for task in tasks if task is not None}:
        await asyncio.wait(pending)
