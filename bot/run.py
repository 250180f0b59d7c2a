"""Process roles: web, worker, or both in one process (the default)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from enum import StrEnum
from typing import Any

from aiohttp import web
from saq import Worker

from bot.app import Components, build, close, create_web_app
from bot.config import Settings
from bot.jobs import make_worker
from bot.tasks import job_functions

log = logging.getLogger(__name__)


class Role(StrEnum):
    ALL = "all"
    WEB = "web"
    WORKER = "worker"


def worker_for(components: Components) -> Worker[Any]:
    return make_worker(components.queue, job_functions(components.service))


async def serve(settings: Settings, role: Role) -> None:
    components = await build(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    runner: web.AppRunner | None = None
    worker: Worker[Any] | None = None
    tasks: list[asyncio.Task[None]] = []
    try:
        if role in (Role.ALL, Role.WEB):
            if components.single_auth is not None:
                await components.single_auth.warm_up(components.bolt.client)
            runner = web.AppRunner(create_web_app(components), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "0.0.0.0", settings.port).start()  # noqa: S104 - a server
            log.info(
                "web role listening on :%d (public URL %s)", settings.port, settings.public_url
            )
            if settings.slack_app_token:
                tasks.append(
                    asyncio.create_task(_socket_mode(components, settings.slack_app_token))
                )
        if role in (Role.ALL, Role.WORKER):
            worker = worker_for(components)
            tasks.append(asyncio.create_task(worker.start()))
            log.info("worker role started")
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


async def _socket_mode(components: Components, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(components.bolt, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    await asyncio.Event().wait()
