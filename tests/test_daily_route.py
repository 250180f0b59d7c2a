"""`POST /callbacks/daily`: what Daily (or anyone else) gets back, and what it leaves behind.

Daily turns a webhook off after failed deliveries (anything but a 200), for every room of the
account: so whatever a delivery Daily signed says, it gets a 200; only a bad signature a 401.
"""

from __future__ import annotations

import io
import json
import logging
import time
from typing import Any

import pytest

from bot.providers.daily.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, parse_webhook, sign
from tests.job_wait import finished
from tests.plugins.providers import DailyRooms, ProviderBot
from tests.test_lifecycle_card import Card, card_update, start_on

pytestmark = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


def started(room: str, event_id: str = "ev-1") -> dict[str, Any]:
    payload = {"start_ts": int(time.time()), "meeting_id": "m-1", "room": room}
    return {"version": "1.0.0", "type": "meeting.started", "id": event_id, "payload": payload}


class _AnySignatureError:
    """Equal to the 401 body's error, whatever its words, as long as it names the signature."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and "signature" in other

    __hash__ = None  # type: ignore[assignment]


ANY_SIGNATURE = _AnySignatureError()


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
    data = io.BytesIO(body) if len(body) > 64 * 1024 else body  # aiohttp warns of big bytes
    async with bot.http.post(f"{bot.url}/callbacks/daily", data=data, headers=headers) as resp:
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


async def metric(bot: ProviderBot, name: str) -> dict[str, float]:
    """The samples of one counter on /metrics, by their labels."""
    async with bot.http.get(f"{bot.url}/metrics") as response:
        text = await response.text()
    return {
        line.split("{", 1)[1].split("}", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(f"{name}_total{{")
    }


async def test_whatever_a_signed_delivery_says_it_gets_a_200(
    provider_bot: ProviderBot, caplog: pytest.LogCaptureFixture
) -> None:
    key = secret(provider_bot)
    no_room = {"type": "meeting.started", "id": "met-sta-x-1", "payload": {"meeting_id": "m"}}
    mistyped = started("mb-any", "met-sta-y-2") | {"payload": {"room": 7, "meeting_id": []}}
    bodies = [
        b"{not json",
        b"[1, 2]",
        json.dumps(no_room).encode(),
        json.dumps(mistyped).encode(),
        json.dumps({"type": "meeting.started", "id": "met-sta-z-3", "payload": None}).encode(),
        json.dumps(started("x" * 70_000)).encode(),  # past 64 KB, still read and answered
    ]
    with caplog.at_level(logging.WARNING, logger="bot.cards.daily_route"):
        for body in bodies:
            assert await post(provider_bot, body, signed_with=key) == (200, None), body[:40]
            assert await post(provider_bot, body) == (401, {"error": ANY_SIGNATURE})
        # Daily delivers a failed or unanswered event again: it is not logged twice.
        assert (await post(provider_bot, json.dumps(no_room).encode(), signed_with=key))[0] == 200
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert sum("met-sta-x-1" in w for w in warnings) == 1, warnings
    assert all("meeting.started" in w for w in warnings if "met-sta" in w)
    assert not any('m"' in w or "mb-any" in w or "xxxx" in w for w in warnings), "no body"
    counted = await metric(provider_bot, "meetbot_daily_webhooks_unusable")
    assert counted == {'reason="unreadable",type="other"': 2.0,
                       'reason="unreadable",type="meeting.started"': 3.0}  # fmt: skip


async def test_only_past_a_megabyte_is_a_body_refused_unread(provider_bot: ProviderBot) -> None:
    huge = json.dumps(started("x" * 1_100_000)).encode()
    assert (await post(provider_bot, huge, signed_with=secret(provider_bot)))[0] == 413


async def test_a_type_we_do_not_follow_is_a_200_counted_and_said_once(
    provider_bot: ProviderBot, caplog: pytest.LogCaptureFixture
) -> None:
    body = {"version": "1.1.0", "type": "transcript.started", "id": "tra-sta-1", "payload": {}}
    with caplog.at_level(logging.WARNING, logger="bot.cards.daily_route"):
        for n in range(3):
            raw = json.dumps(body | {"id": f"tra-sta-{n}"}).encode()
            assert await post(provider_bot, raw, signed_with=secret(provider_bot)) == (200, None)
    told = [r for r in caplog.records if "transcript.started" in r.getMessage()]
    assert len(told) == 1 and "python -m bot daily webhook" in told[0].getMessage()
    counted = await metric(provider_bot, "meetbot_daily_webhooks_unusable")
    assert counted == {'reason="not followed",type="other"': 3.0}


async def test_a_redelivered_event_changes_the_card_once(provider_bot: ProviderBot) -> None:
    card = await start_on(provider_bot)
    body = started(card.room_id, "met-sta-m-1-1700000000")
    raw = json.dumps(body).encode()
    for _ in range(3):  # Daily retries until it sees a 200; every copy gets one
        assert await post(provider_bot, raw, signed_with=secret(provider_bot)) == (200, None)
    await card_update(provider_bot, card, lambda t: "Live" in t)
    job = await job_for(provider_bot, card, body)
    await finished(job, within=10)
    assert job.result == "live"
    meeting = await provider_bot.components.store.records.get(card.meeting_id)
    # A copy after it was applied runs again (the queue keeps keys only while a job is
    # pending) and changes nothing: no second card update.
    assert await post(provider_bot, raw, signed_with=secret(provider_bot)) == (200, None)
    again = await job_for(provider_bot, card, body)
    await finished(again, within=10)
    assert again.result == "unchanged"
    assert await provider_bot.components.store.records.get(card.meeting_id) == meeting
