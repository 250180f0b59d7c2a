"""Choose and build the room provider named by ROOM_PROVIDER (DESIGN §2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import aiohttp

from bot.config import ConfigError, ProviderName, Settings
from bot.meetings.client import MeetingsClient
from bot.meetings.provider import MeetingsProvider
from bot.rooms import RoomProvider


def build_provider(
    settings: Settings, *, http: aiohttp.ClientSession, clock: Callable[[], datetime]
) -> RoomProvider:
    if settings.room_provider is ProviderName.MEETINGS:
        return MeetingsProvider(MeetingsClient.from_settings(http, settings, clock=clock))
    raise ConfigError(["ROOM_PROVIDER=daily: the Daily provider is not available in this version"])
