"""Nobody drives the bot without Slack's signature: forged, stale, replayed or oversized requests
to /slack/events are refused with a 4xx, change nothing, and their bodies never reach a log."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator

import pytest
import redis.asyncio as aioredis
from meetbot_sandbox.slack.signing import new_trigger_id, signed_headers, slash_command_body
from multidict import CIMultiDict

from tests.plugins.bot import SIGNING_SECRET, RunningBot

# Unique strings that would show up in a log line if a body were logged.
MARKER_TITLE = "Zebra-7f3c-secret-agenda"


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every record from every logger at DEBUG, the most an operator could turn on. Requested
    before the bot, since Bolt copies the root logger's level into its loggers when built."""
    with caplog.at_level(logging.DEBUG):
        yield caplog


def command_body(bot: RunningBot) -> bytes:
    return slash_command_body(
        text=MARKER_TITLE, response_url=bot.slack.response_url(), trigger_id=new_trigger_id()
    )


async def post_raw(
    bot: RunningBot, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes, CIMultiDict[str]]:
    data = io.BytesIO(body) if len(body) > 64 * 1024 else body  # aiohttp warns on big bytes
    async with bot.http.post(f"{bot.url}/slack/events", data=data, headers=headers) as resp:
        return resp.status, await resp.read(), resp.headers.copy()


async def our_keys(redis: aioredis.Redis) -> set[bytes]:
    """Everything meetbot and its queue keep in Redis (the replay guard's own keys aside)."""
    keys = {k if isinstance(k, bytes) else k.encode() for k in await redis.keys("*")}
    return {k for k in keys if not k.startswith(b"meetbot:slack-request:")}


def assert_nothing_happened(bot: RunningBot, before: set[bytes], after: set[bytes]) -> None:
    assert after == before, f"Redis changed: {after ^ before}"
    assert not bot.emulator.state.rooms, "no room was created"
    assert not bot.slack.state.calls, "Slack was not called"


def assert_body_not_logged(logs: pytest.LogCaptureFixture, body: bytes) -> None:
    text = logs.text
    assert MARKER_TITLE not in text
    assert "response_url" not in text and "/response/R" not in text
    assert body.decode(errors="replace")[:40] not in text


async def test_a_bad_signature_is_401_and_changes_nothing(
    logs: pytest.LogCaptureFixture, bot_no_worker: RunningBot, redis: aioredis.Redis
) -> None:
    body = command_body(bot_no_worker)
    before = await our_keys(redis)
    status, _, _ = await post_raw(bot_no_worker, body, signed_headers("not-the-secret", body))
    assert status == 401
    assert_nothing_happened(bot_no_worker, before, await our_keys(redis))
    assert_body_not_logged(logs, body)


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp"])
async def test_a_request_without_a_signature_header_is_401(
    logs: pytest.LogCaptureFixture, bot_no_worker: RunningBot, redis: aioredis.Redis, missing: str
) -> None:
    body = command_body(bot_no_worker)
    headers = signed_headers(SIGNING_SECRET, body)
    del headers[missing]
    before = await our_keys(redis)
    status, _, _ = await post_raw(bot_no_worker, body, headers)
    assert status == 401
    assert_nothing_happened(bot_no_worker, before, await our_keys(redis))
    assert_body_not_logged(logs, body)


@pytest.mark.parametrize("age", [301, 3600, -301])
async def test_a_timestamp_more_than_five_minutes_away_is_401(
    logs: pytest.LogCaptureFixture, bot_no_worker: RunningBot, redis: aioredis.Redis, age: int
) -> None:
    body = command_body(bot_no_worker)
    # Correctly signed, but for a moment more than 5 minutes from now (either way).
    headers = signed_headers(SIGNING_SECRET, body, timestamp=int(time.time()) - age)
    before = await our_keys(redis)
    status, _, _ = await post_raw(bot_no_worker, body, headers)
    assert status == 401
    assert_nothing_happened(bot_no_worker, before, await our_keys(redis))
    assert_body_not_logged(logs, body)


async def test_a_valid_request_replayed_within_the_window_is_refused(bot: RunningBot) -> None:
    body = command_body(bot)
    headers = signed_headers(SIGNING_SECRET, body)
    first, _, _ = await post_raw(bot, body, headers)
    assert first == 200
    await bot.slack.state.wait_for("chat.postMessage", lambda c: c.ok, timeout=10)

    replayed = [await post_raw(bot, body, headers) for _ in range(3)]

    assert {status for status, _, _ in replayed} == {401}
    assert all(h.get("X-Slack-No-Retry") == "1" for _, _, h in replayed)
    assert b"replayed" in replayed[0][1]
    assert len(bot.emulator.state.rooms) == 1
    started = await bot.components.store.records.user_meetings("T0FAKE001", "U0ALICE")
    assert len(started) == 1


async def test_the_same_command_re_signed_later_is_a_new_request_not_a_replay(
    bot_no_worker: RunningBot,
) -> None:
    # What Slack's own retries look like: same body, a fresh timestamp and signature.
    body = command_body(bot_no_worker)
    now = int(time.time())
    first, _, _ = await post_raw(bot_no_worker, body, signed_headers(SIGNING_SECRET, body))
    second, _, _ = await post_raw(
        bot_no_worker, body, signed_headers(SIGNING_SECRET, body, timestamp=now - 2)
    )
    assert (first, second) == (200, 200)


async def test_a_body_over_a_megabyte_is_413_and_changes_nothing(
    logs: pytest.LogCaptureFixture, bot_no_worker: RunningBot, redis: aioredis.Redis
) -> None:
    body = command_body(bot_no_worker) + b"&pad=" + b"x" * (2 * 1024 * 1024)
    before = await our_keys(redis)
    status, _, _ = await post_raw(bot_no_worker, body, signed_headers(SIGNING_SECRET, body))
    assert status == 413
    assert_nothing_happened(bot_no_worker, before, await our_keys(redis))
    assert_body_not_logged(logs, body)
