"""Our own routes beside Bolt's: health, readiness, metrics, Meetings and Daily callbacks,
recording links (DESIGN §3)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.cards import daily_route, meetings_route
from bot.domain.clock import Clock
from bot.domain.rooms import RoomProvider
from bot.metrics import Metrics
from bot.recordings import route as recordings_route
from bot.recordings.links import RecordingLinks
from bot.storage.jobs import Jobs
from bot.storage.store import Store

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def add_routes(
    app: web.Application,
    *,
    store: Store,
    jobs: Jobs,
    metrics: Metrics,
    clock: Clock,
    daily_webhook_secret: bytes | None,
    provider: RoomProvider,
    recording_links: RecordingLinks,
) -> None:
    async def healthz(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(_: web.Request) -> web.Response:
        if await store.ping():
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "unavailable", "redis": "unreachable"}, status=503)

    async def prometheus(_: web.Request) -> web.Response:
        body = generate_latest(metrics.registry)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})

    @web.middleware
    async def time_slack(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path != "/slack/events":
            return await handler(request)
        started = time.perf_counter()
        response = await handler(request)
        metrics.ack_seconds.observe(time.perf_counter() - started)
        metrics.slack_requests.labels(str(response.status)).inc()
        return response

    app.middlewares.append(time_slack)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", prometheus)
    meetings_route.register(app, store=store, jobs=jobs, metrics=metrics, clock=clock)
    daily_route.register(
        app, store=store, jobs=jobs, metrics=metrics, clock=clock, secret=daily_webhook_secret
    )
    recordings_route.register(app, links=recording_links, provider=provider)
