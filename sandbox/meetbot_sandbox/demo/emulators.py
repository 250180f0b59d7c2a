"""The room provider the sandbox emulates, chosen at startup: the Meetings emulator (the
retired API, the default) or the Daily emulator. Each starts on a free port of 127.0.0.1 with
fresh credentials (nothing is written to disk) and says which variables point the bot at it.

The choice is made once per run (`python -m bot --provider daily`, or ROOM_PROVIDER): the
bot's records in Redis name rooms of one provider, so switching under a running bot would
leave cards whose rooms the other provider has never heard of.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import aiohttp
from aiohttp import web

from bot.app import Components
from bot.config import ConfigError, ProviderName
from bot.errors import Unavailable
from bot.storage.redis import RedisDown
from bot.storage.store import Store
from meetbot_sandbox import daily, meetings
from meetbot_sandbox.demo.rooms import EmulatedRooms
from meetbot_sandbox.demo.rooms_daily import DailyRooms
from meetbot_sandbox.demo.rooms_meetings import MeetingsRooms
from meetbot_sandbox.meetings.keypair import new_key_pair
from meetbot_sandbox.slack.state import FakeSlackState

LOCALHOST = "127.0.0.1"
PROVIDERS = tuple(p.value for p in ProviderName)
# Daily sends no webhook when a room expires; the reconcile sweep notices. The sandbox sweeps
# more often than production's 60 s so "Expire room" shows on the card within seconds.
DAILY_SANDBOX_RECONCILE_SECONDS = "5"


def choose_provider(flag: str | None, env: Mapping[str, str]) -> ProviderName:
    """`--provider`, else ROOM_PROVIDER, else Meetings. Raises ConfigError naming the bad value."""
    raw = (flag or env.get("ROOM_PROVIDER", "")).strip().lower() or ProviderName.MEETINGS.value
    if raw not in PROVIDERS:
        source = "--provider" if flag else "ROOM_PROVIDER"
        raise ConfigError([f"{source}: expected 'meetings' or 'daily', got {raw!r}"])
    return ProviderName(raw)


@dataclass(frozen=True)
class Emulated:
    """A running emulator: the page's view of its rooms and the variables for the bot."""

    rooms: EmulatedRooms
    env: Mapping[str, str] = field(repr=False)  # ROOM_PROVIDER and its credentials
    defaults: Mapping[str, str] = field(default_factory=dict)  # unless the person set them
    connect: Callable[[Components], None] = lambda _components: None


async def serve_locally(app: web.Application, runners: list[web.AppRunner]) -> str:
    """Serve `app` on a free port of 127.0.0.1; the caller cleans `runners` up."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    runners.append(runner)
    await web.TCPSite(runner, LOCALHOST, 0).start()
    return f"http://{LOCALHOST}:{runner.addresses[0][1]}"


async def start_meetings(
    slack: FakeSlackState, http: aiohttp.ClientSession, runners: list[web.AppRunner]
) -> Emulated:
    keys = new_key_pair()
    application_id = str(uuid.uuid4())
    app = meetings.create_emulator_app(
        application_id=application_id, public_key_pem=keys.public_pem
    )
    url = await serve_locally(app, runners)
    rooms = MeetingsRooms(meetings.EmulatorControl(http, url), app[meetings.STATE_KEY], slack)
    env = {
        "ROOM_PROVIDER": ProviderName.MEETINGS.value,
        "VONAGE_APPLICATION_ID": application_id,
        "VONAGE_PRIVATE_KEY": keys.private_pem,
        "MEETINGS_API_URL": url + meetings.API_PREFIX,
    }
    return Emulated(rooms, env)  # each room carries its own callback URLs (PUBLIC_URL)


async def start_daily(
    slack: FakeSlackState, http: aiohttp.ClientSession, runners: list[web.AppRunner]
) -> Emulated:
    api_key, secret = secrets.token_hex(32), secrets.token_bytes(32)
    app = daily.create_daily_emulator(api_key=api_key, webhook_secret=secret)
    url = await serve_locally(app, runners)
    state = app[daily.STATE_KEY]
    rooms = DailyRooms(daily.DailyControl(http, url), state, slack, root_url=url)

    def connect(components: Components) -> None:
        # Daily posts one domain's webhooks to one URL, set once in its dashboard.
        state.set_preset_webhook(f"{components.settings.public_url}/callbacks/daily")
        rooms.bot = StoreRecords(components.store, components.clock)

    env = {
        "ROOM_PROVIDER": ProviderName.DAILY.value,
        "DAILY_API_URL": url + daily.API_PREFIX,
        "DAILY_API_KEY": api_key,
        "DAILY_WEBHOOK_SECRET": base64.b64encode(secret).decode(),
    }
    defaults = {"RECONCILE_INTERVAL_SECONDS": DAILY_SANDBOX_RECONCILE_SECONDS}
    return Emulated(rooms, env, defaults, connect)


Starter = Callable[
    [FakeSlackState, aiohttp.ClientSession, list[web.AppRunner]], Awaitable[Emulated]
]
STARTERS: Mapping[ProviderName, Starter] = {
    ProviderName.MEETINGS: start_meetings,
    ProviderName.DAILY: start_daily,
}


class StoreRecords:
    """`rooms.BotRecords` from the bot's store. Redis being down costs the page a title (it
    shows the room's name and asks again later), never an error."""

    def __init__(self, store: Store, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock

    async def title(self, room_id: str) -> str | None:
        try:
            meeting_id = await self._store.records.id_for_room(room_id)
            meeting = await self._store.records.get(meeting_id) if meeting_id else None
        except (Unavailable, *RedisDown):
            return None
        return meeting.title if meeting else None

    async def check_soon(self, room_id: str) -> None:
        with contextlib.suppress(Unavailable, *RedisDown):
            if meeting_id := await self._store.records.id_for_room(room_id):
                await self._store.watchlist.watch(meeting_id, self._clock())
