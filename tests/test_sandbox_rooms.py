"""The sandbox's room panel on each provider: what people do in the emulated video room goes
through that emulator, which calls the bot back on its real route (/callbacks/meetings/{token}
or the signed /callbacks/daily), and the card in Slack follows.

The sandbox's routes run beside the same in-process bot as the other end-to-end tests
(`provider_bot`, once on the Meetings emulator and once on the Daily emulator).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from meetbot_sandbox.demo.emulators import StoreRecords
from meetbot_sandbox.demo.relay import Relay
from meetbot_sandbox.demo.rooms import EmulatedRooms
from meetbot_sandbox.demo.rooms_daily import DailyRooms
from meetbot_sandbox.demo.rooms_meetings import MeetingsRooms
from meetbot_sandbox.demo.routes import Sandbox, create_sandbox_app
from meetbot_sandbox.demo.transcript import Transcript
from meetbot_sandbox.demo.workspace import GENERAL, seed_workspace
from meetbot_sandbox.slack.models import JSON
from pytest_aiohttp import AiohttpServer

from tests.plugins.bot import SIGNING_SECRET
from tests.plugins.providers import DailyRooms as DailyUnderTest
from tests.plugins.providers import ProviderBot
from tests.plugins.sandbox import Page, running_sandbox
from tests.recordings import open_recording, recording_link

ALICE = "U0ALICE"
UPDATES = 10.0  # card updates are coalesced (one chat.update per card every 2 s)
STREAM_DEADLINE = 30.0  # a sweep every 5 s, plus the card's coalescing


def panel_for(bot: ProviderBot) -> EmulatedRooms:
    state = bot.slack.state
    if isinstance(bot.rooms, DailyUnderTest):
        daily = bot.rooms.daily
        rooms = DailyRooms(daily.control, daily.state, state, root_url=daily.root_url)
        rooms.bot = StoreRecords(bot.components.store, bot.components.clock)
        return rooms
    return MeetingsRooms(bot.emulator.control, bot.emulator.state, state)


@pytest.fixture
async def page(provider_bot: ProviderBot, aiohttp_server: AiohttpServer) -> AsyncIterator[Page]:
    seed_workspace(provider_bot.slack.state)
    relay = Relay(
        http=provider_bot.http,
        events_url=f"{provider_bot.url}/slack/events",
        signing_secret=SIGNING_SECRET,
        state=provider_bot.slack.state,
        transcript=Transcript(),
    )
    sandbox = Sandbox(provider_bot.slack.state, relay, panel_for(provider_bot), relay.transcript)
    server = await aiohttp_server(create_sandbox_app(sandbox), port=0)
    yield Page(str(server.make_url("")).rstrip("/"), provider_bot.http, sandbox)


def link_with(secret: str, where: Any) -> str:
    """The one link button (its `url`, as the page would open it) carrying `secret`."""
    found = {url for url in _button_urls(where) if secret in url}
    assert len(found) == 1, found
    return found.pop()


def _button_urls(where: Any) -> list[str]:
    if isinstance(where, list):
        return [url for item in where for url in _button_urls(item)]
    if not isinstance(where, dict):
        return []
    own = [where["url"]] if isinstance(where.get("url"), str) else []
    return own + [url for value in where.values() for url in _button_urls(value)]


async def test_the_panel_joins_records_ends_and_finishes_through_the_provider(
    page: Page, provider_bot: ProviderBot
) -> None:
    slack = provider_bot.slack.state
    await page.post("command", {"user": ALICE, "channel": GENERAL, "text": "/meet Demo --record"})
    card = await slack.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=UPDATES
    )
    await slack.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.params.get("channel") != GENERAL and "host" in str(c.params),
    )
    state = await page.state()
    assert state["provider"]["name"] == provider_bot.rooms.name
    (room,) = state["rooms"]
    assert room["title"] == "Demo" and room["can_record"] and room["session"] is None
    status, body = await page.post(f"rooms/{room['id']}/end", {"user": ALICE})
    assert status == 400 and "join it first" in body["error"]

    facts = provider_bot.rooms.only_room()
    guest_link = link_with(facts.guest_secret, card.params)
    host_link = link_with(facts.host_secret, state["dms"][ALICE]["messages"])
    status, joined = await page.post("links", {"user": ALICE, "url": host_link})
    assert status == 200 and joined == {"room": room["id"], "host": True, "knock": False}
    status, joined = await page.post("links", {"user": "U0BOB", "url": guest_link})
    assert joined == {"room": room["id"], "host": False, "knock": False}

    def card_says(text: str) -> Any:
        return lambda c: c.params.get("ts") == card.response["ts"] and text in str(c.params)

    await slack.wait_for("chat.update", card_says("Recording"), timeout=UPDATES)
    await slack.wait_for("chat.update", card_says("Here now (2)"), timeout=UPDATES)
    (room,) = (await page.state())["rooms"]
    people = {p["name"]: p["is_host"] for p in room["session"]["participants"]}
    assert people == {"Alice Example": True, "Bob Example": False}
    assert [r["status"] for r in room["recordings"]] == ["started"], "the host link records"

    await page.post(f"rooms/{room['id']}/end", {"user": ALICE})
    await slack.wait_for("chat.update", card_says("Ended"), timeout=UPDATES)
    status, _ = await page.post(f"rooms/{room['id']}/recording-ready", {"user": ALICE})
    assert status == 200
    reply = await slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == card.response["ts"],
        timeout=UPDATES,
    )
    link = recording_link(json.dumps(reply.params), provider_bot.url)
    assert "/_storage/" in await open_recording(provider_bot.http, link), "the recording's link"


async def test_a_link_that_is_no_meeting_joins_nothing(page: Page) -> None:
    status, body = await page.post("links", {"user": ALICE, "url": "https://example.com/x"})
    assert status == 200 and body == {"room": None}
    status, body = await page.post("links", {"user": ALICE})
    assert status == 400 and '"url"' in body["error"]


async def test_recording_needs_a_room_that_records(page: Page, provider_bot: ProviderBot) -> None:
    slack = provider_bot.slack.state
    await page.post("command", {"user": ALICE, "channel": GENERAL, "text": "/meet Plain"})
    await slack.wait_for("chat.postMessage", lambda c: c.ok, timeout=UPDATES)
    (room,) = (await page.state())["rooms"]
    await page.post(f"rooms/{room['id']}/join-host", {"user": ALICE})
    status, body = await page.post(f"rooms/{room['id']}/recording-ready", {"user": ALICE})
    assert status == 400 and "press Record" in body["error"]
    status, body = await page.post(f"rooms/{room['id']}/record", {"user": ALICE})
    (room,) = (await page.state())["rooms"]
    if provider_bot.rooms.name == "daily":
        # Daily records only rooms created with enable_recording: the panel greys Record out.
        assert not room["can_record"] and status == 400 and "not enabled" in body["error"]
    else:
        assert room["can_record"] and status == 200 and room["recordings"]


async def test_a_private_daily_room_link_without_its_token_is_refused(
    page: Page, provider_bot: ProviderBot
) -> None:
    rooms = provider_bot.rooms
    if not isinstance(rooms, DailyUnderTest):
        pytest.skip("Meetings rooms are not private: a guest link is the room's code alone")
    slack = provider_bot.slack.state
    await page.post("command", {"user": ALICE, "channel": GENERAL, "text": "/meet Demo"})
    await slack.wait_for("chat.postMessage", lambda c: c.ok, timeout=UPDATES)
    room_url = f"{rooms.daily.root_url}/{rooms.only_room().id}"
    status, body = await page.post("links", {"user": ALICE, "url": room_url + "?t=forged"})
    assert status == 400 and "meeting token" in body["error"]
    state: JSON = await page.state()
    assert state["rooms"][0]["session"] is None, "nobody got in"


async def test_an_expired_daily_room_reaches_the_card_at_the_next_sweep(
    redis_url: str, redis: object
) -> None:
    """Daily sends no webhook for an expiry: the sandbox has the bot's sweep (every 5 s with
    `python -m meetbot_sandbox --provider daily`) look at the room, and the card says it expired within seconds."""
    async with (
        running_sandbox(redis_url, "meetbot_sandbox", "--provider", "daily") as url,
        aiohttp.ClientSession() as http,
    ):
        page = Page(url, http)
        async with http.get(f"{url}/api/events") as stream:
            await page.post("home", {"user": ALICE})
            await _snapshot_where(stream, lambda s: ALICE in s["home"])
            await page.post("command", {"user": ALICE, "channel": GENERAL, "text": "/meet Demo"})
            # The bot is done starting the meeting (its sweep schedule included) once the
            # room is in Alice's open Home tab, the last thing it updates.
            state = await _snapshot_where(stream, lambda s: "Demo" in str(s["home"][ALICE]))
            status, _ = await page.post(f"rooms/{state['rooms'][0]['id']}/expire", {"user": ALICE})
            assert status == 200
            state = await _snapshot_where(stream, lambda s: "has expired" in str(_card(s)))
        assert not state["rooms"][0]["available"]


def _card(state: JSON) -> JSON | None:
    shown = state["messages"][GENERAL]
    return next((m for m in shown if m["is_bot"] and m["visible_to"] is None), None)


async def _snapshot_where(stream: aiohttp.ClientResponse, wanted: Any) -> JSON:
    """The first snapshot pushed on the page's event stream that satisfies `wanted`."""
    async with asyncio.timeout(STREAM_DEADLINE):
        while True:
            line = await stream.content.readline()
            if line.startswith(b"data: "):
                state: JSON = json.loads(line[len(b"data: ") :])
                if wanted(state):
                    return state


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_the_cards_overflow_menu_on_the_page_ends_the_meeting(
    page: Page, provider_bot: ProviderBot
) -> None:
    slack = provider_bot.slack.state
    await page.post("command", {"user": ALICE, "channel": GENERAL, "text": "/meet Wrap up"})
    card = await slack.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=UPDATES
    )
    (menu,) = [b for b in card.params["blocks"] if b["type"] == "actions"]
    (overflow,) = menu["elements"]
    end = next(o for o in overflow["options"] if o["value"].startswith("end:"))
    action = {
        "action_id": overflow["action_id"],
        "block_id": menu["block_id"],
        "selected_option": end,
    }
    where = {"channel": GENERAL, "ts": card.response["ts"]}
    status, _ = await page.post("actions", {"user": ALICE, "action": action, "where": where})
    assert status == 200
    await slack.wait_for(
        "chat.update",
        lambda c: c.params.get("ts") == card.response["ts"] and "Ended by" in str(c.params),
        timeout=UPDATES,
    )


