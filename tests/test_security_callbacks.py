"""The callback route's token is a room's only credential: guessed tokens, junk bodies and one
room's token carrying another room's ids change no card and no meeting record."""

from __future__ import annotations

import io
import json
import secrets
from dataclasses import dataclass
from typing import Any

import pytest
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.providers.meetings.events import parse_callback
from tests.job_wait import finished
from tests.plugins.bot import GENERAL, RunningBot


@dataclass(frozen=True)
class Started:
    meeting_id: str
    room_id: str
    callback_url: str
    card_ts: str


async def start(bot: RunningBot, title: str) -> Started:
    trigger_id = new_trigger_id()
    await bot.command(title, trigger_id=trigger_id)
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    room = next(r for r in bot.emulator.state.rooms.values() if r.display_name == title)
    meeting = await bot.components.store.records.get(str(room.metadata))
    assert meeting is not None and meeting.card_ts is not None and room.callback_urls
    return Started(
        meeting.id, room.id, room.callback_urls["sessions_callback_url"], meeting.card_ts
    )


@pytest.fixture
async def two_rooms(bot: RunningBot) -> tuple[Started, Started]:
    return await start(bot, "Room A"), await start(bot, "Room B")


async def records(bot: RunningBot, *rooms: Started) -> list[dict[str, Any]]:
    found = [await bot.components.store.records.get(r.meeting_id) for r in rooms]
    return [json.loads(m.to_json()) for m in found if m is not None]


def card_updates(bot: RunningBot) -> int:
    return len(bot.slack.state.calls_to("chat.update"))


async def post(bot: RunningBot, url: str, body: bytes) -> tuple[int, Any]:
    data = io.BytesIO(body) if len(body) > 64 * 1024 else body
    async with bot.http.post(url, data=data) as resp:
        raw = await resp.read()
        return resp.status, json.loads(raw) if raw else None


def with_token(url: str, token: str) -> str:
    return url.rsplit("/", 1)[0] + "/" + token


async def test_guessed_and_malformed_tokens_are_404_and_touch_nothing(
    bot: RunningBot, two_rooms: tuple[Started, Started]
) -> None:
    a, _ = two_rooms
    before, updates = await records(bot, *two_rooms), card_updates(bot)
    event = json.dumps({"event": "session:started", "session_id": "s-1", "room_id": a.room_id})
    guesses = [secrets.token_urlsafe(24) for _ in range(20)]
    guesses += ["x", "A" * 21, "A" * 129, "%2e%2e%2fadmin", "tok%00en" + "A" * 30, "é" * 30]
    for token in guesses:
        status, body = await post(bot, with_token(a.callback_url, token), event.encode())
        assert status == 404, token
        assert body == {"error": "unknown callback token"}
    assert await records(bot, *two_rooms) == before
    assert card_updates(bot) == updates


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"not json", 400),
        (b"[]", 400),
        (b"{}", 400),
        (b'{"event": "room:deleted:everything"}', 400),
        (b'{"event": "session:started"}', 400),
        (b'{"event": "session:participant:joined", "session_id": "s"}', 400),
        (b"\xff\xfe\x00garbage", 400),
        (b'{"event": "session:started", "session_id": "s", "pad": "' + b"x" * 70_000 + b'"}', 413),
    ],
)
async def test_malformed_or_oversized_bodies_are_refused_and_touch_nothing(
    bot: RunningBot, two_rooms: tuple[Started, Started], body: bytes, status: int
) -> None:
    a, _ = two_rooms
    before, updates = await records(bot, *two_rooms), card_updates(bot)
    answer, error = await post(bot, a.callback_url, body)
    assert answer == status
    assert isinstance(error, dict) and error.get("error"), "a JSON error saying why"
    assert await records(bot, *two_rooms) == before
    assert card_updates(bot) == updates


async def test_one_rooms_token_with_another_rooms_ids_changes_neither_card(
    bot: RunningBot, two_rooms: tuple[Started, Started]
) -> None:
    a, b = two_rooms
    control = bot.emulator.control
    session_b = await control.start_session(b.room_id)  # B is live: its session id is known
    live_b = await bot.slack.state.wait_for(
        "chat.update", lambda c: c.params.get("ts") == b.card_ts and "Live" in str(c.params)
    )
    before, updates = await records(bot, a, b), card_updates(bot)
    assert live_b.seq <= len(bot.slack.state.calls)

    forged: list[dict[str, object]] = [
        {"event": "room:expired", "room_id": b.room_id},
        {"event": "session:ended", "room_id": b.room_id, "session_id": session_b},
        {
            "event": "session:participant:joined",
            "room_id": b.room_id,
            "session_id": session_b,
            "participant_id": "p-mallory",
            "name": "Mallory",
            "type": "Guest",
            "is_host": True,
        },
        # No room id at all: only B's session id, which A's record does not know.
        {
            "event": "session:participant:joined",
            "session_id": session_b,
            "participant_id": "p-eve",
            "name": "Eve",
            "type": "Guest",
            "is_host": False,
        },
        {"event": "session:ended", "session_id": session_b},
    ]
    for payload in forged:
        status, _ = await post(bot, a.callback_url, json.dumps(payload).encode())
        assert status == 204, "well-formed, so accepted; the worker decides"
        job = await bot.components.queue.job(
            f"event:{a.meeting_id}:{parse_callback(payload).identity}"
        )
        assert job is not None
        await finished(job, within=15)

    after = await records(bot, a, b)
    changed = [
        (i, k, before[i].get(k), after[i].get(k))
        for i in range(2)
        for k in after[i]
        if before[i].get(k) != after[i].get(k)
    ]
    assert not changed, "neither meeting record changed"
    assert card_updates(bot) == updates, "no card was refreshed"
    posted = [
        c
        for c in bot.slack.state.calls_to("chat.postMessage")
        if c.params.get("channel") == GENERAL
    ]
    shown = json.dumps([c.params for c in posted])
    assert "Mallory" not in shown and "Eve" not in shown
