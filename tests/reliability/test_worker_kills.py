"""A burst of /meet while the worker process is SIGKILLed and restarted: every command still
gets exactly one room, one card and one host DM; the next worker takes over within seconds."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections import Counter

from meetbot_sandbox.slack.models import ApiCall

from tests.plugins.bot import CREATOR, GENERAL, RunningBot, bot_env

COMMANDS = 20


async def start_worker(bot: RunningBot) -> asyncio.subprocess.Process:
    env = bot_env(
        bot.emulator, bot.slack, bot.components.settings.redis_url, bot.components.settings.port
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--role", "worker", env={**os.environ, **env}
    )


def titles_in(calls: list[ApiCall], channel: str) -> Counter[str]:
    seen: Counter[str] = Counter()
    for call in calls:
        if call.ok and call.params.get("channel") == channel:
            shown = json.dumps(call.params)
            seen.update(t for t in (f"Kill-{i:03d}" for i in range(COMMANDS)) if t in shown)
    return seen


async def test_a_killed_worker_loses_and_duplicates_nothing(bot_no_worker: RunningBot) -> None:
    bot, state = bot_no_worker, bot_no_worker.slack.state
    # Room creation takes 300 ms, so the kill lands with most jobs halfway through.
    await bot.emulator.control.set_fault(method="POST", path="/rooms", delay_ms=300, times=None)
    doomed = await start_worker(bot)
    try:
        for i in range(COMMANDS):
            assert (await bot.command(f"Kill-{i:03d}")).status == 200
        await state.wait_for(
            "chat.postMessage",
            lambda c: c.ok and c.params.get("channel") == GENERAL and "Kill-" in str(c.params),
            timeout=20,
        )
    finally:
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()
    loop = asyncio.get_running_loop()
    killed_at, calls_at_kill = loop.time(), len(state.calls)
    survivor = await start_worker(bot)
    try:
        await state.wait_for(
            "chat.postMessage", lambda c: c.seq > calls_at_kill and c.ok, timeout=20
        )
        recovered_in = loop.time() - killed_at
        dm = state.dm_channel(CREATOR).id

        def all_done(_: ApiCall) -> bool:
            posted = state.calls_to("chat.postMessage")
            return len(titles_in(posted, GENERAL)) == len(titles_in(posted, dm)) == COMMANDS

        await state.wait_for("chat.postMessage", all_done, timeout=60)
    finally:
        survivor.send_signal(signal.SIGTERM)
        await survivor.wait()

    posted = state.calls_to("chat.postMessage")
    cards, dms = titles_in(posted, GENERAL), titles_in(posted, dm)
    rooms = Counter(r.display_name for r in bot.emulator.state.rooms.values())
    expected = Counter(f"Kill-{i:03d}" for i in range(COMMANDS))
    assert cards == expected, "one card per command"
    assert dms == expected, "one host DM per command"
    assert rooms == expected, "one room per command"
    assert recovered_in < 10, f"work resumed {recovered_in:.1f} s after the kill"
