"""The whole bot on either room provider: `provider_bot` runs each test once on the Meetings
emulator and once on the Daily emulator (issue 9: the end-to-end scenarios hold for both).

Opt-in by fixture name, so tests written for `bot` (Meetings) keep working unchanged. A test
drives rooms through `provider_bot.rooms`, which speaks each emulator's control API, and reads
the one room it made through `rooms.only_room()`. Both emulators read one settable clock
(`emulator_clock`), and the bot reads `bot_clock`, so a module overriding `bot_clock` with
`emulator_clock` steers the bot and either provider together (tests/test_standup_rooms.py).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
import redis as sync_redis
from aiohttp.test_utils import unused_port
from meetbot_sandbox.meetings import MutableClock
from meetbot_sandbox.slack import FakeSlackState
from pytest_aiohttp import AiohttpServer

from bot.app import build, close, create_web_app
from bot.config import Settings
from bot.domain.clock import utc_now
from bot.domain.meeting import Meeting
from bot.providers.build import build_provider
from bot.storage.keys import Keys
from tests.plugins.bot import CREATOR, GENERAL, RunningBot, bot_env
from tests.plugins.daily import DailyHandle, running_daily
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import FakeSlack

PROVIDERS = ["meetings", "daily"]
Admits = Literal["host", "guest"] | None


@dataclass(frozen=True)
class RoomFacts:
    """The provider's view of the room a test made, in terms both providers share."""

    id: str
    record: bool
    expires_at: datetime | None
    created_at: datetime
    # (guest secret, host secret), found when asked: Daily's tokens are in the links only.
    secrets: Callable[[], tuple[str, str]] = field(repr=False)

    @property
    def guest_secret(self) -> str:
        """In the guest link only (Meetings: meeting code; Daily: guest token)."""
        return self.secrets()[0]

    @property
    def host_secret(self) -> str:
        """In the host link only: must never reach a channel."""
        return self.secrets()[1]


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

    def room_ids(self) -> list[str]: ...
    def room_expiry(self, room_id: str) -> datetime | None: ...
    def admits(self, link: str, at: datetime | None = None) -> Admits:
        """Whom the link lets into its room at `at` (default now): what opening it would do."""
        ...

    def remove_room(self, room_id: str) -> None:
        """The room is gone: the provider answers 404 for it from now on."""
        ...

    def allow_recording(self, room_id: str) -> None:
        """Let people record in the room (Meetings rooms always may; Daily's need
        `enable_recording`, which an admin could set in Daily's dashboard)."""
        ...


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
        guest, host = f"/{room.meeting_code}", room.participant_token
        return RoomFacts(
            id=room.id,
            secrets=lambda: (guest, host),
            record=bool(room.recording_options["auto_record"]),
            expires_at=room.expires_at,
            created_at=room.created_at,
        )

    async def recording_ready(self, recording_id: str) -> str:
        return await self.meetings.control.upload_recording(recording_id)

    def room_ids(self) -> list[str]:
        return list(self.meetings.state.rooms)

    def room_expiry(self, room_id: str) -> datetime | None:
        return self.meetings.state.rooms[room_id].expires_at

    def admits(self, link: str, at: datetime | None = None) -> Admits:
        """`.../{code}` lets guests in, `.../?room_token={code}&participant_token=...` the
        host, while the room is available (the links themselves never expire)."""
        parts = urlsplit(link)
        query = parse_qs(parts.query)
        code = (query.get("room_token") or [parts.path.rsplit("/", 1)[-1]])[0]
        when = at or self.handle.clock()
        for room in self.meetings.state.rooms.values():
            if room.meeting_code == code and room.is_available(when):
                host = query.get("participant_token") == [room.participant_token]
                return "host" if host else "guest"
        return None

    def remove_room(self, room_id: str) -> None:
        del self.meetings.state.rooms[room_id]

    def allow_recording(self, room_id: str) -> None:
        assert room_id in self.meetings.state.rooms


