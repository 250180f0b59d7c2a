"""The local sandbox: what the page asks for reaches the real bot signed, as Slack would send
it, and what the bot does comes back to the page, pushed as it happens.

The sandbox's routes run here against the same running bot, fake Slack and emulator as the
other end-to-end tests; `python -m bot` with an empty environment is run as a process.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from meetbot_sandbox.demo import choose_provider
from meetbot_sandbox.demo.relay import Relay
from meetbot_sandbox.demo.rooms_meetings import MeetingsRooms
from meetbot_sandbox.demo.routes import Sandbox, create_sandbox_app
from meetbot_sandbox.demo.transcript import Transcript
from meetbot_sandbox.demo.workspace import DESIGN, GENERAL, escape_mentions, seed_workspace
from pytest_aiohttp import AiohttpServer

from bot.__main__ import main
from bot.config import (
    CREDENTIAL_VARIABLES,
    ConfigError,
    ProviderName,
    Settings,
    has_no_credentials,
)
from tests.plugins.bot import SIGNING_SECRET, RunningBot
from tests.plugins.sandbox import Page, running_sandbox

ALICE = "U0ALICE"


def sandbox_for(bot: RunningBot, secret: str = SIGNING_SECRET) -> Sandbox:
    transcript = Transcript()
    state = bot.slack.state
    relay = Relay(
        http=bot.http,
        events_url=f"{bot.url}/slack/events",
        signing_secret=secret,
        state=state,
        transcript=transcript,
    )
    rooms = MeetingsRooms(bot.emulator.control, bot.emulator.state, state)
    return Sandbox(state, relay, rooms, transcript)


@pytest.fixture
async def page(bot: RunningBot, aiohttp_server: AiohttpServer) -> AsyncIterator[Page]:
    seed_workspace(bot.slack.state)
    sandbox = sandbox_for(bot)
    server = await aiohttp_server(create_sandbox_app(sandbox), port=0)
    yield Page(str(server.make_url("")).rstrip("/"), bot.http, sandbox)


def texts(messages: list[dict[str, Any]]) -> str:
    return json.dumps(messages)


async def test_meet_typed_on_the_page_is_signed_and_the_bot_answers_only_to_you(
    page: Page, bot: RunningBot
) -> None:
    status, body = await page.post(
        "command", {"user": ALICE, "channel": GENERAL, "text": "/meet Demo @bob"}
    )
    assert status == 200 and body["bot"]["status"] == 200, "Bolt verified the signature"
    await bot.slack.state.wait_for("chat.postMessage", lambda c: c.ok and "U0BOB" in str(c.params))
    state = await page.state()
    general = state["messages"][GENERAL]
    (ack,) = [m for m in general if m["visible_to"] == ALICE]
    assert "Starting *Demo*" in ack["text"] and "<@U0BOB>" in ack["text"], "@bob was escaped"
    card = next(m for m in general if m["is_bot"] and m["visible_to"] is None)
    assert "meetings.vonage.com" in texts([card]), "the card carries the Join link"
    room = bot.emulator.state.rooms[state["rooms"][0]["id"]]
    assert room.participant_token not in texts(general), "never the host link in the channel"
    assert room.participant_token in texts(state["dms"][ALICE]["messages"])


async def test_a_wrong_signing_secret_is_refused_by_the_bot(bot: RunningBot) -> None:
    seed_workspace(bot.slack.state)
    relay = sandbox_for(bot, secret="not-the-secret").relay
    reply = await relay.command(ALICE, GENERAL, "/meet Demo")
    assert reply.status == 401
    assert not bot.slack.state.calls_to("chat.postMessage")


async def test_the_event_stream_pushes_a_change_without_asking(page: Page) -> None:
    async with page.http.get(f"{page.url}/api/events") as stream:
        first = await _next_snapshot(stream)
        status, _ = await page.post(
            "message", {"user": ALICE, "channel": GENERAL, "text": "Anyone around?"}
        )
        assert status == 200
        second = await _next_snapshot(stream)
    assert second["version"] > first["version"]
    assert "Anyone around?" in texts(second["messages"][GENERAL])


async def _next_snapshot(stream: aiohttp.ClientResponse) -> dict[str, Any]:
    while True:
        line = await asyncio.wait_for(stream.content.readline(), 10)
        if line.startswith(b"data: "):
            return dict(json.loads(line[len(b"data: ") :]))


async def test_the_shortcut_opens_the_modal_and_its_submission_posts_the_card(
    page: Page, bot: RunningBot
) -> None:
    status, _ = await page.post("shortcut", {"user": ALICE, "callback_id": "start_meeting"})
    assert status == 200
    await bot.slack.state.wait_for("views.open", timeout=5)
    modal = (await page.state())["modals"][ALICE]
    assert modal["title"]["text"] == "Start a meeting"

    empty: dict[str, Any] = {"title": {"title_input": {"type": "plain_text_input", "value": ""}}}
    await page.post(f"views/{modal['id']}/submit", {"user": ALICE, "values": empty})
    errors = (await page.state())["modals"][ALICE]["errors"]
    assert errors["title"] == "Give the meeting a title.", "the modal stays open with the error"

    values = {
        "title": {"title_input": {"type": "plain_text_input", "value": "Roadmap"}},
        "conversation": {
            "conversation_select": {"type": "conversations_select", "selected_conversation": DESIGN}
        },
        "room_kind": {
            "room_kind_radio": {"type": "radio_buttons", "selected_option": {"value": "instant"}}
        },
    }
    status, body = await page.post(f"views/{modal['id']}/submit", {"user": ALICE, "values": values})
    assert status == 200 and body["bot"]["body"] is None, "an empty ack closes the modal"
    await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == DESIGN, timeout=10
    )
    state = await page.state()
    assert ALICE not in state["modals"]
    assert "Roadmap" in texts(state["messages"][DESIGN]), "the bot joined #design by itself"


async def test_bad_input_gets_a_4xx_with_the_reason(page: Page) -> None:
    status, body = await page.post(
        "command", {"user": "U0NOBODY", "channel": GENERAL, "text": "/meet"}
    )
    assert status == 400 and "unknown person" in body["error"]
    status, body = await page.post("command", {"user": ALICE, "channel": GENERAL, "text": "/giphy"})
    assert status == 400 and "/meet" in body["error"]
    status, body = await page.post("rooms/R0NONE/join", {"user": ALICE})
    assert status == 400 and "unknown room" in body["error"]
    async with page.http.post(f"{page.url}/api/home", data=b"not json") as response:
        assert response.status == 400


def test_mentions_are_escaped_as_slack_does_for_known_names_only() -> None:
    from meetbot_sandbox.slack.state import FakeSlackState

    state = FakeSlackState()
    seed_workspace(state)
    assert (
        escape_mentions("Sync @bob @nobody #design a@b.c --record", state)
        == "Sync <@U0BOB|bob> @nobody <#C0DESIGN|design> a@b.c --record"
    )


def test_no_credential_at_all_means_sandbox_and_a_partial_set_is_reported() -> None:
    assert has_no_credentials({})
    assert has_no_credentials({"PORT": "3000", "REDIS_URL": "redis://127.0.0.1:6379/0"})
    partial = {"SLACK_BOT_TOKEN": "xoxb-1"}
    assert not has_no_credentials(partial)
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(partial)
    assert "SLACK_SIGNING_SECRET" in str(raised.value)


async def test_partial_credentials_still_stop_python_m_bot_with_the_list() -> None:
    env = {"PATH": os.environ.get("PATH", ""), "SLACK_BOT_TOKEN": "xoxb-1"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert b"SLACK_SIGNING_SECRET" in stderr and b"VONAGE_APPLICATION_ID" in stderr


@pytest.mark.parametrize("provider", ["meetings", "daily"])
async def test_python_m_bot_with_an_empty_environment_serves_the_sandbox(
    provider: str, redis_url: str, redis: object
) -> None:
    # `python -m bot` with no credential runs the sandbox (on Meetings by default); the sandbox's
    # own command picks the provider.
    command = ("bot",) if provider == "meetings" else ("meetbot_sandbox", "--provider", provider)
    async with running_sandbox(redis_url, *command) as url, aiohttp.ClientSession() as http:
        assert url.startswith("http://127.0.0.1:") and url.endswith("/sandbox")
        async with http.get(url) as response:
            assert response.status == 200
            assert "meetbot sandbox" in await response.text()
        root = url.removesuffix("/sandbox")
        async with http.get(f"{root}/readyz") as response:
            assert response.status == 200
        async with http.get(f"{url}/api/state") as response:
            assert (await response.json())["provider"]["name"] == provider, "shown on the page"
        async with http.post(
            f"{url}/api/command", json={"user": ALICE, "channel": GENERAL, "text": "/meet Hi"}
        ) as response:
            assert (await response.json())["bot"]["status"] == 200
        port = int(root.rsplit(":", 1)[1])
        assert not _answers("127.0.0.2", port), "the sandbox bot listens on 127.0.0.1 only"


def _answers(host: str, port: int) -> bool:
    """Whether anything accepts a TCP connection there."""
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def test_another_local_address_reaches_a_server_bound_to_every_interface() -> None:
    """What makes the 127.0.0.2 check above mean something: all of 127/8 is this machine, so a
    server bound to every interface (as `bot.run.serve` binds by default) answers there."""
    with socket.create_server(("0.0.0.0", 0)) as server:  # noqa: S104 - the point of the test
        assert _answers("127.0.0.2", server.getsockname()[1])


def test_the_provider_is_the_flag_else_room_provider_else_meetings() -> None:
    assert choose_provider(None, {}) is ProviderName.MEETINGS
    assert choose_provider(None, {"ROOM_PROVIDER": "daily"}) is ProviderName.DAILY
    assert choose_provider("meetings", {"ROOM_PROVIDER": "daily"}) is ProviderName.MEETINGS
    with pytest.raises(ConfigError, match="ROOM_PROVIDER: expected 'meetings' or 'daily'"):
        choose_provider(None, {"ROOM_PROVIDER": "zoom"})


def test_without_the_sandbox_installed_python_m_bot_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *rest: None if name == "meetbot_sandbox" else find_spec(name, *rest),
    )
    assert main([]) == 2
    said = capsys.readouterr().err
    assert "pip install -e ./sandbox" in said
    assert said.count("\n") == 1, "one line"
