"""The control API makes rooms live, and the emulator calls back exactly as the spec documents."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import aiohttp
import jsonschema
import pytest
from aiohttp import web
from meetbot_sandbox.meetings import EmulatorControlError
from meetbot_sandbox.meetings.views import iso
from pytest_aiohttp import AiohttpServer

from tests.plugins.emulator import EmulatorApi, EmulatorHandle, meetings_spec

WEBHOOKS = meetings_spec()["x-webhooks"]["meeting-events"]
WEBHOOK_FOR = {
    hook["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["event"][
        "enum"
    ][0]: hook["post"]["requestBody"]["content"]["application/json"]["schema"]
    for hook in WEBHOOKS.values()
}


@dataclass
class Receiver:
    """A tiny callback target standing in for meetbot's /callbacks/meetings/{token}."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)

    def events(self) -> list[str]:
        return [payload["event"] for payload in self.received]

    def last(self, event: str) -> dict[str, Any]:
        return [payload for payload in self.received if payload["event"] == event][-1]


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> Receiver:
    target = Receiver(url="")

    async def accept(request: web.Request) -> web.Response:
        target.received.append(await request.json())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/callbacks/meetings/{token}", accept)
    server = await aiohttp_server(app, port=0)
    target.url = str(server.make_url("/callbacks/meetings/t0k3n"))
    return target


def assert_documented(payload: dict[str, Any]) -> None:
    """Exactly the fields the spec's x-webhooks lists for this event, with its types."""
    schema = WEBHOOK_FOR[payload["event"]]
    assert set(payload) == set(schema["properties"]), payload["event"]
    jsonschema.validate(payload, schema)


RoomFactory = Callable[..., Any]


@pytest.fixture
def make_room(
    emulator_api: EmulatorApi, receiver: Receiver, emulator: EmulatorHandle
) -> RoomFactory:
    async def make(**extra: Any) -> dict[str, Any]:
        kinds = ("rooms_callback_url", "sessions_callback_url", "recordings_callback_url")
        body = {
            "display_name": "standup",
            "callback_urls": dict.fromkeys(kinds, receiver.url),
            **extra,
        }
        if body.get("type") == "long_term":
            body.setdefault("expires_at", iso(emulator.clock() + timedelta(days=7)))
        answer = await emulator_api.post("/rooms", json=body)
        assert answer.status == 201, answer.body
        return dict(answer.body)

    return make


async def test_a_meeting_from_start_to_recording_calls_back_every_step(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, receiver: Receiver, make_room: RoomFactory
) -> None:
    room = await make_room()
    control = emulator.control
    session_id = await control.start_session(room["id"])
    host = await control.join(session_id, "Ana", is_host=True)
    guest = await control.join(session_id, "Li")
    await control.leave(session_id, guest)
    recording_id = await control.start_recording(session_id)
    emulator.clock.advance(seconds=9)
    await control.stop_recording(recording_id)
    await control.end_session(session_id)
    url = await control.upload_recording(recording_id)

    assert receiver.events() == [
        "session:started",
        "session:participant:joined",
        "session:participant:joined",
        "session:participant:left",
        "recording:started",
        "recording:ended",
        "session:ended",
        "recording:uploaded",
    ]
    for payload in receiver.received:
        assert_documented(payload)
        assert payload.get("room_id", room["id"]) == room["id"]
    assert receiver.received[1] | {"participant_id": host} == receiver.received[1]
    assert receiver.received[1]["is_host"] is True and receiver.received[2]["name"] == "Li"
    assert receiver.last("recording:ended")["duration"] == 9
    uploaded = receiver.last("recording:uploaded")
    assert uploaded["url"] == url and uploaded["session_id"] == session_id

    recording = (await emulator_api.get(f"/recordings/{recording_id}")).body
    assert recording["status"] == "uploaded" and recording["_links"]["url"]["href"] == url
    listed = (await emulator_api.get(f"/sessions/{session_id}/recordings")).body
    assert listed == {"_embedded": {"recordings": [recording]}}
    async with aiohttp.ClientSession() as session, session.get(url) as download:
        assert download.status == 200 and download.content_type == "video/mp4"
    assert [d.event for d in await control.deliveries()] == receiver.events()


async def test_a_lost_callback_still_changes_the_room(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, receiver: Receiver, make_room: RoomFactory
) -> None:
    room = await make_room()

    await emulator.control.expire_room(room["id"], callback=False)

    assert receiver.received == [] and await emulator.control.deliveries() == []
    assert (await emulator_api.get(f"/rooms/{room['id']}")).body["is_available"] is False


