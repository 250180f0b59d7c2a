"""Slack's rate limits and Slack's own errors, end to end: a signed `/meet` in, real Redis, the
fake Slack out (enforcing Slack's published limits where a test says so).

What people see: Slack's 429s are waited out rather than turned into failures, and a burst
stays inside the limits instead of collecting 429s, across replicas; when Slack refuses for
good, the person is told what will fix it, and the operator's log names the method and
Slack's code (never the token). A dead token stops all work for its installation.
"""

from __future__ import annotations

import json
import logging

import pytest
from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.scopes import BOT_SCOPES
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.app import WorkerRole, build, close
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.slack import BOT_TOKEN

RATE_LIMITED = "Slack is limiting how fast meetbot can post"


def cards(bot: RunningBot, title: str) -> list[ApiCall]:
    return [
        c
        for c in bot.slack.state.calls_to("chat.postMessage")
        if c.ok and c.params.get("channel") == GENERAL and title in c.params.get("text", "")
    ]


def dms(bot: RunningBot) -> list[ApiCall]:
    return [
        c
        for c in bot.slack.state.calls_to("chat.postMessage")
        if c.ok and str(c.params.get("channel", "")).startswith("D")
    ]


def failure_notices(bot: RunningBot, url: str) -> list[str]:
    return [b["text"] for b in bot.slack.state.responses(url) if ":warning:" in b["text"]]


def slack_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.slack.web"]


async def meet(bot: RunningBot, title: str) -> str:
    url = bot.slack.response_url()
    reply = await bot.command(title, response_url=url, trigger_id=new_trigger_id())
    assert reply.status == 200
    return url


async def test_six_429s_in_a_row_on_the_card_are_waited_out_into_one_card_and_dm(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.web")
    bot.components.slack.backoff_base = 0.01  # Retry-After (1 s) is still honoured each time
    bot.slack.state.set_rate_limit("chat.postMessage", times=6, retry_after=1)

    url = await meet(bot, "Busy Monday")
    await bot.slack.state.wait_for("chat.postMessage", lambda c: c in cards(bot, "Busy"), 30)
    await bot.slack.state.wait_for("chat.postMessage", lambda c: c in dms(bot), 10)

    limited = [c for c in bot.slack.state.calls_to("chat.postMessage") if c.status == 429]
    assert len(limited) == 6
    assert (len(cards(bot, "Busy Monday")), len(dms(bot))) == (1, 1)
    assert failure_notices(bot, url) == [], "nobody is told it failed: it did not"
    waited = [line for line in slack_lines(caplog) if "failed: ratelimited" in line]
    assert len(waited) == 6 and all("chat.postMessage" in line for line in waited)


async def test_slack_refusing_past_the_deadline_tells_the_person(bot: RunningBot) -> None:
    bot.components.slack.deadline = 2.0  # ten minutes in production
    bot.components.slack.backoff_base = 0.01
    bot.slack.state.set_rate_limit("chat.postMessage", times=10_000, retry_after=1)

    url = await meet(bot, "Never posted")
    notice = await bot.slack.state.wait_for_response(url, lambda b: RATE_LIMITED in b["text"], 20)

    assert notice["response_type"] == "ephemeral"
    assert cards(bot, "Never posted") == []
    assert len(bot.emulator.state.rooms) == 1, "the room exists; only Slack said no"


async def test_a_burst_from_two_replicas_stays_inside_slacks_limits(bot: RunningBot) -> None:
    bot.slack.state.tiers.enforce()
    other = await build(bot.components.settings, http=bot.http, provider=bot.components.provider)
    second_worker = WorkerRole(other, shutdown_grace=0)
    second_worker.start()
    try:
        for n in range(6):
            await meet(bot, f"Burst {n}")
        await bot.slack.state.wait_for(
            "chat.postMessage", lambda c: len(cards(bot, "Burst")) == 6, timeout=30
        )
        await bot.slack.state.wait_for("chat.postMessage", lambda c: len(dms(bot)) == 6, 30)
    finally:
        await second_worker.stop()
        await close(other, own_http=False, own_redis=True)

    assert bot.slack.state.tiers.refused == 0, "paced: not one 429"
    posted = [json.dumps(c.params) for c in cards(bot, "Burst")]
    assert [sum(f"Burst {n}" in p for p in posted) for n in range(6)] == [1] * 6, "each once"


async def test_an_archived_channel_is_named_to_the_person(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.web")
    bot.slack.state.channels[GENERAL].is_archived = True

    url = await meet(bot, "Old news")
    notice = await bot.slack.state.wait_for_response(url, lambda b: "archived" in b["text"], 10)

    assert "Unarchive it" in notice["text"]
    assert "Slack chat.postMessage failed: is_archived" in slack_lines(caplog)


async def test_a_missing_scope_is_named_and_the_log_says_needed_and_provided(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.web")
    bot.slack.state.scopes = frozenset(BOT_SCOPES) - {"chat:write"}

    url = await meet(bot, "No permission")
    notice = await bot.slack.state.wait_for_response(url, lambda b: "permission" in b["text"], 10)

    assert "`chat:write`" in notice["text"] and "reinstalling meetbot" in notice["text"]
    [line] = [x for x in slack_lines(caplog) if "missing_scope" in x]
    assert line.startswith("Slack chat.postMessage failed: missing_scope (needed: chat:write;")
    assert "provided: calls:write,channels:history" in line


@pytest.mark.parametrize("dead", ["token_revoked", "invalid_auth"])
async def test_a_dead_token_stops_all_work_for_the_installation_with_one_error(
    bot: RunningBot, caplog: pytest.LogCaptureFixture, dead: str
) -> None:
    caplog.set_level(logging.INFO)
    if dead == "token_revoked":
        bot.slack.state.revoke_token(BOT_TOKEN)
    else:
        bot.slack.state.valid_tokens = {"xoxb-some-other-install"}

    first = await meet(bot, "After revoking")
    told = await bot.slack.state.wait_for_response(first, lambda b: "reinstall" in b["text"], 10)
    calls_before = len(bot.slack.state.calls)
    second = await meet(bot, "Again")
    await bot.slack.state.wait_for_response(second, lambda b: "reinstall" in b["text"], 10)

    assert "no longer works" in told["text"]
    assert len(bot.slack.state.calls) == calls_before, "no Slack call for a broken install"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "bot.slack.web"]
    assert len(errors) == 1 and dead in errors[0].getMessage()
    assert "reinstalled" in errors[0].getMessage()
    assert all(BOT_TOKEN not in r.getMessage() for r in caplog.records), "never the token"


async def test_no_log_line_carries_a_token_or_message_text(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot.slack.state.channels[GENERAL].is_archived = True
    url = await meet(bot, "Secret agenda 7f3a")
    await bot.slack.state.wait_for_response(url, lambda b: "archived" in b["text"], 10)

    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot."))
    assert BOT_TOKEN not in logged and "Secret agenda 7f3a" not in logged
    assert CREATOR not in [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
