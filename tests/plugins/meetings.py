"""Fixtures for the Meetings API client (owned by the client work).

`meetings_client` talks real HTTP to the emulator (`emulator` fixture, tests/plugins/emulator.py)
with a fake `sleep` that records retry delays instead of waiting, and jitter fixed at 0.5.
`make_meetings_client` builds variants (wrong key, closed port, short timeout).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Protocol

import aiohttp
import pytest

from bot.providers.http.retry import RetryPolicy
from bot.providers.meetings.auth import TokenCache
from bot.providers.meetings.client import MeetingsClient
from tests.plugins.emulator import EmulatorHandle


class RecordedSleeps:
    """Stands in for `asyncio.sleep`: remembers each delay and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


class MakeClient(Protocol):
    def __call__(
        self,
        *,
        base_url: str | None = None,
        private_key_pem: str | None = None,
        retry: RetryPolicy | None = None,
        timeout: aiohttp.ClientTimeout | None = None,
    ) -> MeetingsClient: ...


def wall_clock() -> datetime:
    # JWTs are checked against the real clock by the emulator, whatever its room clock says.
    return datetime.now(UTC)


@pytest.fixture
def recorded_sleeps() -> RecordedSleeps:
    return RecordedSleeps()


@pytest.fixture
async def meetings_http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def make_meetings_client(
    emulator: EmulatorHandle, meetings_http: aiohttp.ClientSession, recorded_sleeps: RecordedSleeps
) -> MakeClient:
    room_clock: Callable[[], datetime] = emulator.clock

    def make(
        *,
        base_url: str | None = None,
        private_key_pem: str | None = None,
        retry: RetryPolicy | None = None,
        timeout: aiohttp.ClientTimeout | None = None,
    ) -> MeetingsClient:
        auth = TokenCache(
            emulator.application_id,
            private_key_pem or emulator.private_key_pem,
            clock=wall_clock,
        )
        return MeetingsClient(
            meetings_http,
            base_url=base_url or emulator.base_url,
            auth=auth,
            retry=retry or RetryPolicy(random=lambda: 0.5),
            sleep=recorded_sleeps,
            clock=room_clock,
            timeout=timeout or aiohttp.ClientTimeout(total=10),
        )

    return make


@pytest.fixture
def meetings_client(make_meetings_client: MakeClient) -> MeetingsClient:
    return make_meetings_client()
