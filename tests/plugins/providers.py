"""The whole bot on either room provider: `provider_bot` runs each test once on the Meetings
emulator and once on the Daily emulator (issue 9: the end-to-end scenarios hold for both).

Opt-in by fixture name, so tests written for `bot` (Meetings) keep working unchanged. A test
drives rooms through `provider_bot.rooms`, which speaks each emulator's control API, and reads
the one room it made through `rooms.only_room()`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from pytest_aiohttp import AiohttpServer

from bot.app import build, close, create_web_app
from bot.config import Settings
from tests.plugins.bot import CREATOR, GENERAL, RunningBot, bot_env
from tests.plugins.daily import DailyHandle, running_daily
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack

PROVIDERS = ["meetings", "daily"]


@dataclass(frozen=True)
class RoomFacts:
    """The provider's view of the room a test made, in terms both providers share."""

    id: str
    guest_secret: str  # in the guest link only (Meetings: meeting code; Daily: guest token)
    host_secret: str  # in the host link only: must never reach a channel
    record: bool
    expires_at: datetime | None
    created_at: datetime


class RoomsUnderTest(Protocol):
    name: str

    def only_room(self) -> RoomFacts: ...
    async def start_session(self, room_id: str) -> str: ...
    async def join(self, session: str, name: str, *, is_host: bool = False) -> str: ...
    async def leave(self, session: str, participant: str) -> None: ...
    async def end_session(self, session: str) -> None: ...
    async def start_recording(self, session: str) -> str: ...
    async def recording_ready(self, recording_id: str) -> str:
        """Make the (stopped) recording downloadable; a part of its download link."""
        ...

    def advance(self, *, minutes: float) -> None: ...


class _ControlRooms:
    """Both emulators' control clients share these method names and meanings."""

    def __init__(self, handle: EmulatorHandle | DailyHandle) -> None:
        self.handle = handle

    async def start_session(self, room_id: str) -> str:
        return await self.handle.control.start_session(room_id)

    async def join(self, session: str, name: str, *, is_host: bool = False) -> str:
        return await self.handle.control.join(session, name, is_host=is_host)

    async def leave(self, session: str, participant: str) -> None:
        await self.handle.control.leave(session, participant)

    async def end_session(self, session: str) -> None:
        await self.handle.control.end_session(session)

    async def start_recording(self, session: str) -> str:
        return await self.handle.control.start_recording(session)

    def advance(self, *, minutes: float) -> None:
        self.handle.clock.advance(minutes=minutes)


class MeetingsRooms(_ControlRooms):
    name = "meetings"

    def __init__(self, handle: EmulatorHandle) -> None:
        super().__init__(handle)
        self.meetings = handle

    def only_room(self) -> RoomFacts:
        (room,) = self.meetings.state.rooms.values()
        return RoomFacts(
            id=room.id,
            guest_secret=f"/{room.meeting_code}",
            host_secret=room.participant_token,
            record=bool(room.recording_options["auto_record"]),
            expires_at=room.expires_at,
            created_at=room.created_at,
        )

    async def recording_ready(self, recording_id: str) -> str:
        return await self.meetings.control.upload_recording(recording_id)


class DailyRooms(_ControlRooms):
    name = "daily"

    def __init__(self, handle: DailyHandle) -> None:
        super().__init__(handle)
        self.daily = handle

    def only_room(self) -> RoomFacts:
        state = self.daily.state
        (room,) = state.rooms.values()
        tokens = {t: p for t, p in state.tokens.items() if p.get("room_name") == room.name}
        guest = next(t for t, p in tokens.items() if not p.get("is_owner"))
        host = next(t for t, p in tokens.items() if p.get("is_owner"))
        return RoomFacts(
            id=room.name,
            guest_secret=guest,
            host_secret=host,
            record=room.enable_recording == "cloud",
            expires_at=None
            if room.exp is None
            else datetime.fromtimestamp(room.exp, room.created_at.tzinfo),
            created_at=room.created_at,
        )

    async def recording_ready(self, recording_id: str) -> str:
        await self.daily.control.recording_ready(recording_id)
        return f"/_storage/{recording_id}.mp4"


@dataclass
class ProviderBot(RunningBot):
    rooms: RoomsUnderTest = field(kw_only=True)


def daily_env(
    emulator: EmulatorHandle, daily: DailyHandle, slack: FakeSlack, redis_url: str, port: int
) -> dict[str, str]:
    env = {k: v for k, v in bot_env(emulator, slack, redis_url, port).items() if "VONAGE" not in k}
    return env | {
        "ROOM_PROVIDER": "daily",
        "DAILY_API_URL": daily.base_url,
        "DAILY_API_KEY": daily.api_key,
        "DAILY_WEBHOOK_SECRET": daily.webhook_secret_b64,
    }


@pytest.fixture(params=PROVIDERS)
async def provider_bot(
    request: pytest.FixtureRequest,
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: Any,
) -> AsyncIterator[ProviderBot]:
    """Web role and worker on the provider named by the param, as `python -m bot` runs them."""
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    port = unused_port()
    rooms: RoomsUnderTest
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "daily":
            daily = await stack.enter_async_context(running_daily(aiohttp_server))
            env = daily_env(emulator, daily, slack_api, redis_url, port)
            await daily.control.set_webhook(f"http://127.0.0.1:{port}/callbacks/daily")
            rooms = DailyRooms(daily)
        else:
            env = bot_env(emulator, slack_api, redis_url, port)
            rooms = MeetingsRooms(emulator)
        async with _running(env, port, rooms, aiohttp_server, emulator, slack_api) as running:
            yield running


@contextlib.asynccontextmanager
async def _running(
    env: dict[str, str],
    port: int,
    rooms: RoomsUnderTest,
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
) -> AsyncIterator[ProviderBot]:
    async with aiohttp.ClientSession() as http:
        components = await build(Settings.from_env(env), http=http)
        server = await aiohttp_server(create_web_app(components), port=port)
        running = ProviderBot(
            f"http://127.0.0.1:{port}", components, slack_api, emulator, http, rooms=rooms
        )
        running.start_worker()
        try:
            yield running
        finally:
            await running.stop_worker()
            await server.close()  # frees the port: a test may restart the bot on it
            await close(components, own_http=False, own_redis=True)
