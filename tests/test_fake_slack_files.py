"""The fake Slack's file upload (issue 16), driven by slack_sdk's AsyncWebClient: a transcript
uploaded to the URL files.getUploadURLExternal hands out, shared in a card's thread by
files.completeUploadExternal, deleted by files.delete; and Slack's refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from meetbot_sandbox.slack.scopes import BOT_SCOPES
from slack_sdk.errors import SlackApiError

from tests.plugins.slack import FakeSlack

VTT = "WEBVTT\n\n1\n00:00:00.000 --> 00:00:04.000\n<v Ada>Hello, this is Ada.\n"
SAMPLES = Path(__file__).parent / "fixtures" / "slack-web-api"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


async def upload(slack_api: FakeSlack, content: str, name: str = "notes.vtt") -> str:
    client = slack_api.client()
    got = await client.files_getUploadURLExternal(filename=name, length=len(content.encode()))
    assert set(sample("files.getUploadURLExternal.ok.json")) <= set(got.data)
    async with (
        aiohttp.ClientSession() as http,
        http.post(got["upload_url"], data=content.encode()) as response,
    ):
        assert response.status == 200
    return str(got["file_id"])


async def test_a_transcript_is_shared_in_the_cards_thread(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    client = slack_api.client()
    card = await client.chat_postMessage(channel="C0GENERAL", text="Design review")
    file_id = await upload(slack_api, VTT)

    done = await client.files_completeUploadExternal(
        files=[{"id": file_id, "title": "Design review transcript"}],
        channel_id="C0GENERAL",
        thread_ts=card["ts"],
        initial_comment="Transcript of the meeting",
    )
    assert done["files"] == [{"id": file_id, "title": "Design review transcript"}]
    assert set(sample("files.completeUploadExternal.ok.json")) <= set(done.data)

    (reply,) = slack_api.state.thread("C0GENERAL", card["ts"])
    assert reply.text == "Transcript of the meeting"
    assert reply.files is not None and [f["id"] for f in reply.files] == [file_id]
    assert reply.files[0]["title"] == "Design review transcript"
    assert reply.files[0]["name"] == "notes.vtt" and reply.files[0]["size"] == len(VTT)
    shared = slack_api.state.files[file_id]
    assert (shared.text, shared.channel, shared.thread_ts) == (VTT, "C0GENERAL", card["ts"])
    assert [m.text for m in slack_api.state.history("C0GENERAL")] == ["Design review"]


async def test_a_multipart_upload_as_slacks_docs_show_is_read_too(slack_api: FakeSlack) -> None:
    client = slack_api.client()
    got = await client.files_getUploadURLExternal(filename="notes.txt", length=5)
    form = aiohttp.FormData()
    form.add_field("filename", b"hello", filename="notes.txt")
    async with aiohttp.ClientSession() as http, http.post(got["upload_url"], data=form) as answer:
        assert answer.status == 200
    assert slack_api.state.files[got["file_id"]].text == "hello"


async def test_deleting_removes_the_file_from_the_thread_once(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0GENERAL", "general")
    client = slack_api.client()
    card = await client.chat_postMessage(channel="C0GENERAL", text="Review")
    file_id = await upload(slack_api, VTT)
    await client.files_completeUploadExternal(
        files=[{"id": file_id}], channel_id="C0GENERAL", thread_ts=card["ts"]
    )
    deleted = await client.files_delete(file=file_id)
    assert deleted.data == sample("files.delete.ok.json")
    assert slack_api.state.thread("C0GENERAL", card["ts"]) == []
    with pytest.raises(SlackApiError) as again:
        await client.files_delete(file=file_id)
    assert again.value.response["error"] == "file_deleted"
    with pytest.raises(SlackApiError) as unknown:
        await client.files_delete(file="F0NOPE")
    assert unknown.value.response["error"] == "file_not_found"


async def test_slacks_refusals(slack_api: FakeSlack) -> None:
    slack_api.state.add_channel("C0RANDOM", "random", member=False)
    client = slack_api.client()
    file_id = await upload(slack_api, VTT)
    with pytest.raises(SlackApiError) as outside:
        await client.files_completeUploadExternal(files=[{"id": file_id}], channel_id="C0RANDOM")
    assert outside.value.response["error"] == "not_in_channel"
    with pytest.raises(SlackApiError) as never_uploaded:
        await client.files_completeUploadExternal(files=[{"id": "F0NOPE"}])
    assert never_uploaded.value.response["error"] == "file_not_found"
    await client.files_completeUploadExternal(files=[{"id": file_id}])  # kept private
    with pytest.raises(SlackApiError) as twice:  # "This method can only be called once"
        await client.files_completeUploadExternal(files=[{"id": file_id}])
    assert twice.value.response["error"] == "file_not_found"

    slack_api.state.scopes = frozenset(BOT_SCOPES) - {"files:write"}
    for call in (
        client.files_getUploadURLExternal(filename="x.vtt", length=1),
        client.files_completeUploadExternal(files=[{"id": file_id}]),
        client.files_delete(file=file_id),
    ):
        with pytest.raises(SlackApiError) as refused:
            await call
        assert refused.value.response["error"] == "missing_scope"
        assert refused.value.response["needed"] == "files:write"
    assert slack_api.state.unexpected == []
