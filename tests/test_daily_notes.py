"""Meeting notes on Daily (issue 16), client and provider against the Daily emulator: a notes
room transcribes, a finished session's transcript comes with its WebVTT, a summarize job with
its text, deletes are idempotent, failures carry Daily's reason, and the Meetings API refuses."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import aiohttp
import pytest
from meetbot_sandbox.daily.control import DailyControlError
from meetbot_sandbox.demo.relay import SandboxInputError
from meetbot_sandbox.demo.rooms_daily import DailyRooms
from meetbot_sandbox.slack.state import FakeSlackState

from bot.domain.rooms import Capability, RoomRequest
from bot.errors import NotFoundError, UnsupportedError, ValidationError
from bot.providers.daily.client import DailyClient
from bot.providers.daily.provider import DailyProvider
from bot.providers.meetings.provider import MeetingsProvider
from tests.plugins.daily import DailyHandle
from tests.plugins.meetings import MakeClient


async def meeting(daily: DailyHandle, room: str, *names: str) -> str:
    """A session in which `names` join a minute apart (the first as host), then it ends."""
    session = await daily.control.start_session(room, webhook=False)
    for i, name in enumerate(names):
        await daily.control.join(session, name, is_host=i == 0, webhook=False)
        daily.clock.advance(minutes=1)
    daily.clock.advance(minutes=5)
    await daily.control.end_session(session, webhook=False)
    return session


async def test_a_notes_room_stores_transcripts_and_its_host_link_starts_them(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    assert Capability.NOTES in daily_provider.capabilities
    room = await daily_provider.create_room(RoomRequest("Design review", notes=True, metadata="n1"))
    plain = await daily_provider.create_room(RoomRequest("Standup", metadata="n2"))
    assert room.notes and not plain.notes
    assert daily.state.rooms[room.id].enable_transcription_storage
    assert not daily.state.rooms[plain.id].enable_transcription_storage
    host = daily.state.tokens[room.host_url.partition("?t=")[2]]
    guest = daily.state.tokens[room.guest_url.partition("?t=")[2]]
    assert host["auto_start_transcription"] is True
    assert "auto_start_transcription" not in guest
    assert "auto_start_transcription" not in daily.state.tokens[plain.host_url.partition("?t=")[2]]
    assert (await daily_provider.get_room(room.id)).notes


async def test_a_finished_transcript_comes_with_its_webvtt_text(
    daily_provider: DailyProvider, daily: DailyHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    room = await daily_provider.create_room(RoomRequest("Review", notes=True, metadata="n3"))
    session = await meeting(daily, room.id, "Ada Lovelace", "Grace Hopper")
    (listed,) = await daily_provider.session_transcripts(room.id)
    assert (listed.status, listed.session_id, listed.room_id) == ("in_progress", session, room.id)
    assert (await daily_provider.get_transcript(listed.id)).text is None

    transcript_id = await daily.control.transcript_ready(session, webhook=False)
    got = await daily_provider.get_transcript(transcript_id)
    assert got.status == "ready" and got.text is not None
    assert got.text.startswith("WEBVTT\n")
    assert "<v Ada Lovelace>Hello, this is Ada Lovelace." in got.text
    assert "00:01:00.000 --> 00:01:04.000\n<v Grace Hopper>Hello" in got.text
    assert "Ada Lovelace" not in caplog.text, "meeting content never reaches a log"
    assert [t.status for t in await daily_provider.session_transcripts(room.id)] == ["ready"]


async def test_a_summary_job_over_the_transcript_gives_its_text(
    daily_provider: DailyProvider, daily: DailyHandle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    room = await daily_provider.create_room(RoomRequest("Plan", notes=True, metadata="n4"))
    session = await meeting(daily, room.id, "Ada", "Grace")
    transcript_id = await daily.control.transcript_ready(session, webhook=False)
    job_id = await daily_provider.start_summary(transcript_id)
    (job,) = await daily.control.jobs()
    assert (job["id"], job["transcript_id"], job["preset"]) == (job_id, transcript_id, "summarize")
    pending = await daily_provider.get_summary(job_id)
    assert (pending.status, pending.text) == ("in_progress", None)

    await daily.control.summary_ready(job_id, webhook=False)
    summary = await daily_provider.get_summary(job_id)
    assert summary.status == "ready" and summary.text is not None
    assert "brought together Ada, Grace" in summary.text
    assert "Key points:\n- Ada" in summary.text
    assert "Action items:\n- Ada will follow up" in summary.text
    assert "Grace will follow up" in summary.text
    assert "Grace" not in caplog.text


async def test_failures_carry_daily_s_reason(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    room = await daily_provider.create_room(RoomRequest("Oops", notes=True, metadata="n5"))
    first = await meeting(daily, room.id, "Ada")
    failed = await daily.control.transcript_fails(first, "no audio", webhook=False)
    got = await daily_provider.get_transcript(failed)
    assert (got.status, got.error, got.text) == ("failed", "no audio", None)
    with pytest.raises(ValidationError):  # Daily: 400 unless the transcript is finished
        await daily_provider.start_summary(failed)

    second = await meeting(daily, room.id, "Ada")
    job_id = await daily_provider.start_summary(
        await daily.control.transcript_ready(second, webhook=False)
    )
    await daily.control.summary_fails(job_id, "model unavailable", webhook=False)
    summary = await daily_provider.get_summary(job_id)
    assert (summary.status, summary.error, summary.text) == ("failed", "model unavailable", None)


async def test_deleting_twice_is_not_an_error(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    room = await daily_provider.create_room(
        RoomRequest("Del", notes=True, record=True, metadata="n6")
    )
    session = await daily.control.start_session(room.id, webhook=False)
    await daily.control.join(session, "Ada", is_host=True, webhook=False)
    recording_id = await daily.control.start_recording(session, webhook=False)
    await daily.control.end_session(session, webhook=False)
    await daily.control.recording_ready(recording_id, webhook=False)
    transcript_id = await daily.control.transcript_ready(session, webhook=False)
    job_id = await daily_provider.start_summary(transcript_id)
    await daily.control.summary_ready(job_id, webhook=False)

    for _ in range(2):
        await daily_provider.delete_summary(job_id)
        await daily_provider.delete_transcript(transcript_id)
        await daily_provider.delete_recording(recording_id)
    assert not daily.state.jobs and not daily.state.transcripts and not daily.state.recordings
    assert await daily_provider.session_transcripts(room.id) == []
    with pytest.raises(NotFoundError):
        await daily_provider.get_transcript(transcript_id)
    with pytest.raises(NotFoundError):
        await daily_provider.get_summary(job_id)


async def test_a_forged_transcript_link_is_refused(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    room = await daily_provider.create_room(RoomRequest("F", notes=True, metadata="n7"))
    session = await meeting(daily, room.id, "Ada")
    transcript_id = await daily.control.transcript_ready(session, webhook=False)
    forged = f"{daily.root_url}/_storage/transcripts/{transcript_id}.vtt?sig=nope"
    with pytest.raises(ValidationError):
        await daily_provider.client.submit_summary(forged, name="x")


async def test_the_meetings_api_refuses_notes_by_name(make_meetings_client: MakeClient) -> None:
    meetings_provider = MeetingsProvider(make_meetings_client())
    assert Capability.NOTES not in meetings_provider.capabilities
    with pytest.raises(UnsupportedError, match="Meetings"):
        await meetings_provider.session_transcripts("room-1")
    with pytest.raises(UnsupportedError, match="Meetings"):
        await meetings_provider.start_summary("t-1")


async def test_rest_minted_host_tokens_start_transcription_too(daily_client: DailyClient) -> None:
    provider = DailyProvider(
        daily_client, name_key=b"key", clock=lambda: datetime.now(UTC), self_sign=False
    )
    room = await provider.create_room(RoomRequest("R", notes=True, metadata="n8"))
    assert room.notes and "?t=" in room.host_url


async def test_the_emulator_refuses_what_daily_refuses(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    room = await daily_provider.create_room(RoomRequest("E", notes=True, metadata="n9"))
    session = await daily.control.start_session(room.id, webhook=False)
    with pytest.raises(DailyControlError) as early:  # the meeting is still going on
        await daily.control.transcript_ready(session, webhook=False)
    assert early.value.status == 400
    (running,) = await daily_provider.session_transcripts(room.id)
    with pytest.raises(ValidationError):  # no access link before the transcript is finished
        await daily_provider.client.transcript_access_link(running.id)
    await daily.control.end_session(session, webhook=False)
    transcript_id = await daily.control.transcript_ready(session, webhook=False)
    link = await daily_provider.client.transcript_access_link(transcript_id)
    async with aiohttp.ClientSession() as http:
        async with http.get(link.replace("sig=", "sig=x")) as forged:
            assert forged.status == 403
        async with http.get(link) as signed:
            assert signed.status == 200 and (await signed.text()).startswith("WEBVTT")
    job_id = await daily_provider.start_summary(transcript_id)
    with pytest.raises(ValidationError):  # Daily: 400 unless the job is finished
        await daily_provider.client.job_summary_link(job_id)
    plain = await daily_provider.create_room(RoomRequest("P", metadata="n10"))
    other = await meeting(daily, plain.id, "Ada")
    with pytest.raises(DailyControlError):  # a room without transcription storage
        await daily.control.transcript_ready(other, webhook=False)
    assert await daily_provider.session_transcripts(plain.id) == []


async def test_the_sandbox_panel_finishes_transcripts_and_summaries(
    daily_provider: DailyProvider, daily: DailyHandle
) -> None:
    panel = DailyRooms(daily.control, daily.state, FakeSlackState(), root_url=daily.root_url)
    room = await daily_provider.create_room(RoomRequest("Panel", notes=True, metadata="n11"))
    (shown,) = panel.rooms()
    assert shown["notes"] and "notes on" in shown["detail"]
    assert (shown["transcripts_pending"], shown["summaries_pending"]) == (0, 0)
    with pytest.raises(SandboxInputError, match="no transcript to finish"):
        await panel.act(room.id, "transcript-ready", name="Ada")

    await meeting(daily, room.id, "Ada")
    assert panel.rooms()[0]["transcripts_pending"] == 1
    (transcript_id,) = (await panel.act(room.id, "transcript-ready", name="Ada"))["transcript_ids"]
    assert (await daily_provider.get_transcript(transcript_id)).status == "ready"
    job_id = await daily_provider.start_summary(transcript_id)
    assert panel.rooms()[0]["summaries_pending"] == 1
    assert (await panel.act(room.id, "summary-ready", name="Ada"))["job_ids"] == [job_id]
    assert (await daily_provider.get_summary(job_id)).status == "ready"
    with pytest.raises(SandboxInputError, match="no summary to finish"):
        await panel.act(room.id, "summary-ready", name="Ada")
