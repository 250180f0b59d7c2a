"""Daily's documented bodies (tests/fixtures/daily/, sources in its README): the bot reads every
one of them, and the Daily emulator sends exactly their shapes, no key more or less."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpServer

from bot.domain.rooms import EventKind
from bot.errors import ValidationError
from bot.providers.daily.models import (
    AccessLink,
    DailyDomain,
    DailyRecording,
    DailyRoom,
    DailyWebhook,
    token_from_json,
)
from bot.providers.daily.responses import daily_error
from bot.providers.daily.tokens import sign
from bot.providers.daily.webhooks import parse_webhook, started_by
from tests.plugins.daily import DailyHandle

FIXTURES = Path(__file__).parent / "fixtures" / "daily"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_every_fixture_is_listed_in_the_readme_with_its_source() -> None:
    readme = (FIXTURES / "README.md").read_text()
    files = sorted(p.relative_to(FIXTURES) for p in FIXTURES.rglob("*.json"))
    assert files, "no fixtures"
    for path in files:
        assert f"`{path.name}`" in readme, f"{path} is not in the README"
        json.loads((FIXTURES / path).read_text())


def test_the_rest_answers_read_as_documented() -> None:
    room = DailyRoom.from_json(fixture("rest/get-room.json"))
    assert (room.name, room.privacy, room.url) == (
        "w2pp2cf4kltgFACPKXmX",
        "public",
        "https://api-demo.daily.co/w2pp2cf4kltgFACPKXmX",
    )
    assert room.created_at == datetime(2019, 1, 26, 9, 1, 22, tzinfo=UTC) and room.exp is None
    assert token_from_json(fixture("rest/create-meeting-token.json")).startswith("eyJ")

    recording = DailyRecording.from_json(fixture("rest/get-recording.json"))
    assert recording.room_name is None, "the documented example names no room"
    assert recording.session_id == "257764e6-c74e-4c30-944a-a887a03173a3"
    assert (recording.status, recording.duration_seconds) == ("finished", 277.0)
    assert recording.started_at == at(1548789650)
    (listed,) = DailyRecording.list_from_json(fixture("rest/list-recordings.FROM-FIELD-LIST.json"))
    assert listed.room_name == "test-recording-room"

    link = AccessLink.from_json(fixture("rest/recording-access-link.FROM-FIELD-LIST.json"))
    assert link.expires == at(1548793250)
    domain = DailyDomain.from_json(fixture("rest/get-domain-config.FROM-FIELD-LIST.json"))
    assert domain.domain_id == "30f866c3-9123-452a-8723-ff58322d09c5"
    hook = DailyWebhook.from_json(fixture("rest/webhook.FROM-FIELD-LIST.json"))
    assert (hook.state, hook.failed_count, hook.retry_type) == ("ACTIVE", 0, "exponential")
    assert fixture("rest/delete-room.FROM-PROSE.json")["deleted"] is True


def test_the_error_body_maps_by_its_type() -> None:
    body = json.dumps(fixture("errors/error-body.json")).encode()
    error = daily_error("POST", "https://api.daily.co/v1/rooms", 400, {}, body)
    assert isinstance(error, ValidationError) and error.name == "invalid-request-error"
    assert "bad Authorization header format" in error.message


def test_our_token_encoding_is_daily_s_own() -> None:
    """Daily's example token's header and payload, encoded by our signer, are the very bytes
    Daily sent: compact JSON, base64url without padding, HS256."""
    daily_token = token_from_json(fixture("rest/create-meeting-token.json"))
    payload = {"r": "room-0253", "d": "25df5057-ef0d-4d97-bde6-0cf287276cbb", "iat": 1548722207}
    assert sign("any key", payload).split(".")[:2] == daily_token.split(".")[:2]


WEBHOOKS = {
    "meeting.started": ("meeting.started.json", EventKind.SESSION_STARTED),
    "meeting.ended": ("meeting.ended.json", EventKind.SESSION_ENDED),
    "participant.joined": ("participant.joined.json", EventKind.PARTICIPANT_JOINED),
    "participant.left": ("participant.left.FROM-FIELD-LIST.json", EventKind.PARTICIPANT_LEFT),
    "recording.started": ("recording.started.json", EventKind.RECORDING_STARTED),
    "recording.ready-to-download": (
        "recording.ready-to-download.json",
        EventKind.RECORDING_READY,
    ),
}


@pytest.mark.parametrize("name", sorted(WEBHOOKS))
def test_every_followed_event_reads_as_documented(name: str) -> None:
    file, kind = WEBHOOKS[name]
    body = fixture(f"webhooks/{file}")
    event = parse_webhook(body)
    assert event is not None and event.kind is kind
    assert event.identity == f"daily|{name}|{body['id']}", "Daily's id names the event"
    payload = body["payload"]
    if name.startswith("meeting."):
        assert (event.room_id, event.session_id) == (payload["room"], payload["meeting_id"])
        assert event.started_at == at(payload["start_ts"]), "seconds, fraction kept"
    if name == "meeting.ended":
        assert event.ended_at == at(1708526104.671)
        assert event.duration_seconds == pytest.approx(72.671)
    if name.startswith("participant."):
        assert (event.room_id, event.participant_id) == (payload["room"], payload["session_id"])
        assert (event.participant_name, event.is_host) == ("testuser", False)
        assert event.started_at == at(1708972279.96)
    if name == "participant.left":
        assert event.ended_at == at(1708972279.96 + 60)
    if name == "recording.started":
        assert event.room_id is None, "Daily names no room: the route finds it"
        assert event.recording_id == payload["recording_id"]
        assert started_by(body) == "0a20567c-9e95-4fa7-aaa3-fb62f5be0449"
        assert event.started_at == at(1692124183)
    if name == "recording.ready-to-download":
        assert (event.room_id, event.recording_id) == (
            "Xcm97xRZ08b2dePKb78g",
            payload["recording_id"],
        )
        assert event.duration_seconds == 9.0


def keys(value: Any) -> Any:
    """The shape of a JSON value: objects as their keys (nested), lists by their first item."""
    if isinstance(value, dict):
        return {key: keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [keys(value[0])] if value else []
    return None


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> AsyncIterator[str]:
    """A webhook target that takes everything."""

    async def ok(_: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/hook", ok)
    server = await aiohttp_server(app, port=0)
    yield str(server.make_url("/hook"))


async def test_the_emulator_sends_daily_s_webhook_shapes(daily: DailyHandle, receiver: str) -> None:
    control = daily.control
    await control.set_webhook(receiver)
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {daily.api_key}"}
        body = {"name": "shapes", "privacy": "private", "properties": {"enable_recording": "cloud"}}
        async with http.post(f"{daily.base_url}/rooms", json=body, headers=headers) as response:
            assert response.status == 200
    session = await control.start_session("shapes")
    host = await control.join(session, "Ana", is_host=True)
    recording = await control.start_recording(session)
    await control.leave(session, host)
    await control.end_session(session)
    await control.recording_ready(recording)
    sent = {d["type"]: d["body"] for d in await control.deliveries()}
    assert set(sent) == set(WEBHOOKS)
    for name, (file, _) in WEBHOOKS.items():
        assert keys(sent[name]) == keys(fixture(f"webhooks/{file}")), name
    assert "room_name" not in sent["recording.started"]["payload"]


async def test_the_emulator_answers_daily_s_rest_shapes(daily: DailyHandle, receiver: str) -> None:
    await daily.control.set_webhook(receiver)
    headers = {"Authorization": f"Bearer {daily.api_key}"}
    api = daily.base_url

    async def call(method: str, path: str, body: Any = None) -> Any:
        async with http.request(method, api + path, json=body, headers=headers) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async with aiohttp.ClientSession() as http:
        room = await call("POST", "/rooms", {"name": "shapes", "properties": {"exp": 1}})
        room_shape = keys(fixture("rest/get-room.json")) | {"config": {"exp": None}}
        assert keys(room) == room_shape
        assert keys(await call("GET", "/rooms/shapes")) == room_shape
        token = await call("POST", "/meeting-tokens", {"properties": {"room_name": "shapes"}})
        assert keys(token) == keys(fixture("rest/create-meeting-token.json"))
        domain = await call("GET", "/")
        assert keys(domain) == keys(fixture("rest/get-domain-config.FROM-FIELD-LIST.json"))
        await call("POST", "/rooms/shapes", {"properties": {"enable_recording": "cloud"}})
        session = await daily.control.start_session("shapes")
        recording_id = await daily.control.start_recording(session)
        daily.clock.advance(minutes=1)
        await daily.control.end_session(session)
        await daily.control.recording_ready(recording_id)
        recording = await call("GET", f"/recordings/{recording_id}")
        # The documented example's keys, and `room_name`, which the field list documents.
        assert keys(recording) == keys(fixture("rest/get-recording.json")) | {"room_name": None}
        listed = await call("GET", "/recordings")
        assert keys(listed) == keys(fixture("rest/list-recordings.FROM-FIELD-LIST.json"))
        link = await call("GET", f"/recordings/{recording_id}/access-link")
        assert keys(link) == keys(fixture("rest/recording-access-link.FROM-FIELD-LIST.json"))
        (hook,) = await call("GET", "/webhooks")
        assert keys(hook) == keys(fixture("rest/webhook.FROM-FIELD-LIST.json"))
        deleted = await call("DELETE", "/rooms/shapes")
        assert keys(deleted) == keys(fixture("rest/delete-room.FROM-PROSE.json"))
        async with http.get(f"{api}/rooms/gone", headers=headers) as response:
            assert response.status == 404
            assert keys(await response.json()) == keys(fixture("errors/error-body.json"))
