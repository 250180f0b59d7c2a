"""Choose and build the room provider named by ROOM_PROVIDER (DESIGN §2)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp

from bot.config import ConfigError, ProviderName, Settings
from bot.domain.rooms import RoomProvider
from bot.providers.daily.client import DailyClient
from bot.providers.daily.provider import DailyProvider
from bot.providers.daily.webhooks import UPDATES_OFF_WARNING
from bot.providers.meetings.client import MeetingsClient
from bot.providers.meetings.provider import MeetingsProvider

log = logging.getLogger(__name__)


def build_provider(
    settings: Settings, *, http: aiohttp.ClientSession, clock: Callable[[], datetime]
) -> RoomProvider:
    if settings.room_provider is ProviderName.MEETINGS:
        return MeetingsProvider(MeetingsClient.from_settings(http, settings, clock=clock))
    if settings.daily_api_key is None:  # Settings refuses this already; kept for other callers
        raise ConfigError(["DAILY_API_KEY: required for the Daily provider"])
    if settings.daily_webhook_secret is None:
        log.warning(UPDATES_OFF_WARNING)
    client = DailyClient(http, base_url=settings.daily_api_url, api_key=settings.daily_api_key)
    # Room names are keyed with the API key: unguessable, and stable across restarts.
    return DailyProvider(client, name_key=settings.daily_api_key.encode(), clock=clock)
