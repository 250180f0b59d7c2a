"""Issue 17's Daily events: `waiting-participant.joined|left` read from Daily's documented bodies
(tests/fixtures/daily/webhooks/, README there), subscribed by `python -m bot daily webhook`, and
sent by the emulator as a guest knocks, is let in, turned away or gives up; presence and eject
answer in Daily's documented shapes."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from meetbot_sandbox.daily import DailyControl
from meetbot_sandbox.daily.control import DailyControlError
from pytest_aiohttp import AiohttpServer

from bot.domain.rooms import EventKind
from bot.providers.daily.client import DailyClient
from bot.providers.daily.models import DailyPresence, ejected_from_json
from bot.providers.daily.webhooks import KINDS, parse_webhook
from tests.plugins.daily import DailyHandle
from tests.test_daily_cli import admin_env, cli
from tests.test_daily_fixtures import keys

FIXTURES = Path(__file__).parent / "fixtures" / "daily"
JOINED = "webhooks/waiting-participant.joined.FROM-FIELD-LIST.json"
LEFT = "webhooks/waiting-participant.left.PARTIAL-EXAMPLE.json"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@pytest.mark.parametrize(
    ("file", "kind"), [(JOINED, EventKind.WAITING_JOINED), (LEFT, EventKind.WAITING_LEFT)]
)
def test_the_documented_waiting_events_read_as_who_waits_where(file: str, kind: EventKind) -> None:
    body = fixture(file)
    event = parse_webhook(body)
    assert event is not None and event.kind is kind
    assert event.identity == f"daily|{body['type']}|{body['id']}", "Daily's id names the event"
    assert (event.room_id, event.participant_id, event.participant_name) == (
        "knocking",
        "c85f48f3-82ec-4648-b39c-edfce7acf062",
        "bipol",
    )
    assert event.is_host is False and event.session_id is None, "a knocker is in no meeting yet"
    assert event.started_at == datetime.fromtimestamp(1719586614.027, UTC)


def test_a_waiting_event_without_its_knocker_or_room_is_refused() -> None:
    body = fixture(LEFT)
    del body["payload"]["session_id"]
    with pytest.raises(ValueError, match="session_id"):
        parse_webhook(body)
    body = fixture(JOINED)
    del body["payload"]["room"]
    with pytest.raises(ValueError, match="room"):
        parse_webhook(body)


def test_presence_and_eject_read_as_documented() -> None:
    (person,) = DailyPresence.list_from_json(fixture("rest/get-room-presence.json"))
    assert (person.id, person.user_name, person.room) == (
        "d61cd7b2-a273-42b4-89bd-be763fd562c1",
        "Moishe",
        "w2pp2cf4kltgFACPKXmX",
    )
    assert ejected_from_json(fixture("rest/eject.FROM-FIELD-LIST.json")) == [person.id]


@pytest.fixture
async def hook(aiohttp_server: AiohttpServer) -> AsyncIterator[str]:
    """A webhook target that takes everything (also Daily's verification POST)."""

    async def ok(_: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/callbacks/daily", ok)
    server = await aiohttp_server(app, port=0)
    yield str(server.make_url("")).rstrip("/")


async def test_the_cli_subscribes_the_waiting_events(daily: DailyHandle, hook: str) -> None:
    assert {"waiting-participant.joined", "waiting-participant.left"} <= set(KINDS)
    assert (await cli(["webhook"], admin_env(daily, hook))).code == 0
    (made,) = daily.state.webhooks.values()
    assert {"waiting-participant.joined", "waiting-participant.left"} <= set(made.event_types)


async def knocking_room(daily: DailyHandle, client: DailyClient, hook: str) -> str:
    await daily.control.set_webhook(hook + "/callbacks/daily")
    until = daily.clock() + timedelta(hours=1)
    room = await client.create_room("lobby", exp=until, record=False, knocking=True)
    assert room.enable_knocking is True
    return room.name


async def sent(control: DailyControl) -> list[dict[str, Any]]:
    made = [d["body"] for d in await control.deliveries()]
    await control.call("DELETE", "/deliveries")
    return made


async def test_a_knock_then_admission_sends_waiting_joined_then_participant_joined(
    daily: DailyHandle, daily_client: DailyClient, hook: str
) -> None:
    control = daily.control
    room = await knocking_room(daily, daily_client, hook)
    session = await control.start_session(room)
    await control.join(session, "Ana", is_host=True)
    await sent(control)

    guest = await control.knock(room, "Bo")
    (knocked,) = await sent(control)
    assert knocked["type"] == "waiting-participant.joined"
    assert keys(knocked) == keys(fixture(JOINED)), "the documented shape"
    assert knocked["payload"]["session_id"] == guest and knocked["payload"]["user_name"] == "Bo"
    assert await control.waiting(room) == [{"id": guest, "name": "Bo"}]

    assert await control.admit(room, guest) == session
    (joined,) = await sent(control)  # and no waiting-participant.left: Daily sends none then
    assert joined["type"] == "participant.joined" and joined["payload"]["session_id"] == guest
    assert await control.waiting(room) == []
    assert guest in {p.id for p in await daily_client.room_presence(room)}


async def test_a_guest_giving_up_or_turned_away_sends_waiting_left(
    daily: DailyHandle, daily_client: DailyClient, hook: str
) -> None:
    control = daily.control
    room = await knocking_room(daily, daily_client, hook)
    session = await control.start_session(room)
    await control.join(session, "Ana", is_host=True)
    first, second = await control.knock(room, "Bo"), await control.knock(room, "Cy")
    await sent(control)

    await control.give_up(room, first)
    await control.deny(room, second)
    left = await sent(control)
    assert [(b["type"], b["payload"]["session_id"]) for b in left] == [
        ("waiting-participant.left", first),
        ("waiting-participant.left", second),
    ]
    assert keys(left[0]) == keys(fixture(LEFT)), "the documented shape"
    assert left[0]["id"] == f"1-w-ptcpt-left-{first}", "the documented id form"
    with pytest.raises(DailyControlError) as gone:
        await control.admit(room, first)
    assert gone.value.status == 404


async def test_knocks_are_refused_where_daily_takes_none(
    daily: DailyHandle, daily_client: DailyClient, hook: str
) -> None:
    control = daily.control
    until = daily.clock() + timedelta(hours=1)
    plain = await daily_client.create_room("plain", exp=until, record=False)
    room = await knocking_room(daily, daily_client, hook)
    with pytest.raises(DailyControlError) as no_knocking:
        await control.knock(plain.name)
    guest = await control.knock(room, "Bo")
    with pytest.raises(DailyControlError) as no_owner:
        await control.admit(room, guest)  # nobody in the meeting can let them in
    daily.clock.advance(hours=2)
    with pytest.raises(DailyControlError) as expired:
        await control.knock(room, "Late")
    assert [e.value.status for e in (no_knocking, no_owner, expired)] == [400, 400, 400]
    assert "expired" in expired.value.body["info"]


async def test_ejecting_the_last_one_ends_the_meeting(
    daily: DailyHandle, daily_client: DailyClient, hook: str
) -> None:
    control = daily.control
    room = await knocking_room(daily, daily_client, hook)
    session = await control.start_session(room)
    ana = await control.join(session, "Ana", is_host=True)
    bo = await control.join(session, "Bo")
    daily.clock.advance(seconds=30)
    (listed, _) = sorted(
        (p for p in (await daily_client.room_presence(room))), key=lambda p: p.user_name or ""
    )
    assert listed.id == ana and listed.session_id == session
    await sent(control)

    assert await daily_client.eject(room, [bo]) == [bo]
    assert [b["type"] for b in await sent(control)] == ["participant.left"]
    assert sorted(await daily_client.eject(room, [ana, bo])) == [ana]
    out = await sent(control)
    assert [b["type"] for b in out] == ["participant.left", "meeting.ended"]
    assert out[0]["payload"]["duration"] == 30
    assert await daily_client.room_presence(room) == []
    assert await daily_client.eject(room, [ana]) == [], "nobody left: still a success"


async def test_the_emulator_answers_presence_and_eject_in_daily_s_shapes(
    daily: DailyHandle, daily_client: DailyClient, hook: str
) -> None:
    room = await knocking_room(daily, daily_client, hook)
    session = await daily.control.start_session(room)
    bo = await daily.control.join(session, "Bo")
    headers = {"Authorization": f"Bearer {daily.api_key}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        async with http.get(f"{daily.base_url}/rooms/{room}/presence") as response:
            assert keys(await response.json()) == keys(fixture("rest/get-room-presence.json"))
        url = f"{daily.base_url}/rooms/{room}/eject"
        async with http.post(url, json={"ids": [bo]}) as response:
            assert keys(await response.json()) == keys(fixture("rest/eject.FROM-FIELD-LIST.json"))
        async with http.post(url, json={"ids": "everyone"}) as response:
            assert response.status == 400
            assert (await response.json())["error"] == "invalid-request-error"
