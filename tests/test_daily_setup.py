"""Daily as the provider from configuration alone, and joins that name no session."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import aiohttp
import pytest

from bot.cards.reducer import SessionNotKnownYet, bind_session
from bot.config import ConfigError, ProviderName, Settings
from bot.domain.meeting import Meeting
from bot.domain.rooms import EventKind, RoomEvent
from bot.providers.build import build_provider
from bot.providers.daily.provider import DailyProvider

SLACK = {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}
DAILY = {"DAILY_API_KEY": "k", "DAILY_WEBHOOK_SECRET": base64.b64encode(b"secret").decode()}


async def test_a_daily_key_alone_makes_daily_the_provider() -> None:
    settings = Settings.from_env(SLACK | DAILY)
    assert settings.room_provider is ProviderName.DAILY
    assert settings.daily_webhook_secret == b"secret"
    async with aiohttp.ClientSession() as http:
        provider = build_provider(settings, http=http, clock=lambda: datetime.now(UTC))
        assert isinstance(provider, DailyProvider)


def test_the_webhook_secret_is_optional_but_never_malformed() -> None:
    # Rooms work without it (the route then refuses every event and a warning says so).
    assert Settings.from_env(SLACK | {"DAILY_API_KEY": "k"}).daily_webhook_secret is None
    with pytest.raises(ConfigError) as caught:
        Settings.from_env(SLACK | {"ROOM_PROVIDER": "daily", "DAILY_WEBHOOK_SECRET": "not b64!"})
    problems = "\n".join(caught.value.problems)
    assert "DAILY_API_KEY" in problems and "DAILY_WEBHOOK_SECRET" in problems
    assert "VONAGE" not in problems


def test_a_join_without_a_session_waits_for_its_session_then_joins_it() -> None:
    meeting = Meeting(id="m", team_id="T", creator_id="U", title="t", channel_id="C")
    join = RoomEvent(EventKind.PARTICIPANT_JOINED, "j", participant_id="p", started_at=None)
    with pytest.raises(SessionNotKnownYet):
        bind_session(meeting, join)
    live = meeting.replace(session_id="s-1", started_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert bind_session(live, join).session_id == "s-1"
    ended = live.replace(ended_at=datetime(2026, 1, 1, 1, tzinfo=UTC))
    later = RoomEvent(
        EventKind.PARTICIPANT_JOINED,
        "j2",
        participant_id="p",
        started_at=datetime(2026, 1, 2, tzinfo=UTC),
    )
    with pytest.raises(SessionNotKnownYet):
        bind_session(ended, later)  # the next session's start has not arrived yet
