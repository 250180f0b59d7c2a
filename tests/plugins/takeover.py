"""A worker process killed halfway through a job, and the survivor that takes the job over.

The host DM is the step where the doomed worker stalls: Slack answers `conversations.open` with
one 429 (Retry-After 30 s), so the room and the card exist and the DM does not when the worker
is killed with SIGKILL. Used by the `/meet` and the standup crash tests.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from meetbot_sandbox.slack.models import ApiCall

from tests.plugins.bot import CREATOR, RunningBot, bot_env


@asynccontextmanager
async def worker_killed_before_the_dm(bot: RunningBot) -> AsyncIterator[None]:
    """A real `python -m bot --role worker` for the body (which gives it work and waits for
    its card); SIGKILLed once it is stuck on the host DM."""
    state = bot.slack.state
    state.set_rate_limit("conversations.open", times=1, retry_after=30)
    settings = bot.components.settings
    env = bot_env(bot.emulator, bot.slack, settings.redis_url, settings.port)
    doomed = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--role", "worker", env={**os.environ, **env}
    )
    try:
        yield
        await state.wait_for("conversations.open", lambda c: c.status == 429, timeout=15)
    finally:
        doomed.send_signal(signal.SIGKILL)
        await doomed.wait()


async def host_dm_from_the_survivor(bot: RunningBot) -> tuple[ApiCall, float]:
    """Start the test's own worker; the host DM it sends and the seconds it took after the kill."""
    state = bot.slack.state
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
    return dm, recovered_in
