"""Our own routes beside Bolt's: health, readiness, metrics, Meetings and Daily callbacks
(DESIGN §3)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import callbacks, callbacks_daily

if TYPE_CHECKING:
    from bot.app import Components

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_routes(app: web.Application, components: Components) -> None:
    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        if await components.store.ping():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "unavailable", "redis": "unreachable"}, status=503)

    async def metrics(_: web.Request) -> web.Response:
        body = generate_latest(components.metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    @web.middleware
    async def time_slack(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != "/slack/events":
            return await handler(request)
        started = time.perf_counter()
        response = await handler(request)
        components.metrics.ack_seconds.observe(time.perf_counter() - started)
        components.metrics.slack_requests.labels(str(response.status)).inc()
        return response

    app.middlewares.append(time_slack)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    callbacks.register(
        app,
        store=components.store,
        jobs=components.jobs,
        metrics=components.metrics,
        clock=components.clock,
    )
    callbacks_daily.register(
        app,
        store=components.store,
        jobs=components.jobs,
        metrics=components.metrics,
        clock=components.clock,
        secret=components.settings.daily_webhook_secret,
    )