async def test_a_duplicated_callback_arrives_twice(
    emulator: EmulatorHandle, receiver: Receiver, make_room: RoomFactory
) -> None:
    room = await make_room()

    await emulator.control.start_session(room["id"], callback="twice")

    assert receiver.events() == ["session:started", "session:started"]
    assert receiver.received[0] == receiver.received[1]


async def test_a_target_that_is_down_is_recorded_not_raised(
    emulator: EmulatorHandle, make_room: RoomFactory
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    room = await make_room(callback_urls={"sessions_callback_url": f"http://127.0.0.1:{port}/cb"})

    await emulator.control.start_session(room["id"])

    [delivery] = await emulator.control.deliveries()
    assert delivery.status is None and delivery.error and delivery.event == "session:started"


async def test_an_expire_after_use_room_expires_when_its_session_ends(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, receiver: Receiver, make_room: RoomFactory
) -> None:
    room = await make_room(type="long_term", expire_after_use=True)
    session_id = await emulator.control.start_session(room["id"])

    await emulator.control.end_session(session_id)

    assert receiver.events() == ["session:started", "session:ended", "room:expired"]
    assert_documented(receiver.last("room:expired"))
    assert receiver.last("room:expired")["room_type"] == "long_term"
    assert (await emulator_api.get(f"/rooms/{room['id']}")).body["is_available"] is False
    with pytest.raises(EmulatorControlError) as refused:
        await emulator.control.start_session(room["id"])
    assert refused.value.status == 409


async def test_auto_record_starts_a_recording_with_the_session(
    emulator: EmulatorHandle, receiver: Receiver, make_room: RoomFactory
) -> None:
    room = await make_room(recording_options={"auto_record": True})
    session_id = await emulator.control.start_session(room["id"])

    await emulator.control.end_session(session_id)

    assert receiver.events() == [
        "session:started",
        "recording:started",
        "recording:ended",
        "session:ended",
    ]


async def test_rooms_whose_time_ran_out_are_announced_once(
    emulator: EmulatorHandle, receiver: Receiver, make_room: RoomFactory
) -> None:
    room = await make_room()
    assert await emulator.control.expire_due() == []

    emulator.clock.advance(minutes=11)

    assert await emulator.control.expire_due() == [room["id"]]
    assert await emulator.control.expire_due() == []
    assert receiver.events() == ["room:expired"]
    assert_documented(receiver.received[0])


async def test_recordings_follow_the_api_rules(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, make_room: RoomFactory
) -> None:
    room = await make_room()
    session_id = await emulator.control.start_session(room["id"])
    recording_id = await emulator.control.start_recording(session_id)

    running = (await emulator_api.get(f"/recordings/{recording_id}")).body
    assert running["status"] == "started" and "_links" not in running
    not_uploaded = await emulator_api.delete(f"/recordings/{recording_id}")
    assert not_uploaded.status == 403

    await emulator.control.stop_recording(recording_id)
    await emulator.control.upload_recording(recording_id)
    assert (await emulator_api.delete(f"/recordings/{recording_id}")).status == 204
    gone = await emulator_api.get(f"/recordings/{recording_id}")
    assert gone.body == {
        "message": f"Recording {recording_id} was not found",
        "name": "NotFoundError",
        "status": 404,
    }
    again = await emulator_api.delete(f"/recordings/{recording_id}")
    assert again.body == {
        "message": "Could not find recording",
        "name": "NotFoundError",
        "status": 404,
    }


async def test_unknown_sessions_and_wrong_states_are_refused(
    emulator_api: EmulatorApi, emulator: EmulatorHandle, make_room: RoomFactory
) -> None:
    missing = await emulator_api.get("/sessions/not-a-real-session-id/recordings")
    assert (
        missing.body["message"] == "Failed to find session recordings by id: not-a-real-session-id"
    )

    room = await make_room()
    session_id = await emulator.control.start_session(room["id"])
    await emulator.control.end_session(session_id)
    for call in (
        emulator.control.join(session_id, "late"),
        emulator.control.start_recording(session_id),
        emulator.control.end_session(session_id),
    ):
        with pytest.raises(EmulatorControlError) as refused:
            await call
        assert refused.value.status == 409
    with pytest.raises(EmulatorControlError) as unknown:
        await emulator.control.start_session("no-such-room")
    assert unknown.value.status == 404
