"""The whole bot running for real: web role on a real port, a worker, real Redis (DB 15),
the Meetings emulator and the fake Slack Web API. Tests drive it the way Slack does."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from meetbot_sandbox.slack.signing import (
    event_callback_body,
    interactive_body,
    new_trigger_id,
    signed_headers,
    slash_command_body,
)
from pytest_aiohttp import AiohttpServer
from saq import Worker

from bot.app import Components, WorkerRole, build, close, create_web_app
from bot.config import Settings
from bot.domain.clock import utc_now
from bot.providers.build import build_provider
from bot.storage.keys import SLACK_LOCALE_TTL
from bot.storage.redis import RedisDown
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import BOT_TOKEN, FakeSlack

SIGNING_SECRET = "test-signing-secret"
CREATOR = "U0ALICE"
GENERAL = "C0GENERAL"


@dataclass
class SlackReply:
    status: int
    body: dict[str, Any] | None
    elapsed: float

    @property
    def text(self) -> str:
        return str((self.body or {}).get("text", ""))


@dataclass
class RunningBot:
    url: str
    components: Components
    slack: FakeSlack
    emulator: EmulatorHandle
    http: aiohttp.ClientSession
    worker: Worker[Any] | None = None
    _role: WorkerRole | None = None

    async def post_slack(self, body: bytes, *, secret: str = SIGNING_SECRET) -> SlackReply:
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with self.http.post(
            f"{self.url}/slack/events", data=body, headers=signed_headers(secret, body)
        ) as resp:
            raw = await resp.read()
            elapsed = loop.time() - started
            parsed = json.loads(raw) if raw.startswith(b"{") else None
            return SlackReply(resp.status, parsed, elapsed)

    async def command(
        self,
        text: str = "",
        *,
        user_id: str = CREATOR,
        channel_id: str = GENERAL,
        channel_name: str = "general",
        response_url: str | None = None,
        trigger_id: str | None = None,
        seen: bool = True,
    ) -> SlackReply:
        """`seen`: the person has used meetbot before, so Redis knows their Slack locale (the
        fake Slack's, as users.info said) and the ack answers in it; `seen=False` is someone
        meetbot never looked up, whose reply comes through the response_url instead."""
        if seen:
            await self.knows_locale(user_id)
        body = slash_command_body(
            text=text,
            user_id=user_id,
            channel_id=channel_id,
            channel_name=channel_name,
            response_url=response_url or self.slack.response_url(),
            trigger_id=trigger_id or new_trigger_id(),
        )
        return await self.post_slack(body)

    async def knows_locale(self, user_id: str, *, team_id: str | None = None) -> None:
        """Redis keeps `user_id`'s Slack locale (in `team_id`, else their own workspace) as an
        earlier users.info left it, unless it has one already. Without Redis
        (`bot_without_redis`) there is nothing to keep."""
        user = self.slack.state.users.get(user_id)
        # Someone the fake Slack does not know: users.info said user_not_found, kept as "".
        locale, home = (
            (user.locale, user.team_id) if user else ("", self.slack.state.workspace.team_id)
        )
        key = self.components.channel_settings.store.keys.slack_locale(team_id or home, user_id)
        with contextlib.suppress(*RedisDown):
            await self.components.redis.set(key, locale, ex=SLACK_LOCALE_TTL, nx=True)

    async def interact(self, payload: dict[str, Any]) -> SlackReply:
        return await self.post_slack(interactive_body(payload))

    async def opened_view(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The modal a shortcut or button `payload` opens, as views.open received it."""
        await self.interact(payload)
        opened = await self.slack.state.wait_for(
            "views.open", lambda c: c.params.get("trigger_id") == payload["trigger_id"], timeout=10
        )
        view = opened.params["view"]
        assert isinstance(view, dict)
        return view

    async def event(self, event: dict[str, Any], **kwargs: Any) -> SlackReply:
        return await self.post_slack(event_callback_body(event, **kwargs))

    def start_worker(self) -> None:
        """The worker role as `python -m bot` builds it (saq worker + reconcile ticker)."""
        # No shutdown grace: a test's leftover jobs are cancelled at teardown, not waited for.
        self._role = WorkerRole(self.components, shutdown_grace=0)
        self.worker = self._role.worker
        self._role.start()

    async def stop_worker(self) -> None:
        if self._role is not None:
            await self._role.stop()
        self.worker, self._role = None, None


def bot_env(
    emulator: EmulatorHandle, slack: FakeSlack, redis_url: str, port: int
) -> dict[str, str]:
    return {
        "PORT": str(port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REDIS_URL": redis_url,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "VONAGE_APPLICATION_ID": emulator.application_id,
        "VONAGE_PRIVATE_KEY": emulator.private_key_pem,
        "MEETINGS_API_URL": emulator.base_url,
    }


@pytest.fixture
def bot_clock() -> Callable[[], datetime]:
    """The bot's clock (Components.clock); a test module overrides this fixture to steer time."""
    return utc_now


@pytest.fixture
async def bot_no_worker(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: Any,
    bot_clock: Callable[[], datetime],
) -> AsyncIterator[RunningBot]:
    """The web role alone (a test starts the worker when it wants one)."""
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    port = unused_port()
    settings = Settings.from_env(bot_env(emulator, slack_api, redis_url, port))
    async with aiohttp.ClientSession() as http:
        # The emulator checks JWTs against the wall clock, so the provider mints with it even
        # when a test steers the bot's own clock.
        provider = build_provider(settings, http=http, clock=utc_now)
        components = await build(settings, http=http, provider=provider, clock=bot_clock)
        await aiohttp_server(create_web_app(components), port=port)
        running = RunningBot(f"http://127.0.0.1:{port}", components, slack_api, emulator, http)
        try:
            yield running
        finally:
            await running.stop_worker()
            await close(components, own_http=False, own_redis=True)


@pytest.fixture
async def bot(bot_no_worker: RunningBot) -> AsyncIterator[RunningBot]:
    """Web role and worker, as `python -m bot` runs them."""
    bot_no_worker.start_worker()
    yield bot_no_worker


@pytest.fixture
async def bot_without_redis(
    aiohttp_server: AiohttpServer, emulator: EmulatorHandle, slack_api: FakeSlack
) -> AsyncIterator[RunningBot]:
    """The web role with Redis unreachable (nothing listens on its port)."""
    port = unused_port()
    nothing_listens = f"redis://127.0.0.1:{unused_port()}/0"
    settings = Settings.from_env(bot_env(emulator, slack_api, nothing_listens, port))
    async with aiohttp.ClientSession() as http:
        components = await build(settings, http=http)
        await aiohttp_server(create_web_app(components), port=port)
        yield RunningBot(f"http://127.0.0.1:{port}", components, slack_api, emulator, http)
        await close(components, own_http=False, own_redis=True)
