"""Fuzzing POST /callbacks/meetings/{token}: whatever the body or token, a 204, 400, 404 or 413
(never a 5xx), and every event the route accepts is applied by the worker without failing."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.providers.meetings.events import parse_callback
from tests.fuzzing import ANY_JSON, RAW_BODIES, fuzz_settings, mutated
from tests.job_wait import finished
from tests.plugins.bot import RunningBot

ANSWERS = {204, 400, 404, 413}
ROOM, SESSION = "{room}", "{session}"
TEMPLATES: list[dict[str, Any]] = [
    {"event": "session:started", "room_id": ROOM, "session_id": SESSION,
     "started_at": "2026-11-25T10:00:00Z"},
    {"event": "session:ended", "room_id": ROOM, "session_id": SESSION,
     "started_at": "2026-11-25T10:00:00Z", "ended_at": "2026-11-25T10:30:00Z"},
    {"event": "session:participant:joined", "room_id": ROOM, "session_id": SESSION,
     "participant_id": "p-1", "name": "Ana", "type": "Guest", "is_host": True,
     "started_at": "2026-11-25T10:01:00Z"},
    {"event": "session:participant:left", "room_id": ROOM, "session_id": SESSION,
     "participant_id": "p-1", "name": "Ana", "ended_at": "2026-11-25T10:20:00Z"},
    {"event": "room:expired", "room_id": ROOM, "expires_at": "2026-11-25T11:00:00Z"},
]  # fmt: skip


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.ERROR):
        yield caplog


@pytest.fixture
async def callback_url(bot: RunningBot) -> str:
    """The callback URL of a real room, started with /meet."""
    trigger_id = new_trigger_id()
    await bot.command("Fuzzed room", trigger_id=trigger_id)
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    (room,) = bot.emulator.state.rooms.values()
    assert room.callback_urls is not None
    return room.callback_urls["sessions_callback_url"]


def fill(value: Any, room_id: str) -> Any:
    if isinstance(value, dict):
        return {k: fill(v, room_id) for k, v in value.items()}
    if value == ROOM:
        return room_id
    return "2_MX40-fuzz-session" if value == SESSION else value


async def post(bot: RunningBot, url: str, body: bytes) -> int:
    data = io.BytesIO(body) if len(body) > 64 * 1024 else body
    async with bot.http.post(url, data=data) as resp:
        await resp.read()
        return resp.status


@fuzz_settings(100)
@given(data=st.data())
async def test_mangled_events_are_refused_or_applied_never_a_crash(
    errors: pytest.LogCaptureFixture, bot: RunningBot, callback_url: str, data: st.DataObject
) -> None:
    (room,) = bot.emulator.state.rooms.values()
    template = fill(data.draw(st.sampled_from(TEMPLATES)), room.id)
    payload = data.draw(mutated(template) | ANY_JSON)
    status = await post(bot, callback_url, json.dumps(payload).encode())
    event(f"HTTP {status}")
    assert status in ANSWERS, (status, payload)
    if status == 204:
        assert isinstance(payload, dict)
        meeting_id = await bot.components.store.records.id_for_room(room.id)
        job = await bot.components.queue.job(
            f"event:{meeting_id}:{parse_callback(payload).identity}"
        )
        assert job is not None
        await finished(job, within=15)
        assert job.status == "complete", (job.status, job.error, payload)
    crashes = list(errors.records)
    errors.clear()
    assert not crashes, [r.getMessage() for r in crashes]


@fuzz_settings(60)
@given(body=RAW_BODIES, token=st.text(max_size=40) | st.just(""))
async def test_any_bytes_to_any_token_are_a_4xx(
    bot_no_worker: RunningBot, body: bytes, token: str
) -> None:
    url = f"{bot_no_worker.url}/callbacks/meetings/{token.replace('/', '_').replace('?', '_')}"
    status = await post(bot_no_worker, url, body)
    event(f"HTTP {status}")
    assert status in ANSWERS or (status == 405 and not token), status
