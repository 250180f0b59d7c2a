"""Choose and build the room provider named by ROOM_PROVIDER (DESIGN §2).

With Redis, the provider's client takes every request from the account's budget shared by all
replicas (`bot.providers.http.budget`): Daily's published limits (`DAILY_LIMITS`), or the
Meetings ceiling below. Without it (a one-off command, some tests) requests go out at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import aiohttp
import redis.asyncio as aioredis

from bot.config import ConfigError, ProviderName, Settings
from bot.domain.rooms import RoomProvider
from bot.providers.daily.client import DAILY_LIMITS, DailyClient
from bot.providers.daily.domain import DomainId
from bot.providers.daily.provider import DailyProvider
from bot.providers.daily.webhooks import UPDATES_OFF_WARNING
from bot.providers.http.budget import Limits, Rate, RedisBudget, account_id
from bot.providers.meetings.client import MeetingsClient
from bot.providers.meetings.provider import MeetingsProvider
from bot.storage.keys import Keys

log = logging.getLogger(__name__)

# Vonage published no request limit for the Meetings API (none in its OpenAPI file v0.1.7, its
# reference pages or its SDKs, and the API is retired). A ceiling above the 200 /meet a second
# the bot is measured at (docs/benchmarks.md), so that many replicas together cannot exceed it
# unseen; lower it here if the account's limit is known.
MEETINGS_LIMITS = Limits(overall=Rate(250, 1.0))


def build_provider(
    settings: Settings,
    *,
    http: aiohttp.ClientSession,
    clock: Callable[[], datetime],
    redis: aioredis.Redis | None = None,
    keys: Keys | None = None,
) -> RoomProvider:
    keys = keys or Keys()
    if settings.room_provider is ProviderName.MEETINGS:
        budget = None
        if redis is not None and settings.vonage_application_id:
            account = account_id(settings.vonage_application_id)
            budget = RedisBudget(
                redis, keys=keys, provider="meetings", account=account, limits=MEETINGS_LIMITS
            )
        meetings = MeetingsClient.from_settings(http, settings, clock=clock, budget=budget)
        return MeetingsProvider(meetings)
    if settings.daily_api_key is None:  # Settings refuses this already; kept for other callers
        raise ConfigError(["DAILY_API_KEY: required for the Daily provider"])
    if settings.daily_webhook_secret is None:
        log.warning(UPDATES_OFF_WARNING)
    account = account_id(settings.daily_api_key)
    daily_budget = None
    if redis is not None:
        daily_budget = RedisBudget(
            redis, keys=keys, provider="daily", account=account, limits=DAILY_LIMITS
        )
    client = DailyClient(
        http, base_url=settings.daily_api_url, api_key=settings.daily_api_key, budget=daily_budget
    )
    domain = DomainId(client, redis=redis, keys=keys, account=account)
    # Room names are keyed with the API key: unguessable, and stable across restarts.
    return DailyProvider(
        client, name_key=settings.daily_api_key.encode(), clock=clock, domain=domain
    )
