"""A whole meeting (command, invite, session, recording) leaves no secret in a channel or a log.

Secrets: the host link (and its participant token), the bot token, the signing secret, the
Meetings private key and the JWTs made from it, each room's callback token, the provider's
pre-signed recording links (the thread carries meetbot's own link instead, which expires
never, and fetches a fresh one at each click); and, in logs only, the command's response_url
and meetbot's recording link (it opens the recording: it belongs in the card's thread).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from meetbot_sandbox.slack.signing import new_trigger_id

from bot.logs import guard
from tests.job_wait import finished
from tests.plugins.bot import CREATOR, GENERAL, SIGNING_SECRET, RunningBot
from tests.plugins.slack import BOT_TOKEN
from tests.recordings import click, open_recording, recording_link

INVITEE = "U0BOB"


@pytest.fixture(params=["INFO", "DEBUG"])
def logs(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[pytest.LogCaptureFixture]:
    """Every logger at the level `python -m bot` runs with: INFO (the default) or DEBUG, where
    with the guards `configure` installs (`bot.logs.guard`).
    Requested before the bot, which copies the root level into Bolt's loggers when built."""
    saq = logging.getLogger("saq")
    saq_level = saq.level
    with caplog.at_level(getattr(logging, request.param)):
        guard([caplog.handler])
        yield caplog
    saq.setLevel(saq_level)


def channel_messages(bot: RunningBot) -> str:
    """Everything people other than the addressee can read: channel and thread messages,
    ephemeral and in-channel response_url posts (DMs excluded: that is where host links go)."""
    state = bot.slack.state
    shown = [
        {"text": m.text, "blocks": m.blocks, "attachments": m.attachments}
        for channel_id, messages in state.messages.items()
        if not state.channels[channel_id].is_im
        for m in messages.values()
    ]
    shown += [post.body for post in state.response_posts]
    shown += [{"text": m.text, "blocks": m.blocks} for m in state.ephemerals]
    return json.dumps(shown)


async def test_a_whole_meeting_leaks_no_secret_to_channels_or_logs(
    logs: pytest.LogCaptureFixture, bot: RunningBot
) -> None:
    bot.slack.state.add_user(INVITEE, "bob")
    response_url = bot.slack.response_url()
    trigger_id = new_trigger_id()
    await bot.command(
        f"Secret review <@{INVITEE}|bob> --record", response_url=response_url, trigger_id=trigger_id
    )
    job = await bot.components.queue.job(f"meet:{trigger_id}")
    assert job is not None
    await finished(job, within=15)
    (room,) = bot.emulator.state.rooms.values()
    meeting = await bot.components.store.records.get(str(room.metadata))
    assert meeting is not None and meeting.card_ts and meeting.host_url and meeting.callback_token

    control = bot.emulator.control
    session = await control.start_session(room.id)
    await control.join(session, "Ana", is_host=True)
    bot.emulator.clock.advance(minutes=3)
    await control.end_session(session)
    (recording,) = [r for r in bot.emulator.state.recordings.values() if r.session_id == session]
    recording_url = await control.upload_recording(recording.id)
    reply = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("thread_ts") == meeting.card_ts, 15
    )
    # People click the recording's link; a day later, and once someone made a token up.
    our_link = recording_link(json.dumps(reply.params), bot.url)
    fresh_url = await open_recording(bot.http, our_link)
    bot.emulator.clock.advance(hours=25)
    later_url = await open_recording(bot.http, our_link)
    assert (
        await click(bot.http, our_link[:-1] + ("A" if our_link[-1] != "A" else "B"))
    ).status == 404
    # The host link did reach the host, privately.
    dm = bot.slack.state.dm_channel(CREATOR)
    assert any(meeting.host_url in json.dumps(m.blocks) for m in bot.slack.state.history(dm.id))

    key_line = bot.emulator.private_key_pem.splitlines()[1]
    everywhere = {
        "host link": meeting.host_url,
        "participant token": room.participant_token,
        "bot token": BOT_TOKEN,
        "signing secret": SIGNING_SECRET,
        "Meetings private key": key_line,
        "callback token": meeting.callback_token,
        "provider's recording link": recording_url,
        "a fresh provider link": fresh_url,
        "a day later's provider link": later_url,
    }
    in_logs = {
        **everywhere,
        "response_url": response_url,
        "meetbot's recording link": our_link.rsplit("/", 1)[1],
        "a JWT": "eyJhbGciOi",
        "an Authorization header": "Bearer ",
    }
    channels = channel_messages(bot)
    assert GENERAL in {m.channel for ms in bot.slack.state.messages.values() for m in ms.values()}
    leaked = [name for name, secret in everywhere.items() if secret in channels]
    assert not leaked, f"in a channel: {leaked}"
    # The test servers keep aiohttp's access log, whose paths carry callback tokens;
    # `python -m bot` serves without one (bot/run.py: access_log=None).
    records = [r for r in logs.records if r.name != "aiohttp.access"]
    log_text = "\n".join(r.getMessage() + (r.exc_text or "") for r in records)
    assert records, "the scenario logged something to scan"
    leaked = [name for name, secret in in_logs.items() if secret in log_text]
    where = [
        f"{r.name}: {r.getMessage()[:200]}"
        for r in records
        for name, secret in in_logs.items()
        if secret in r.getMessage() + (r.exc_text or "")
    ]
    assert not leaked, f"in the logs: {leaked}: {where}"
