"""POST /callbacks/meetings/{token} over real HTTP: 204 only once the job is stored; honest errors."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain.meeting import Meeting
from bot.logs import configure as configure_logging
from bot.providers.meetings.events import parse_callback
from tests.plugins.bot import CREATOR, GENERAL, RunningBot

TOKEN = "tok_" + "A" * 28  # shaped like the service's secrets.token_urlsafe(24)
JOINED = {
    "event": "session:participant:joined",
    "participant_id": "p-1",
    "session_id": "2_MX40abc-fg",
    "room_id": "room-1",
    "name": "Ana",
    "type": "Guest",
    "is_host": True,
}


@pytest.fixture
async def meeting(bot_no_worker: RunningBot) -> Meeting:
    meeting = Meeting(
        id="m-callbacks",
        team_id="T0FAKE001",
        creator_id=CREATOR,
        title="Callbacks",
        channel_id=GENERAL,
        room_id="room-1",
        callback_token=TOKEN,
        created_at=datetime.now(UTC),
    )
    await bot_no_worker.components.store.records.save(meeting)
    return meeting


async def post(
    bot: RunningBot, body: bytes | Any, *, token: str = TOKEN, **kwargs: Any
) -> tuple[int, dict[str, Any] | None]:
    data = body if isinstance(body, bytes) or hasattr(body, "__aiter__") else json.dumps(body)
    async with bot.http.post(
        f"{bot.url}/callbacks/meetings/{token}", data=data, **kwargs
    ) as response:
        raw = await response.read()
        return response.status, json.loads(raw) if raw else None


async def test_a_callback_is_stored_as_a_job_before_the_204(
    bot_no_worker: RunningBot, meeting: Meeting
) -> None:
    status, body = await post(bot_no_worker, JOINED)
    assert (status, body) == (204, None)
    key = f"event:{meeting.id}:{parse_callback(JOINED).identity}"
    job = await bot_no_worker.components.queue.job(key)
    assert job is not None and job.function == "room_event" and job.kwargs is not None
    assert job.kwargs["meeting_id"] == meeting.id
    assert job.kwargs["event"] == parse_callback(JOINED).to_dict()


async def test_a_duplicate_delivery_is_one_job(bot_no_worker: RunningBot, meeting: Meeting) -> None:
    for _ in range(3):
        assert (await post(bot_no_worker, JOINED))[0] == 204
    assert await bot_no_worker.components.queue.count("queued") == 1


@pytest.mark.parametrize("token", [TOKEN[:-1] + "B", "short", "x" * 300, "not~a~token~" + "x" * 30])
async def test_an_unknown_token_is_404(
    bot_no_worker: RunningBot, meeting: Meeting, token: str
) -> None:
    status, body = await post(bot_no_worker, JOINED, token=token)
    assert status == 404
    assert body == {"error": "unknown callback token"}
    assert await bot_no_worker.components.queue.count("queued") == 0


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        ({"event": "room:renamed", "room_id": "room-1"}, "unknown Meetings callback event"),
        ({"event": "session:started", "room_id": "room-1"}, "without 'session_id'"),
    ],
)
async def test_a_body_that_is_no_documented_event_is_400_with_the_reason(
    bot_no_worker: RunningBot, meeting: Meeting, body: bytes | dict[str, Any], words: str
) -> None:
    status, answer = await post(bot_no_worker, body)
    assert status == 400
    assert answer is not None and words in answer["error"]
    assert await bot_no_worker.components.queue.count("queued") == 0


async def test_a_body_over_64_kb_is_413_with_or_without_a_length(
    bot_no_worker: RunningBot, meeting: Meeting
) -> None:
    big = json.dumps({**JOINED, "name": "x" * 70_000}).encode()
    status, answer = await post(bot_no_worker, big)
    assert status == 413 and answer == {"error": "body over 65536 bytes"}

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    status, answer = await post(bot_no_worker, chunks())
    assert status == 413 and answer is not None and "error" in answer
    assert await bot_no_worker.components.queue.count("queued") == 0


async def test_callbacks_are_counted_by_outcome(
    bot_no_worker: RunningBot, meeting: Meeting
) -> None:
    await post(bot_no_worker, JOINED)
    await post(bot_no_worker, JOINED, token="nope-" + "x" * 30)
    async with bot_no_worker.http.get(f"{bot_no_worker.url}/metrics") as response:
        text = await response.text()
    assert 'meetbot_provider_callbacks_total{outcome="204"} 1.0' in text
    assert 'meetbot_provider_callbacks_total{outcome="404"} 1.0' in text


async def test_redis_down_is_503_with_a_json_error(bot_without_redis: RunningBot) -> None:
    status, body = await post(bot_without_redis, JOINED)
    assert status == 503
    assert body == {"error": "temporarily unavailable"}


async def test_each_callback_costs_no_log_line(
    bot_no_worker: RunningBot, meeting: Meeting, caplog: pytest.LogCaptureFixture
) -> None:
    saq_log = logging.getLogger("saq")
    before = saq_log.level
    configure_logging("INFO")  # as `python -m bot` sets logging up
    try:
        caplog.set_level(logging.INFO)
        assert (await post(bot_no_worker, JOINED))[0] == 204
        assert not [r for r in caplog.records if "room_event" in r.getMessage()]
    finally:
        saq_log.setLevel(before)
