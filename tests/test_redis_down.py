"""With Redis unreachable the bot still answers: fast, honest, and with nothing half-done."""

from __future__ import annotations

from meetbot_sandbox.slack.payloads import global_shortcut_payload, view_submission_payload

from bot.slack.start_submission import START_MEETING_CALLBACK_ID
from tests.plugins.bot import RunningBot
from tests.test_shortcuts_and_home import modal_values


async def test_meet_says_temporarily_unavailable_within_three_seconds(
    bot_without_redis: RunningBot,
) -> None:
    reply = await bot_without_redis.command("Sync")
    assert reply.status == 200
    assert reply.body is not None and reply.body["response_type"] == "ephemeral"
    assert "temporarily unavailable" in reply.text
    assert reply.elapsed < 3.0
    assert not bot_without_redis.emulator.state.rooms, "nothing half-done"
    assert not bot_without_redis.slack.state.calls


async def test_readiness_turns_503(bot_without_redis: RunningBot) -> None:
    async with bot_without_redis.http.get(f"{bot_without_redis.url}/readyz") as resp:
        assert resp.status == 503
        assert (await resp.json())["redis"] == "unreachable"
    async with bot_without_redis.http.get(f"{bot_without_redis.url}/healthz") as resp:
        assert resp.status == 200


async def test_modal_submission_keeps_the_modal_open_with_the_reason(
    bot_without_redis: RunningBot,
) -> None:
    reply = await bot_without_redis.interact(
        view_submission_payload(START_MEETING_CALLBACK_ID, modal_values("Planning"))
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert "temporarily unavailable" in str(reply.body["errors"])


async def test_shortcuts_still_open_the_modal(bot_without_redis: RunningBot) -> None:
    await bot_without_redis.interact(global_shortcut_payload("start_meeting"))
    await bot_without_redis.slack.state.wait_for("views.open", timeout=5)
