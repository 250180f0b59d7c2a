"""Fixtures for the Daily emulator: a live emulator per test, and a client pointed at it.

`daily` serves `create_daily_emulator` on a free port and yields a `DailyHandle` (URLs, key,
webhook secret, state, control client, settable clock). `daily_client` is a `DailyClient`
on it whose retry waits are recorded instead of slept; `daily_provider` the provider over it
(room names keyed with b"key").
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
import pytest
from meetbot_sandbox.daily import API_PREFIX, STATE_KEY, DailyControl, DailyState
from meetbot_sandbox.daily.app import create_daily_emulator
from meetbot_sandbox.meetings import MutableClock
from meetbot_sandbox.meetings.clock import system_clock
from pytest_aiohttp import AiohttpServer

from bot.providers.daily.client import DailyClient
from bot.providers.daily.provider import DailyProvider
from bot.providers.http.retry import RetryPolicy
from tests.plugins.meetings import RecordedSleeps


@dataclass(frozen=True)
class DailyHandle:
    base_url: str  # what DAILY_API_URL would be: http://127.0.0.1:PORT/v1
    root_url: str
    api_key: str = field(repr=False)
    webhook_secret: bytes = field(repr=False)
    state: DailyState = field(repr=False)
    control: DailyControl = field(repr=False)
    clock: MutableClock = field(repr=False)

    @property
    def webhook_secret_b64(self) -> str:
        return base64.b64encode(self.webhook_secret).decode()


@asynccontextmanager
async def running_daily(
    aiohttp_server: AiohttpServer,
    *,
    clock: MutableClock | None = None,
    signing_clock: Callable[[], datetime] = system_clock,
) -> AsyncIterator[DailyHandle]:
    """A Daily emulator on a free port (also used by `provider_bot`, which cannot ask for the
    `daily` fixture from inside its own async setup, and passes the Meetings emulator's clock
    and the bot's, which checks webhook stamps)."""
    clock = clock or MutableClock()
    api_key, secret = secrets.token_hex(16), secrets.token_bytes(32)
    app = create_daily_emulator(
        api_key=api_key, webhook_secret=secret, clock=clock, signing_clock=signing_clock
    )
    server = await aiohttp_server(app, port=0)
    root = str(server.make_url("")).rstrip("/")
    async with aiohttp.ClientSession() as session:
        yield DailyHandle(
            base_url=root + API_PREFIX,
            root_url=root,
            api_key=api_key,
            webhook_secret=secret,
            state=app[STATE_KEY],
            control=DailyControl(session, root),
            clock=clock,
        )


@pytest.fixture
async def daily(aiohttp_server: AiohttpServer) -> AsyncIterator[DailyHandle]:
    async with running_daily(aiohttp_server) as handle:
        yield handle


@pytest.fixture
async def daily_client(
    daily: DailyHandle, recorded_sleeps: RecordedSleeps
) -> AsyncIterator[DailyClient]:
    async with aiohttp.ClientSession() as session:
        yield DailyClient(
            session,
            base_url=daily.base_url,
            api_key=daily.api_key,
            retry=RetryPolicy(random=lambda: 0.5),
            sleep=recorded_sleeps,
        )


@pytest.fixture
def daily_provider(daily_client: DailyClient) -> DailyProvider:
    return DailyProvider(daily_client, name_key=b"key", clock=lambda: datetime.now(UTC))
