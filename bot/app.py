"""The composition root: every collaborator is built here, from Settings, and passed down.

`create_app(settings, ...)` returns the aiohttp application of the web role; `build()` the
parts both roles share (the worker is made from the same parts in `bot.run`). Tests pass
their own Redis, HTTP session, clock or provider; production passes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from prometheus_client import CollectorRegistry
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncCallableAuthorize
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings, SlackMode
from bot.jobs import CONCURRENCY, Jobs
from bot.metrics import Metrics
from bot.providers import build_provider
from bot.queue import MeetbotQueue, make_queue
from bot.rooms import RoomProvider
from bot.service import MeetingService
from bot.slack import actions, commands, events, events_route, request_guard, shortcuts
from bot.slack.auth import InstallationAuth, SingleWorkspaceAuth
from bot.slack.deps import ListenerDeps
from bot.slack.installations import RedisInstallationStore
from bot.slack.oauth import build_oauth_settings
from bot.slack.oauth_state import RedisOAuthStateStore
from bot.slack.web import SlackWeb
from bot.standup_store import StandupStore
from bot.standups import StandupService
from bot.store import RedisDown, Store
from bot.web import add_routes

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Components:
    settings: Settings
    http: aiohttp.ClientSession
    redis: aioredis.Redis
    store: Store
    queue: MeetbotQueue
    jobs: Jobs
    provider: RoomProvider
    slack: SlackWeb
    service: MeetingService
    bolt: AsyncApp
    metrics: Metrics
    clock: Clock
    standups: StandupService
    single_auth: SingleWorkspaceAuth | None = None


def connect_redis(url: str, *, max_connections: int = 64) -> aioredis.Redis:
    """A pool that waits for a free connection instead of failing, and fails fast when Redis is
    down (no silent reconnect loop: the user must hear "temporarily unavailable" within 3 s)."""
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=2,
        socket_connect_timeout=1,
        socket_timeout=2,
        retry=Retry(NoBackoff(), 0),
    )
    return aioredis.Redis(connection_pool=pool)


async def build(
    settings: Settings,
    *,
    http: aiohttp.ClientSession | None = None,
    redis: aioredis.Redis | None = None,
    provider: RoomProvider | None = None,
    clock: Clock = utc_now,
    registry: CollectorRegistry | None = None,
) -> Components:
    # Every running job may hold one HTTP connection (aiohttp's default cap is 100 in all)
    # and one store connection, and every idle worker slot one queue connection (a blocking
    # dequeue): size the pools past the worker's concurrency so neither jobs nor enqueues on
    # the ack path wait behind them (pools open connections only as they are needed).
    http = http or aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=30),
        connector=aiohttp.TCPConnector(limit=CONCURRENCY + 64),
    )
    redis = redis or connect_redis(settings.redis_url, max_connections=CONCURRENCY + 64)
    store = Store(redis, clock=clock)
    queue = make_queue(connect_redis(settings.redis_url, max_connections=CONCURRENCY + 64))
    await queue.connect()
    jobs = Jobs(queue, store=store, clock=clock)
    provider = provider or build_provider(settings, http=http, clock=clock)
    metrics = Metrics(registry or CollectorRegistry())

    installations: RedisInstallationStore | None = None
    single_auth: SingleWorkspaceAuth | None = None
    slack_client = AsyncWebClient(base_url=settings.slack_api_url, session=http)
    if settings.slack_mode is SlackMode.OAUTH:
        assert settings.encryption_key is not None
        installations = RedisInstallationStore(
            redis, fernet_key=settings.encryption_key, client_id=settings.slack_client_id
        )
        auth: SingleWorkspaceAuth | InstallationAuth = InstallationAuth(installations)
        oauth_settings = build_oauth_settings(
            settings, installation_store=installations, state_store=RedisOAuthStateStore(redis)
        )
        # Bolt refuses `authorize=` beside OAuth settings but takes the settings' own: ours
        # answers "temporarily unavailable" when Redis is down instead of "please reinstall".
        oauth_settings.authorize = AsyncCallableAuthorize(logger=log, func=auth.bolt_authorize())
        bolt = AsyncApp(
            signing_secret=settings.slack_signing_secret,
            client=slack_client,
            oauth_settings=oauth_settings,
            process_before_response=True,
        )
    else:
        assert settings.slack_bot_token is not None
        single_auth = auth = SingleWorkspaceAuth(settings.slack_bot_token)
        # process_before_response: our listeners only enqueue, so answering after them is
        # fastest; otherwise Bolt polls for ack() every 10 ms (issue 4's measurements).
        bolt = AsyncApp(
            signing_secret=settings.slack_signing_secret,
            client=slack_client,
            authorize=auth.bolt_authorize(),
            process_before_response=True,
        )
    slack = SlackWeb(session=http, base_url=settings.slack_api_url, tokens=auth.token)
    service = MeetingService(
        provider=provider,
        slack=slack,
        store=store,
        followups=jobs,
        public_url=settings.public_url,
        clock=clock,
    )
    request_guard.install(bolt, redis)
    standups = StandupService(
        meetings=service, store=StandupStore(redis, keys=store.keys), clock=clock
    )
    deps = ListenerDeps(jobs=jobs, clock=clock, open_view=slack.open_view, standups=standups)
    commands.register(bolt, deps)
    shortcuts.register(bolt, deps)
    events.register(bolt, deps, installations)
    actions.register(bolt, deps)
    return Components(
        settings=settings,
        http=http,
        redis=redis,
        store=store,
        queue=queue,
        jobs=jobs,
        provider=provider,
        slack=slack,
        service=service,
        bolt=bolt,
        metrics=metrics,
        clock=clock,
        standups=standups,
        single_auth=single_auth,
    )


async def close(components: Components, *, own_http: bool, own_redis: bool) -> None:
    with contextlib.suppress(*RedisDown):
        await components.queue.disconnect()
    if own_redis:
        # A client handed a pool does not close it on aclose() (redis-py 8): say so.
        await components.redis.aclose(close_connection_pool=True)
    if own_http:
        await components.http.close()


def create_web_app(components: Components) -> web.Application:
    """The web role: Bolt's /slack/events (and OAuth routes) plus our own routes."""
    app = events_route.web_app(components.bolt)
    add_routes(app, components)
    return app


async def create_app(
    settings: Settings,
    *,
    http: aiohttp.ClientSession | None = None,
    redis: aioredis.Redis | None = None,
    provider: RoomProvider | None = None,
    clock: Clock = utc_now,
) -> web.Application:
    """Web role application; the parts it built are closed when the app shuts down."""
    components = await build(settings, http=http, redis=redis, provider=provider, clock=clock)
    app = create_web_app(components)

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        if components.single_auth is not None:
            await components.single_auth.warm_up(components.bolt.client)
        yield
        await close(components, own_http=http is None, own_redis=redis is None)

    app.cleanup_ctx.append(lifecycle)
    return app
