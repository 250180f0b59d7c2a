"""The composition root: every collaborator of both roles is built here, from Settings.

`build(settings)` makes the parts both roles share; `create_web_app` is the web role (Bolt's
/slack/events and our own routes); `WorkerRole` is the worker (saq jobs registered by each
feature's `tasks.py`, the reconcile ticker, the standup scheduler). `bot.run` only runs them.
Tests pass their own Redis, HTTP session, clock or provider; production passes nothing.

Where to look next, by question:
    /meet parsed, acked, enqueued      bot.slack.commands -> bot.storage.jobs.Jobs.start_meeting
    room created, card posted, DMs     bot.meet.tasks -> bot.meet.service.MeetingService
    a callback updates the card        bot.cards.{meetings,daily}_route -> bot.cards.tasks -> bot.cards.live
    a standup fires                    bot.standups.scheduler -> bot.standups.service
    a recording link is clicked        bot.recordings.route (token: bot.recordings.links)
    /meet settings, defaults, policy   bot.slack.settings_listeners -> bot.settings.service
    End / Extend / Lobby, waiting DM   bot.slack.hostctl_listeners -> bot.hostctl.tasks -> bot.hostctl.service
    notes: transcript, summary, delete bot.cards.daily_route -> bot.notes.route -> bot.notes.tasks -> bot.notes.service
    retention of notes and recordings  WorkerRole (Jobs.enqueue_every) -> bot.notes.tasks -> bot.notes.retention
    which language a person reads      bot.settings.service (users.info locale) -> bot.i18n
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from prometheus_client import CollectorRegistry
from saq import Worker
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncCallableAuthorize
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards.calls import CallSync
from bot.cards.daily_recordings import daily_functions
from bot.cards.live import LiveCards
from bot.cards.reconcile import Reconciler
from bot.cards.tasks import card_functions
from bot.config import Settings, SlackMode
from bot.domain.clock import Clock, utc_now
from bot.domain.rooms import RoomProvider
from bot.home.tasks import home_functions
from bot.hostctl.dialog import HostDialogs
from bot.hostctl.service import HostControls
from bot.hostctl.tasks import hostctl_functions
from bot.logs import quiet_bolt_env_token_warning
from bot.meet.service import MeetingService
from bot.meet.tasks import late_reply_functions, meet_functions
from bot.metrics import Metrics
from bot.notes.refusals import notes_check
from bot.notes.retention import Retention
from bot.notes.service import NotesService
from bot.notes.slack_files import NotesSlack
from bot.notes.store import NotesStore
from bot.notes.sweep import NotesSweep
from bot.notes.tasks import notes_functions
from bot.providers.build import build_provider
from bot.recordings.links import RecordingLinks
from bot.settings.service import SettingsService
from bot.settings.store import SettingsStore
from bot.settings.tasks import settings_functions
from bot.slack import (
    actions,
    commands,
    events,
    events_route,
    hostctl_listeners,
    notes_actions,
    request_guard,
    settings_listeners,
    shortcuts,
)
from bot.slack.auth import InstallationAuth, SingleWorkspaceAuth
from bot.slack.deps import ListenerDeps
from bot.slack.installations import RedisInstallationStore
from bot.slack.oauth import build_oauth_settings
from bot.slack.oauth_state import RedisOAuthStateStore
from bot.slack.pacing import SlackPacer
from bot.slack.token_rotation import BotTokenRefresher
from bot.slack.web import SlackWeb
from bot.standups.scheduler import StandupScheduler
from bot.standups.service import StandupService
from bot.standups.store import StandupStore
from bot.standups.tasks import StandupFirer, standup_functions
from bot.storage.jobs import CONCURRENCY, SHUTDOWN_GRACE, JobName, Jobs, make_worker
from bot.storage.keys import NotesKeys
from bot.storage.queue import MeetbotQueue, make_queue
from bot.storage.redis import RedisDown, connect_redis
from bot.storage.seen_requests import SeenRequests
from bot.storage.store import Store
from bot.web import add_routes

log = logging.getLogger(__name__)


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
    recording_links: RecordingLinks
    channel_settings: SettingsService
    single_auth: SingleWorkspaceAuth | None = None


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
    store = Store.open(redis, clock=clock)
    queue = make_queue(connect_redis(settings.redis_url, max_connections=CONCURRENCY + 64))
    await queue.connect()
    jobs = Jobs(queue, home_viewers=store.home_viewers, clock=clock)
    provider = provider or build_provider(
        settings, http=http, clock=clock, redis=redis, keys=store.keys
    )
    metrics = Metrics(registry or CollectorRegistry())
    slack_client = AsyncWebClient(base_url=settings.slack_api_url, session=http)
    bolt, auth, installations = _bolt(settings, redis, slack_client)
    slack = SlackWeb(
        session=http,
        base_url=settings.slack_api_url,
        tokens=auth.token,
        pacer=SlackPacer(redis, keys=store.keys),
    )
    channel_settings = SettingsService(
        slack=slack, store=SettingsStore(redis, keys=store.keys), clock=clock
    )
    service = MeetingService(
        provider=provider,
        slack=slack,
        store=store,
        followups=jobs,
        public_url=settings.public_url,
        clock=clock,
        settings=channel_settings,
        notes_check=notes_check(provider, slack.can_post),
    )
    standups = StandupService(
        meetings=service,
        store=StandupStore(redis, keys=store.keys),
        clock=clock,
        settings=channel_settings,
    )
    request_guard.install(bolt, SeenRequests(redis, keys=store.keys))
    deps = ListenerDeps(
        jobs=jobs,
        clock=clock,
        open_view=slack.open_view,
        standups=standups,
        can_post=slack.can_post,
        settings=channel_settings,
    )
    commands.register(bolt, deps)
    shortcuts.register(bolt, deps)
    settings_listeners.register(bolt, deps)
    events.register(bolt, deps, installations)
    actions.register(bolt, deps)
    notes_actions.register(bolt, deps)
    hostctl_listeners.register(
        bolt,
        deps,
        HostDialogs(store=store, settings=channel_settings, slack=slack, jobs=jobs, clock=clock),
    )
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
        channel_settings=channel_settings,
        recording_links=RecordingLinks.from_secret(
            settings.slack_signing_secret, public_url=settings.public_url, provider=provider.name
        ),
        single_auth=auth if isinstance(auth, SingleWorkspaceAuth) else None,
    )


def _bolt(
    settings: Settings, redis: aioredis.Redis, client: AsyncWebClient
) -> tuple[AsyncApp, SingleWorkspaceAuth | InstallationAuth, RedisInstallationStore | None]:
    """Bolt for the configured Slack mode, and where it finds each workspace's bot token.

    process_before_response: our listeners only enqueue, so answering after them is fastest;
    otherwise Bolt polls for ack() every 10 ms (issue 4's measurements)."""
    quiet_bolt_env_token_warning()
    if settings.slack_mode is SlackMode.OAUTH:
        assert settings.encryption_key is not None
        installations = RedisInstallationStore(
            redis, fernet_key=settings.encryption_key, client_id=settings.slack_client_id
        )
        assert settings.slack_client_id is not None and settings.slack_client_secret is not None
        rotator = AsyncTokenRotator(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret,
            client=client,
        )
        auth = InstallationAuth(installations, BotTokenRefresher(installations, rotator, redis))
        oauth_settings = build_oauth_settings(
            settings, installation_store=installations, state_store=RedisOAuthStateStore(redis)
        )
        # Bolt refuses `authorize=` beside OAuth settings but takes the settings' own: ours
        # answers "temporarily unavailable" when Redis is down instead of "please reinstall".
        oauth_settings.authorize = AsyncCallableAuthorize(logger=log, func=auth.bolt_authorize())
        bolt = AsyncApp(
            signing_secret=settings.slack_signing_secret,
            client=client,
            oauth_settings=oauth_settings,
            process_before_response=True,
        )
        return bolt, auth, installations
    assert settings.slack_bot_token is not None
    single = SingleWorkspaceAuth(settings.slack_bot_token)
    bolt = AsyncApp(
        signing_secret=settings.slack_signing_secret,
        client=client,
        authorize=single.bolt_authorize(),
        process_before_response=True,
    )
    return bolt, single, None


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
    c = components
    app = events_route.web_app(c.bolt)
    add_routes(
        app,
        store=c.store,
        jobs=c.jobs,
        metrics=c.metrics,
        clock=c.clock,
        daily_webhook_secret=c.settings.daily_webhook_secret,
        provider=c.provider,
        recording_links=c.recording_links,
    )
    return app


def live_cards(
    components: Components, notes: tuple[NotesService, Retention] | None = None
) -> tuple[LiveCards, Reconciler]:
    """What keeps cards true (callbacks, refreshes, Calls, the sweep), from the shared parts;
    with `notes`, the sweep also catches up on notes and recordings start their retention."""
    interval = components.settings.reconcile_interval
    notes_service, kept = notes if notes else (None, None)
    live = LiveCards(
        service=components.service,
        jobs=components.jobs,
        calls=CallSync(components.slack, components.store),
        http=components.http,
        recheck_after=timedelta(seconds=interval),
        recording_links=components.recording_links,
        recording_posted=kept.recording_posted if kept else None,
    )
    check = NotesSweep(notes_service).check if notes_service else None
    return live, Reconciler(live, interval=interval, notes_check=check)


def notes_parts(components: Components) -> tuple[NotesService, Retention]:
    """Meeting notes and the retention policy (issue 16), from the shared parts."""
    c = components
    notes = NotesService(
        meetings=c.service,
        store=NotesStore(c.redis, keys=NotesKeys(c.store.keys.prefix)),
        slack=NotesSlack(c.slack, c.http),
        jobs=c.jobs,
        retention_days=c.settings.notes_retention_days,
    )
    return notes, Retention(notes, recording_days=c.settings.recording_retention_days)


def create_worker(components: Components, *, shutdown_grace: int = SHUTDOWN_GRACE) -> Worker[Any]:
    """saq's worker with every feature's job bodies."""
    notes, kept = notes_parts(components)
    live, reconciler = live_cards(components, (notes, kept))
    functions = {
        **notes_functions(notes, kept, components.channel_settings),
        **meet_functions(components.service),
        **late_reply_functions(components.service),
        **home_functions(
            components.service,
            components.standups.store,
            components.recording_links,
            policies=components.channel_settings.store,
            notes=notes.store,
        ),
        **card_functions(live, reconciler),
        **standup_functions(components.standups),
        **daily_functions(live, components.provider),
        **settings_functions(components.channel_settings),
        **hostctl_functions(
            HostControls(
                meetings=components.service,
                settings=components.channel_settings,
                jobs=components.jobs,
                refresh=live.schedule_refresh,
            )
        ),
    }
    return make_worker(components.queue, functions, shutdown_grace=shutdown_grace)


class WorkerRole:
    """The saq worker, the reconcile ticker and the standup scheduler: what `--role worker`
    runs, and the tests' bot."""

    def __init__(self, components: Components, *, shutdown_grace: int = SHUTDOWN_GRACE) -> None:
        self.components = components
        self.worker = create_worker(components, shutdown_grace=shutdown_grace)
        self.scheduler = StandupScheduler(
            components.standups.store, StandupFirer(components.standups), components.clock
        )
        self.shutdown_grace = shutdown_grace
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        c = self.components
        self._tasks = [
            asyncio.create_task(self.worker.start()),
            asyncio.create_task(
                c.jobs.enqueue_every(
                    JobName.RECONCILE, c.settings.reconcile_interval, label="reconcile"
                )
            ),
            asyncio.create_task(self.scheduler.run_forever()),
        ]
        if c.settings.notes_retention_days or c.settings.recording_retention_days:
            sweep = c.jobs.enqueue_every(
                JobName.RETENTION_SWEEP, c.settings.reconcile_interval, label="retention"
            )
            self._tasks.append(asyncio.create_task(sweep))

    async def stop(self) -> None:
        if self._tasks:
            await self.scheduler.stop(self.shutdown_grace)
            await self.worker.stop()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
