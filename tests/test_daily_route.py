"""`POST /callbacks/daily`: what Daily (or anyone else) gets back, and what it leaves behind."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.providers.daily.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, parse_webhook, sign
from tests.plugins.providers import DailyRooms, ProviderBot
from tests.test_lifecycle_card import Card, start_on

pytestmark = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


def started(room: str, event_id: str = "ev-1") -> dict[str, Any]:
    payload = {"start_ts": int(time.time()), "meeting_id": "m-1", "room": room}
    return {"version": "1.0.0", "type": "meeting.started", "id": event_id, "payload": payload}


def secret(bot: ProviderBot) -> bytes:
    assert isinstance(bot.rooms, DailyRooms)
    return bot.rooms.daily.webhook_secret


async def post(
    bot: ProviderBot, body: bytes, *, signed_with: bytes | None = None, stamp: str | None = None
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if signed_with is not None:
        stamp = stamp or str(int(time.time()))
        headers |= {TIMESTAMP_HEADER: stamp, SIGNATURE_HEADER: sign(signed_with, body, stamp)}
    async with bot.http.post(f"{bot.url}/callbacks/daily", data=body, headers=headers) as resp:
        raw = await resp.read()
        return resp.status, json.loads(raw) if raw else None


async def job_for(bot: ProviderBot, card: Card, body: dict[str, Any]) -> Any:
    event = parse_webhook(body)
    assert event is not None
    return await bot.components.queue.job(f"event:{card.meeting_id}:{event.identity}")


async def test_a_signed_event_becomes_a_job_and_a_200(provider_bot: ProviderBot) -> None:
    card = await start_on(provider_bot)
    body = started(card.room_id)
    raw = json.dumps(body).encode()
    for _ in range(2):  # a redelivery is the same job
        assert await post(provider_bot, raw, signed_with=secret(provider_bot)) == (200, None)
    job = await job_for(provider_bot, card, body)
    assert job is not None and job.function == "room_event"
    assert job.kwargs["event"]["session_id"] == "m-1"


async def test_unsigned_wrongly_signed_or_stale_is_401_and_changes_nothing(
    provider_bot: ProviderBot,
) -> None:
    card = await start_on(provider_bot)
    body = started(card.room_id)
    raw = json.dumps(body).encode()
    stale = str(int(time.time()) - 600)
    for kwargs in (
        {},
        {"signed_with": b"not the secret"},
        {"signed_with": secret(provider_bot), "stamp": stale},
    ):
        status, answer = await post(provider_bot, raw, **kwargs)
        assert status == 401 and "signature" in answer["error"]
    assert await job_for(provider_bot, card, body) is None


async def test_daily_s_verification_request_gets_a_200(provider_bot: ProviderBot) -> None:
    assert (await post(provider_bot, b""))[0] == 200
    assert (await post(provider_bot, b'{"test": "test"}'))[0] == 200


async def test_bad_bodies_get_a_4xx_never_a_5xx(provider_bot: ProviderBot) -> None:
    key = secret(provider_bot)
    assert (await post(provider_bot, b"{not json", signed_with=key))[0] == 400
    no_room = json.dumps({"type": "meeting.started", "payload": {"meeting_id": "m"}}).encode()
    assert (await post(provider_bot, no_room, signed_with=key))[0] == 400
    huge = json.dumps(started("x" * 70_000)).encode()
    assert (await post(provider_bot, huge, signed_with=key))[0] == 413


async def test_a_room_meetbot_did_not_create_is_a_quiet_200(provider_bot: ProviderBot) -> None:
    # Every room of the Daily domain reports to the one webhook; a 4xx would count as a failed
    # delivery, and three of those switch the webhook off for meetbot's rooms too.
    raw = json.dumps(started("someone-elses-room")).encode()
    assert await post(provider_bot, raw, signed_with=secret(provider_bot)) == (200, None)