class DailyRooms(_ControlRooms):
    name = "daily"

    def __init__(self, handle: DailyHandle, slack: FakeSlackState, redis_url: str) -> None:
        super().__init__(handle)
        self.daily = handle
        self.slack = slack
        self.redis_url = redis_url

    def handed_out(self, room: str) -> list[str]:
        """The meeting tokens in the room's links the bot sent to Slack, earliest first: the
        bot signs them itself (issue 15), so Daily sees one only when someone joins with it."""
        link = re.compile(re.escape(f"{self.daily.root_url}/{room}") + r"\?t=([\w.-]+)")
        sent = [json.dumps(call.params) for call in self.slack.calls]
        sent += [json.dumps(post.body) for post in self.slack.response_posts]
        return list(dict.fromkeys(token for text in sent for token in link.findall(text)))

    def link_tokens(self, room: str) -> tuple[str, str]:
        """The first guest and host tokens sent for the room, else those of the links the bot
        keeps for it (a host DM may not be sent yet): the bot signs them, Daily never sees them
        until someone joins."""
        tokens = {t: self.daily.state.tokens.get(t) or {} for t in self.handed_out(room)}
        kept = self._kept_links(room)
        guest = next((t for t, p in tokens.items() if p and not p.get("is_owner")), kept[0])
        host = next((t for t, p in tokens.items() if p.get("is_owner")), kept[1])
        return guest, host

    def _kept_links(self, room: str) -> tuple[str, str]:
        keys, none = Keys(), "<no link>"
        with sync_redis.Redis.from_url(self.redis_url) as redis:
            meeting_id = redis.get(keys.room(room))
            raw = redis.get(keys.meeting(meeting_id.decode())) if meeting_id else None
        meeting = Meeting.from_json(raw) if isinstance(raw, bytes) else None
        if meeting is None:
            return none, none
        guest, host = meeting.guest_url or "", meeting.host_url or ""
        return guest.partition("?t=")[2] or none, host.partition("?t=")[2] or none

    def only_room(self) -> RoomFacts:
        state = self.daily.state
        (room,) = state.rooms.values()
        return RoomFacts(
            id=room.name,
            secrets=lambda: self.link_tokens(room.name),
            record=room.enable_recording == "cloud",
            expires_at=None
            if room.exp is None
            else datetime.fromtimestamp(room.exp, room.created_at.tzinfo),
            created_at=room.created_at,
        )

    async def recording_ready(self, recording_id: str) -> str:
        await self.daily.control.recording_ready(recording_id)
        return f"/_storage/{recording_id}.mp4"

    def room_ids(self) -> list[str]:
        return list(self.daily.state.rooms)

    def room_expiry(self, room_id: str) -> datetime | None:
        exp = self.daily.state.rooms[room_id].exp
        return None if exp is None else datetime.fromtimestamp(exp, self.handle.clock().tzinfo)

    def admits(self, link: str, at: datetime | None = None) -> Admits:
        """`{root}/{room name}?t={meeting token}`, as the emulator would let it in."""
        parts = urlsplit(link)
        if f"{parts.scheme}://{parts.netloc}" != self.daily.root_url:
            return None
        token = (parse_qs(parts.query).get("t") or [""])[0]
        who = self.daily.state.admits(parts.path.strip("/"), token, at)
        return None if who is None else "host" if who == "owner" else "guest"

    def remove_room(self, room_id: str) -> None:
        del self.daily.state.rooms[room_id]

    def allow_recording(self, room_id: str) -> None:
        self.daily.state.rooms[room_id].enable_recording = "cloud"


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
    emulator_clock: MutableClock,
    bot_clock: Callable[[], datetime],
) -> AsyncIterator[ProviderBot]:
    """Web role and worker on the provider named by the param, as `python -m bot` runs them."""
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    port = unused_port()
    rooms: RoomsUnderTest
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "daily":
            daily = await stack.enter_async_context(
                running_daily(aiohttp_server, clock=emulator_clock, signing_clock=bot_clock)
            )
            env = daily_env(emulator, daily, slack_api, redis_url, port)
            await daily.control.set_webhook(f"http://127.0.0.1:{port}/callbacks/daily")
            rooms = DailyRooms(daily, slack_api.state, redis_url)
        else:
            env = bot_env(emulator, slack_api, redis_url, port)
            rooms = MeetingsRooms(emulator)
        bot = _running(env, port, rooms, aiohttp_server, emulator, slack_api, bot_clock)
        async with bot as running:
            yield running


@contextlib.asynccontextmanager
async def _running(
    env: dict[str, str],
    port: int,
    rooms: RoomsUnderTest,
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    clock: Callable[[], datetime] = utc_now,
) -> AsyncIterator[ProviderBot]:
    settings = Settings.from_env(env)
    async with aiohttp.ClientSession() as http:
        # The Meetings emulator checks JWTs against the wall clock, so that provider mints
        # with it even when a test steers the bot's clock; Daily's client keeps no time.
        minting = utc_now if rooms.name == "meetings" else clock
        provider = build_provider(settings, http=http, clock=minting)
        components = await build(settings, http=http, provider=provider, clock=clock)
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