@pytest.mark.parametrize("provider_bot", ["daily"], indirect=True)
async def test_a_guest_knocks_from_the_page_and_the_host_is_told_and_lets_them_in(
    page: Page, provider_bot: ProviderBot
) -> None:
    slack = provider_bot.slack.state
    await page.post("command", {"user": ALICE, "channel": GENERAL, "text": "/meet Clinic"})
    card = await slack.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=UPDATES
    )
    ts = card.response["ts"]
    (menu,) = [b for b in card.params["blocks"] if b["type"] == "actions"]
    (overflow,) = menu["elements"]
    lobby = next(o for o in overflow["options"] if o["value"].startswith("lobby_on:"))
    action = {
        "action_id": overflow["action_id"],
        "block_id": menu["block_id"],
        "selected_option": lobby,
    }
    await page.post(
        "actions", {"user": ALICE, "action": action, "where": {"channel": GENERAL, "ts": ts}}
    )
    updated = await slack.wait_for(
        "chat.update",
        lambda c: c.params.get("ts") == ts and "Lobby on" in str(c.params),
        timeout=UPDATES,
    )
    guest_link = next(b["accessory"]["url"] for b in updated.params["blocks"] if "accessory" in b)

    status, knocked = await page.post("links", {"user": "U0BOB", "url": guest_link})
    assert status == 200 and knocked["knock"] is True and knocked["host"] is False
    (room,) = (await page.state())["rooms"]
    assert [w["name"] for w in room["waiting"]] and room["lobby"] is True
    dm = slack.dm_channel(ALICE).id
    await slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == dm and "1 person is waiting" in str(c.params),
        timeout=UPDATES,
    )

    await page.post(f"rooms/{room['id']}/join-host", {"user": ALICE})
    status, _ = await page.post(
        f"rooms/{room['id']}/admit", {"user": ALICE, "participant": room["waiting"][0]["id"]}
    )
    assert status == 200
    await slack.wait_for(
        "chat.update",
        lambda c: c.params.get("channel") == dm and "Nobody is waiting" in str(c.params),
        timeout=UPDATES,
    )
    (room,) = (await page.state())["rooms"]
    assert room["waiting"] == [] and len(room["session"]["participants"]) == 2
