"""Issue 16's Daily events and answers (tests/fixtures/daily/, sources in its README): the bot
reads Daily's documented bodies, and the emulator sends and answers their shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from bot.domain.rooms import EventKind, RoomEvent
from bot.providers.daily.notes import DailyJob, DailyTranscript, job_id, summary_link
from bot.providers.daily.notes import transcript_link as link_of
from bot.providers.daily.webhooks import SUBSCRIBED, parse_notes_webhook, parse_webhook
from tests.plugins.daily import DailyHandle
from tests.test_daily_fixtures import fixture, keys

NOTES = {
    "transcript.ready-to-download": "transcript.ready-to-download.FROM-FIELD-LIST.json",
    "transcript.error": "transcript.error.FROM-FIELD-LIST.json",
    "batch-processor.job-finished": "batch-processor.job-finished.FROM-FIELD-LIST.json",
    "batch-processor.error": "batch-processor.error.FROM-FIELD-LIST.json",
}


def parsed(name: str) -> RoomEvent:
    event = parse_notes_webhook(fixture(f"webhooks/{NOTES[name]}"))
    assert event is not None
    return event


def test_a_ready_transcript_names_its_transcript_and_session() -> None:
    event = parsed("transcript.ready-to-download")
    assert event.kind is EventKind.TRANSCRIPT_READY
    assert event.transcript_id == "68f65d4c-a4dc-4179-bbb1-c12432afb924"
    assert event.session_id == "a2bc876d-2816-4732-9c87-01e0b8c0b01b"
    # Daily's example has no room_name (it repeats room_id): the session finds the meeting.
    assert event.room_id is None and event.job_id is None and event.error is None
    assert event.identity == "daily|transcript.ready-to-download|3431-tra-rtd-" + (
        "68f65d4c-a4dc-4179-bbb1-c12432afb924"
    )


def test_a_failed_transcript_carries_its_room_and_reason() -> None:
    event = parsed("transcript.error")
    assert event.kind is EventKind.TRANSCRIPT_FAILED
    assert (event.room_id, event.transcript_id, event.error) == (
        "my-room",
        "8d5c03f3-cff3-43c7-b112-0f78989f659f",
        "transcription failed",
    )


def test_batch_processor_events_name_the_job_only() -> None:
    done, failed = parsed("batch-processor.job-finished"), parsed("batch-processor.error")
    assert (done.kind, done.job_id, done.room_id, done.transcript_id) == (
        EventKind.SUMMARY_READY,
        "1dae15c5-6a85-4d65-ab00-4b19bb054b84",
        None,
        None,
    )
    assert (failed.kind, failed.job_id) == (
        EventKind.SUMMARY_FAILED,
        "bcb9f15d-2b00-4d98-be5f-23888e2df2ca",
    )
    assert failed.error is not None and failed.error.startswith("Error: Failed")


def test_notes_events_round_trip_and_stay_out_of_the_room_parser() -> None:
    for name, file in NOTES.items():
        body = fixture(f"webhooks/{file}")
        assert parse_webhook(body) is None, name
        event = parse_notes_webhook(body)
        assert event is not None and RoomEvent.from_dict(event.to_dict()) == event
        assert name in SUBSCRIBED
    assert parse_notes_webhook(fixture("webhooks/meeting.started.json")) is None
    with pytest.raises(ValueError, match="'id'"):
        parse_notes_webhook({"type": "batch-processor.error", "payload": {"status": "error"}})


def test_the_rest_answers_read_as_documented() -> None:
    got = DailyTranscript.from_json(fixture("rest/get-transcript.json"))
    assert (got.id, got.our_status, got.session_id) == (
        "0cb313e1-211f-4be0-833d-8c7305b19902",
        "ready",
        "257764e6-c74e-4c30-944a-a887a03173a3",
    )
    listed = DailyTranscript.list_from_json(fixture("rest/list-transcripts.json"))
    assert [t.our_status for t in listed] == ["ready", "in_progress"]
    deleted = DailyTranscript.from_json(fixture("rest/delete-transcript.json"))
    assert deleted.our_status == "failed"
    assert link_of(fixture("rest/transcript-access-link.json")).startswith("https://daily-")
    assert link_of({"transcriptId": "t", "link": "https://x/y"}) == "https://x/y", "SDK name"
    assert job_id(fixture("rest/submit-job.FROM-PROSE.json")).startswith("3ab8faa2")
    job = DailyJob.from_json(fixture("rest/get-job.FROM-FIELD-LIST.json"))
    assert (job.our_status, job.preset) == ("ready", "summarize")
    link = summary_link(fixture("rest/job-access-link.FROM-FIELD-LIST.json"))
    assert link == "https://access-link-url.tld/file.txt"


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> AsyncIterator[str]:
    async def ok(_: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", ok)
    server = await aiohttp_server(app, port=0)
    yield str(server.make_url("/hook"))


async def test_the_emulator_sends_and_answers_daily_s_shapes(
    daily: DailyHandle, receiver: str
) -> None:
    control = daily.control
    await control.set_webhook(receiver)
    headers = {"Authorization": f"Bearer {daily.api_key}"}

    async def call(method: str, path: str, body: Any = None) -> Any:
        async with http.request(
            method, daily.base_url + path, json=body, headers=headers
        ) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async with aiohttp.ClientSession() as http:
        props = {"enable_transcription_storage": True}
        room = await call("POST", "/rooms", {"name": "notes", "properties": props})
        assert room["config"]["enable_transcription_storage"] is True
        sessions = []
        for _ in range(2):
            session = await control.start_session("notes")
            await control.join(session, "Ana", is_host=True)
            await control.end_session(session)
            sessions.append(session)
        ready = await control.transcript_ready(sessions[0])
        await control.transcript_fails(sessions[1], "no audio")

        listed = await call("GET", f"/transcript?roomId={room['id']}")
        assert keys(listed) == keys(fixture("rest/list-transcripts.json"))
        assert len(listed["data"]) == 2
        got = await call("GET", f"/transcript/{ready}")
        assert keys(got) == keys(fixture("rest/get-transcript.json"))
        link = await call("GET", f"/transcript/{ready}/access-link")
        assert keys(link) == keys(fixture("rest/transcript-access-link.json"))
        submit = {
            "preset": "summarize",
            "inParams": {"sourceType": "transcriptUri", "uri": link["download_link"]},
            "outParams": {"s3Config": {"s3KeyTemplate": "s"}},
        }
        job = (await call("POST", "/batch-processor", submit))["id"]
        await control.summary_ready(job)
        second = (await call("POST", "/batch-processor", submit))["id"]
        await control.summary_fails(second, "model unavailable")
        assert keys(await call("GET", f"/batch-processor/{job}")) == keys(
            fixture("rest/get-job.FROM-FIELD-LIST.json")
        )
        assert keys(await call("GET", f"/batch-processor/{job}/access-link")) == keys(
            fixture("rest/job-access-link.FROM-FIELD-LIST.json")
        )
        assert keys(await call("DELETE", f"/transcript/{ready}")) == keys(
            fixture("rest/delete-transcript.json")
        )

    sent = {d["type"]: d["body"] for d in await control.deliveries()}
    for name, file in NOTES.items():
        documented = keys(fixture(f"webhooks/{file}"))
        if name == "transcript.ready-to-download":
            # Documented field list: room_name (the example repeats room_id instead).
            documented["payload"]["room_name"] = None
        if name == "batch-processor.job-finished":
            # A summary of a transcript makes no transcription outputs.
            del documented["payload"]["output"]["transcription"]
        assert keys(sent[name]) == documented, name
        event = parse_notes_webhook(sent[name])
        assert event is not None
    assert sent["transcript.error"]["payload"]["error"] == "no audio"
    assert sent["transcript.ready-to-download"]["version"] == "1.1.0"
