"""Running the roles as processes: signals, role selection, Socket Mode. What runs is built in
`bot.app`; nothing here decides what a job or a route does."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.app import Components, WorkerRole, build, close, create_web_app
from bot.config import Settings

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

log = logging.getLogger(__name__)


class Role(StrEnum):
    ALL = "all"
    WEB = "web"
    WORKER = "worker"


# Every interface: a deployed bot is reached by Slack and the provider.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - a server
# How much lower the worker role's CPU priority is than the web role's (nice(2) increment).
# Where both share a machine (`python -m bot` forks them; a Procfile on one host) the web
# role's acks get a core first when the worker's jobs keep both busy; the jobs only wait a
# little longer in a burst (docs/benchmarks.md, issue 20, third round). Fixed, not configured:
# DESIGN's environment is a contract, and nothing else wants a different value.
WORKER_NICE = 10


async def serve(settings: Settings, role: Role) -> None:
    """`python -m bot [--role ...]`: build the parts, run the role(s) until SIGINT/SIGTERM."""
    if role is Role.WORKER:
        lower_priority(WORKER_NICE)
    components = await build(settings)
    app = create_web_app(components) if role in (Role.ALL, Role.WEB) else None
    await run_until_stopped(
        components, web_app=app, worker=role in (Role.ALL, Role.WORKER), host=ALL_INTERFACES
    )


def lower_priority(increment: int) -> None:
    """Lower this process's CPU priority by `increment` (never raise it: that needs root)."""
    try:
        os.nice(increment)
    except OSError as exc:  # a platform or sandbox that refuses: run at the priority we have
        log.warning("could not lower the worker's CPU priority: %s", exc)


async def run_until_stopped(
    components: Components,
    *,
    web_app: web.Application | None,
    worker: bool,
    host: str,
    on_listening: Callable[[], None] | None = None,
) -> None:
    """Serve `web_app` (if any) on host:PORT and run the worker role (if asked) until SIGINT or
    SIGTERM; then stop both and close every part. `on_listening` runs once the port is bound."""
    settings = components.settings
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    runner: web.AppRunner | None = None
    worker_role: WorkerRole | None = None
    tasks: list[asyncio.Task[None]] = []
    try:
        if web_app is not None:
            if components.single_auth is not None:
                await components.single_auth.warm_up(components.bolt.client)
            runner = web.AppRunner(web_app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, host, settings.port).start()
            log.info(
                "web role listening on %s:%d (public URL %s)",
                host,
                settings.port,
                settings.public_url,
            )
            if on_listening is not None:
                on_listening()
            if settings.slack_app_token:
                tasks.append(
                    asyncio.create_task(run_socket_mode(components, settings.slack_app_token))
                )
        if worker:
            worker_role = WorkerRole(components)
            worker_role.start()
            log.info(
                "worker role started (reconcile sweep every %.0f s)", settings.reconcile_interval
            )
        await stop.wait()
    finally:
        if worker_role is not None:
            await worker_role.stop()
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if runner is not None:
            await runner.cleanup()
        await close(components, own_http=True, own_redis=True)


async def run_socket_mode(components: Components, app_token: str) -> None:
    """Socket Mode for the life of the web role (run as a task when SLACK_APP_TOKEN is set):
    connected, and closed when the task is cancelled at shutdown."""
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


def run_loop(main: Coroutine[Any, Any, None]) -> None:
    """`asyncio.run`, on uvloop where it is installed (Linux: a dependency there).

    uvloop's event loop and transports are C: with hiredis, ~7 % less worker CPU per `/meet`
    and a steadier ack p99 for one process at 200 /s (docs/benchmarks.md, fourth round).
    Behaviour is asyncio's either way."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
        return
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(main)
