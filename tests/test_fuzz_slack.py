"""Fuzzing /slack/events with signed but mangled payloads of every type Slack sends: never a
5xx, never a listener crash; a refusal is a 4xx or an ephemeral message saying why."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from meetbot_sandbox.slack.signing import interactive_body, signed_headers, slash_command_body

from tests.fuzzing import (
    INTERACTIVE,
    RAW_BODIES,
    event_bodies,
    fuzz_settings,
    interactive_bodies,
    slash_commands,
    url_verification_bodies,
)
from tests.plugins.bot import SIGNING_SECRET, RunningBot, SlackReply


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """ERROR records: Bolt logs a listener that raised at ERROR before answering 500."""
    with caplog.at_level(logging.ERROR):
        yield caplog


_stamps = itertools.count()


async def post(bot: RunningBot, body: bytes) -> SlackReply:
    """Signed with a timestamp of its own (within Slack's 5 minutes), so that hypothesis
    replaying an example is a new request, not a replay the guard refuses."""
    stamp = int(time.time()) - next(_stamps) % 240
    loop = asyncio.get_running_loop()
    started = loop.time()
    headers = signed_headers(SIGNING_SECRET, body, timestamp=stamp)
    async with bot.http.post(f"{bot.url}/slack/events", data=body, headers=headers) as resp:
        raw = await resp.read()
    parsed = json.loads(raw) if raw.startswith(b"{") else None
    return SlackReply(resp.status, parsed, loop.time() - started)


def check(reply: SlackReply, errors: pytest.LogCaptureFixture) -> None:
    event(f"HTTP {reply.status}")  # the answers' spread, in --hypothesis-show-statistics
    assert reply.status < 500, reply
    assert 200 <= reply.status < 300 or 400 <= reply.status < 500, reply
    # A crash is Bolt failing a listener or middleware, or aiohttp an unhandled error. (An
    # example hypothesis replays reuses its trigger_id, which Slack then refuses after the ack:
    # the bot's own ERROR for that is not a crash.)
    crashes = [r for r in errors.records if r.name.startswith(("slack_bolt", "aiohttp"))]
    errors.clear()
    assert not crashes, [r.getMessage() for r in crashes]


@fuzz_settings(150)
@given(body=slash_commands())
async def test_slash_commands(
    errors: pytest.LogCaptureFixture, bot_no_worker: RunningBot, body: bytes
) -> None:
    reply = await post(bot_no_worker, body)
    check(reply, errors)
    if reply.status == 200 and reply.body:
        assert reply.body.get("response_type") == "ephemeral", reply.body
        assert reply.text.strip(), "an ephemeral answer says something"


@fuzz_settings(200)
@given(kind=st.sampled_from(sorted(INTERACTIVE)), data=st.data())
async def test_interactive_payloads(
    errors: pytest.LogCaptureFixture, bot_no_worker: RunningBot, kind: str, data: st.DataObject
) -> None:
    reply = await post(bot_no_worker, data.draw(interactive_bodies(kind)))
    check(reply, errors)
    if kind == "view_submission" and reply.status == 200 and reply.body:
        assert reply.body.get("response_action") in ("errors", "clear", "update", "push")


@fuzz_settings(100)
@given(body=event_bodies())
async def test_event_callbacks(
    errors: pytest.LogCaptureFixture, bot_no_worker: RunningBot, body: bytes
) -> None:
    check(await post(bot_no_worker, body), errors)


@fuzz_settings(40)
@given(body=url_verification_bodies())
async def test_url_verification(
    errors: pytest.LogCaptureFixture, bot_no_worker: RunningBot, body: bytes
) -> None:
    reply = await post(bot_no_worker, body)
    check(reply, errors)
    sent = json.loads(body)
    if reply.status == 200 and sent.get("type") == "url_verification" and "challenge" in sent:
        assert reply.body is not None and reply.body.get("challenge") == sent["challenge"]


@fuzz_settings(60)
@given(body=RAW_BODIES)
async def test_arbitrary_bytes(
    errors: pytest.LogCaptureFixture, bot_no_worker: RunningBot, body: bytes
) -> None:
    check(await post(bot_no_worker, body), errors)


async def test_found_by_fuzzing_a_title_with_the_word_payload_is_a_meeting(
    bot_no_worker: RunningBot,
) -> None:
    # Bolt's own parser took any form body containing "payload" for an interaction.
    reply = await bot_no_worker.command("payload review")
    assert reply.status == 200 and reply.body is not None
    assert reply.body["response_type"] == "ephemeral"
    assert await bot_no_worker.components.queue.count("queued") == 1


async def test_found_by_fuzzing_an_unparseable_body_is_400_even_unsigned(
    bot_no_worker: RunningBot,
) -> None:
    for body in (b"payload=", b"payload=5", b'{"event": null, "type": "event_callback"}', b"\xff"):
        async with bot_no_worker.http.post(f"{bot_no_worker.url}/slack/events", data=body) as resp:
            assert resp.status == 400, body


@pytest.mark.parametrize(
    ("kind", "drop"),
    [
        ("slash", "trigger_id"),
        ("block_actions", "action_id"),
        ("view_submission", "id"),
        ("message_action", "ts"),
    ],
)
async def test_found_by_fuzzing_a_signed_payload_missing_what_slack_always_sends_is_400(
    bot_no_worker: RunningBot, kind: str, drop: str
) -> None:
    if kind == "slash":
        fields = dict(parse_qsl(slash_command_body(text="x").decode()))
        del fields[drop]
        body = urlencode(fields).encode()
    else:
        payload = INTERACTIVE[kind]()
        inner = {"block_actions": lambda p: p["actions"][0], "view_submission": lambda p: p["view"],
                 "message_action": lambda p: p["message"]}[kind](payload)  # fmt: skip
        del inner[drop]
        body = interactive_body(payload)
    reply = await post(bot_no_worker, body)
    assert reply.status == 400 and reply.body is not None
    assert drop in reply.body["error"] or "without" in reply.body["error"]
