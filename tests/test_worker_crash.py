"""A worker killed halfway through a meeting: another worker resumes it, nothing is repeated."""

from __future__ import annotations

from tests.plugins.bot import GENERAL, RunningBot
from tests.plugins.takeover import host_dm_from_the_survivor, worker_killed_before_the_dm


async def test_a_job_killed_after_the_card_resumes_without_a_second_card(
    bot_no_worker: RunningBot,
) -> None:
    bot = bot_no_worker
    state = bot.slack.state
    # The host DM step stalls (Slack asks us to wait 30 s), so the first worker is killed
    # after the room and the card exist but before the DM is sent.
    async with worker_killed_before_the_dm(bot):
        await bot.command("Crash test")
        await state.wait_for(
            "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=15
        )
    dm, recovered_in = await host_dm_from_the_survivor(bot)

    (room,) = bot.emulator.state.rooms.values()
    cards = [c for c in state.calls_to("chat.postMessage") if c.params.get("channel") == GENERAL]
    assert len(cards) == 1, "the resumed job did not post a second card"
    assert len(bot.emulator.state.rooms) == 1, "nor create a second room"
    assert room.participant_token in str(dm.params), "the host still gets the host link"
    assert recovered_in < 10, f"another worker took over within 10 s (took {recovered_in:.1f} s)"
