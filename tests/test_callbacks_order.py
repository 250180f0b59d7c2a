"""Callbacks in reverse order (shapes of the spec's x-webhooks) leave the card as in order."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.plugins.bot import RunningBot
from tests.test_lifecycle_card import (
    Card,
    card_update,
    post_callback,
    processed,
    refreshes_done,
    start,
)

SESSION = "2_MX40reordered-fg"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def session_events(card: Card) -> list[dict[str, Any]]:
    """One 20-minute session with Ana (host) and Li, as the provider would send it."""

    def person(event: str, pid: str, name: str, host: bool) -> dict[str, Any]:
        return {
            "event": f"session:participant:{event}",
            "participant_id": pid,
            "session_id": SESSION,
            "room_id": card.room_id,
            "name": name,
            "type": "Guest",
            "is_host": host,
        }

    times = {"started_at": iso(START)}
    return [
        {"event": "session:started", "session_id": SESSION, "room_id": card.room_id, **times},
        person("joined", "p-ana", "Ana", True),
        person("joined", "p-li", "Li", False),
        person("left", "p-li", "Li", False),
        person("left", "p-ana", "Ana", True),
        {
            "event": "session:ended",
            "session_id": SESSION,
            "room_id": card.room_id,
            **times,
            "ended_at": iso(START + timedelta(minutes=20)),
        },
    ]


async def test_reversed_callbacks_end_on_an_ended_card_with_everyone_who_came(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Backwards")
    events = list(reversed(session_events(card)))
    for payload in events:
        assert await post_callback(bot, card, payload) == 204
    await card_update(bot, card, lambda t: "Ended" in t and "Attended (2)" in t)
    for payload in events:
        await processed(bot, card, payload)
    await refreshes_done(bot, card)

    shown = json.dumps(bot.slack.state.message(card.channel, card.ts).blocks)
    assert "lasted 20 min" in shown and "Ana _(host)_" in shown
    assert "Here now" not in shown and "Live" not in shown


async def test_ended_before_started_and_left_before_joined_never_show_live(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Shuffled")
    started, ana_in, li_in, li_out, ana_out, ended = session_events(card)
    for payload in (li_out, ended, started, ana_in, li_in, ana_out):
        assert await post_callback(bot, card, payload) == 204
    for payload in (li_out, ended, started, ana_in, li_in, ana_out):
        await processed(bot, card, payload)
    await refreshes_done(bot, card)
    updates = [c for c in bot.slack.state.calls_to("chat.update") if c.params["ts"] == card.ts]
    assert updates, "the card was updated"
    shown = json.dumps(bot.slack.state.message(card.channel, card.ts).blocks)
    assert "Ended" in shown and "Attended (2)" in shown and "Here now" not in shown


async def test_a_recording_ready_before_it_started_is_announced_once_and_not_running(
    bot: RunningBot,
) -> None:
    card = await start(bot, "Upload first")
    started, *_rest, ended = session_events(card)
    url = f"{bot.emulator.root_url}/_storage/recordings/rec-9/archive.mp4?Expires=1&Signature=x"
    recording = {"recording_id": "rec-9", "session_id": SESSION}
    timing = {"started_at": iso(START), "ended_at": iso(START + timedelta(minutes=3))}
    for payload in (
        {"event": "recording:uploaded", **recording, **timing, "duration": 180, "url": url},
        {"event": "recording:ended", **recording, **timing, "duration": 180},
        {"event": "recording:started", **recording},
        ended,
        started,
    ):
        assert await post_callback(bot, card, payload) == 204
    reply = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("thread_ts") == card.ts, timeout=15
    )
    assert "3 min" in json.dumps(reply.params)
    final = await card_update(bot, card, lambda t: "Ended" in t and "1 recording" in t)
    assert "Recording" not in json.dumps(final["blocks"]).replace("recording in", "")
    assert len(bot.slack.state.thread(card.channel, card.ts)) == 1
