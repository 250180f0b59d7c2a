"""A worker killed halfway through a meeting: another worker resumes it, nothing is repeated."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from tests.plugins.bot import CREATOR, GENERAL, RunningBot, bot_env


async def test_a_job_killed_after_the_card_resumes_without_a_second_card(
    bot_no_worker: RunningBot,
) -> None:
    bot = bot_no_worker
    state = bot.slack.state
    # The host DM step stalls (Slack asks us to wait 30 s), so the first worker is killed
    # after the room and the card exist but before the DM is sent.
    state.set_rate_limit("conversations.open", times=1, retry_after=30)
    env = bot_env(
        bot.emulator, bot.slack, bot.components.settings.redis_url, bot.components.settings.port
    )
    doomed = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--role", "worker", env={**os.environ, **env}
    )
    try:
        await bot.command("Crash test")
        await state.wait_for(
            "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=15
        )
        await state.wait_for("conversations.open", lambda c: c.status == 429, timeout=15)
    finally:
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()

    loop = asyncio.get_running_loop()
    killed_at = loop.time()
    bot.start_worker()
    dm_open = await state.wait_for(
        "conversations.open", lambda c: c.ok and c.params.get("users") == CREATOR, timeout=15
    )
    recovered_in = loop.time() - killed_at
    dm = await state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") == dm_open.response["channel"]["id"],
        timeout=5,
    )

    (room,) = bot.emulator.state.rooms.values()
    cards = [c for c in state.calls_to("chat.postMessage") if c.params.get("channel") == GENERAL]
    assert len(cards) == 1, "the resumed job did not post a second card"
    assert len(bot.emulator.state.rooms) == 1, "nor create a second room"
    assert room.participant_token in str(dm.params), "the host still gets the host link"
    assert recovered_in < 10, f"another worker took over within 10 s (took {recovered_in:.1f} s)"
