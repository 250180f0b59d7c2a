"""Meeting notes end to end on Daily: a `--notes` meeting ends, Daily's webhooks say the
transcript and then its summary are ready, and the card's thread gets one reply (the summary
and the transcript file), whatever Daily repeats or reorders. Failures are told to the host
once; a transcript without a summary is still posted."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid

import pytest
from meetbot_sandbox.slack.files_api import FakeFile
from meetbot_sandbox.slack.payloads import app_home_opened_event

from bot.providers.daily.webhooks import parse_notes_webhook
from tests.notes_helpers import (
    blocks_text,
    daily_of,
    deliver_again,
    delivered,
    dm_notes_posted,
    dms_to_host,
    is_dm_notes,
    notes_meeting,
    only_job,
    replies,
    reply_posted,
    reply_updated,
    settled,
)
from tests.plugins.bot import CREATOR
from tests.plugins.providers import ProviderBot

pytestmark = pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)


def shared_files(bot: ProviderBot) -> list[FakeFile]:
    return [f for f in bot.slack.state.files.values() if f.completed]


async def test_the_thread_gets_one_reply_with_summary_and_transcript_file(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card, session = await notes_meeting(bot, "Ana", "Li")
    transcript_id = await daily_of(bot).control.transcript_ready(session)

    reply = await reply_posted(bot, card)
    assert "Summary on its way" in blocks_text(reply), "the transcript does not wait"
    (file,) = shared_files(bot)
    assert file.channel == card.channel and file.thread_ts == card.ts, "in the card's thread"
    assert file.name.endswith(".vtt") and file.text.startswith("WEBVTT")
    assert "Hello, this is Ana." in file.text

    job = await only_job(bot)
    assert job["transcript_id"] == transcript_id, "the summary was asked for"
    await daily_of(bot).control.summary_ready(job["id"])
    edited = await reply_updated(bot, str(reply.response["ts"]), "Key points")
    text = blocks_text(edited)
    assert "Action items" in text and "Delete notes" in text
    assert "<@U0ANA> will follow up" in text, "Ana is one member of the channel: a mention"
    assert "• Li will follow up" in text, "two people are called Li: left as written"
    assert replies(bot, card) == [reply], "one reply"


async def test_duplicate_and_reordered_events_post_once(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    daily = daily_of(bot)
    card, session = await notes_meeting(bot)
    await daily.control.transcript_ready(session)
    reply = await reply_posted(bot, card)
    await daily.control.summary_ready((await only_job(bot))["id"])
    await reply_updated(bot, str(reply.response["ts"]), "Key points")
    await settled(bot)

    # Daily delivers both again, the summary first, then each once more.
    (transcript,) = delivered(bot, "transcript.ready-to-download")
    (summary,) = delivered(bot, "batch-processor.job-finished")
    for body in (summary, transcript, transcript, summary):
        assert await deliver_again(bot, body) == 200
        event = parse_notes_webhook(body)
        assert event is not None
        job = await bot.components.queue.job(f"notes-event:{event.identity}")
        assert job is not None
        await job.refresh(until_complete=10)
    await settled(bot)

    state = bot.slack.state
    assert replies(bot, card) == [reply]
    assert len(state.calls_to("files.getUploadURLExternal")) == 1
    assert len(state.calls_to("files.completeUploadExternal")) == 1
    assert len(await daily.control.jobs()) == 1, "one summary asked for"


async def test_a_failed_summary_still_posts_the_transcript_and_tells_the_host_once(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    daily = daily_of(bot)
    card, session = await notes_meeting(bot)
    await daily.control.transcript_ready(session)
    reply = await reply_posted(bot, card)
    await daily.control.summary_fails((await only_job(bot))["id"], "model overloaded")

    edited = await reply_updated(bot, str(reply.response["ts"]), "No summary")
    assert "Full transcript" in blocks_text(edited)
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: bool(dms_to_host(bot, "could not be made")), timeout=10
    )
    (failure,) = delivered(bot, "batch-processor.error")
    assert await deliver_again(bot, failure) == 200
    await asyncio.sleep(0.5)
    await settled(bot)
    (dm,) = dms_to_host(bot, "could not be made")
    assert "model overloaded" in blocks_text(dm), "names what failed, as Daily said"
    assert replies(bot, card) == [reply]


async def test_a_failed_transcription_tells_the_host_once_and_posts_nothing(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card, session = await notes_meeting(bot)
    await daily_of(bot).control.transcript_fails(session, "audio missing")
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: bool(dms_to_host(bot, "transcription")), timeout=10
    )
    (failure,) = delivered(bot, "transcript.error")
    assert await deliver_again(bot, failure) == 200
    await asyncio.sleep(0.5)
    await settled(bot)
    assert len(dms_to_host(bot, "transcription")) == 1
    assert replies(bot, card) == []


async def test_a_crash_between_the_upload_and_the_post_never_uploads_twice(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    card, session = await notes_meeting(bot)
    # The file is uploaded and shared; then the reply's post dies (Slack 500: it may or may
    # not have been made), and the job is retried from its recorded steps.
    bot.slack.state.server_errors.set("chat.postMessage", times=1)
    await daily_of(bot).control.transcript_ready(session)

    reply = await reply_posted(bot, card)
    await settled(bot)
    state = bot.slack.state
    assert len(state.calls_to("files.getUploadURLExternal")) == 1
    assert len(state.calls_to("files.completeUploadExternal")) == 1
    assert len(shared_files(bot)) == 1
    assert replies(bot, card) == [reply]


async def test_a_batch_processor_job_meetbot_never_started_is_ignored_with_a_warning(
    provider_bot: ProviderBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = provider_bot
    forged = str(uuid.uuid4())
    body = {
        "version": "1.0.0",
        "type": "batch-processor.job-finished",
        "id": f"bp-fin-{forged}",
        "payload": {"id": forged, "preset": "summarize", "status": "finished"},
        "event_ts": 1733234500.123,
    }
    with caplog.at_level(logging.WARNING):
        assert await deliver_again(bot, body) == 200
    assert any(
        "did not start" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records
    )
    assert await bot.components.queue.count("queued") == 0


async def test_transcript_and_summary_text_never_reach_a_log(
    provider_bot: ProviderBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = provider_bot
    caplog.set_level(logging.DEBUG)
    card, session = await notes_meeting(bot)
    await daily_of(bot).control.transcript_ready(session)
    reply = await reply_posted(bot, card)
    await daily_of(bot).control.summary_ready((await only_job(bot))["id"])
    await reply_updated(bot, str(reply.response["ts"]), "Key points")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for content in ("Hello, this is Ana", "work I own is on track", "no blockers were raised"):
        assert content not in logged


async def test_app_home_lists_the_notes_next_to_recordings(provider_bot: ProviderBot) -> None:
    bot = provider_bot
    card, session = await notes_meeting(bot)
    await daily_of(bot).control.transcript_ready(session)
    reply = await reply_posted(bot, card)
    await daily_of(bot).control.summary_ready((await only_job(bot))["id"])
    await reply_updated(bot, str(reply.response["ts"]), "Key points")
    await settled(bot)

    await bot.event(app_home_opened_event(CREATOR))
    home = await bot.slack.state.wait_for(
        "views.publish", lambda c: c.ok and "Recent notes" in json.dumps(c.params), timeout=15
    )
    text = json.dumps(home.params["view"], ensure_ascii=False)
    assert "Recent recordings" in text and "Recent notes" in text
    assert "*Design review*" in text and "summary and transcript in the card's thread" in text


async def test_a_card_posted_through_the_response_url_gets_its_notes_by_dm(
    provider_bot: ProviderBot,
) -> None:
    bot = provider_bot
    state = bot.slack.state
    state.add_channel("G0SECRET", "secret", private=True, member=False)
    await bot.command(
        "Retro --notes", channel_id="G0SECRET", channel_name="privategroup", response_url=None
    )
    await state.wait_for("chat.postMessage", lambda c: bool(dms_to_host(bot, "host")), timeout=15)
    room = bot.rooms.only_room()
    session = await bot.rooms.start_session(room.id)
    await bot.rooms.join(session, "Ana")
    await bot.rooms.end_session(session)
    await daily_of(bot).control.transcript_ready(session)

    dm = state.dm_channel(CREATOR).id
    reply = await dm_notes_posted(bot)
    assert "thread_ts" not in reply.params
    (file,) = shared_files(bot)
    assert file.channel == dm, "the transcript goes to the creator's DM, not the private channel"
    posted = state.calls_to("chat.postMessage")
    assert not [c for c in posted if c.ok and c.params["channel"] == "G0SECRET"]


async def test_notes_of_a_channel_archived_since_the_meeting_go_to_the_creator_by_dm(
    provider_bot: ProviderBot, caplog: pytest.LogCaptureFixture
) -> None:
    """Slack refuses the share for good (`is_archived`): the creator gets the transcript and
    the summary reply by DM instead of losing them, once, and the channel gets nothing."""
    bot = provider_bot
    state = bot.slack.state
    card, session = await notes_meeting(bot)
    state.channels[card.channel].is_archived = True
    await daily_of(bot).control.transcript_ready(session)

    dm = state.dm_channel(CREATOR).id
    reply = await dm_notes_posted(bot)
    assert "thread_ts" not in reply.params
    (shared,) = shared_files(bot)
    assert shared.channel == dm
    assert replies(bot, card) == [], "nothing in the archived channel's thread"
    await settled(bot)
    dm_replies = [c for c in state.calls_to("chat.postMessage") if is_dm_notes(bot, c)]
    assert len(dm_replies) == 1, "once"
    assert any("channel refused (is_archived), sent by DM" in r.message for r in caplog.records)
