"""Socket Mode, end to end: with SLACK_APP_TOKEN set the bot opens a WebSocket to the fake Slack
(`bot.run.connect_socket_mode`, as `python -m bot` does) and Slack's envelopes arrive over it.

The fake's side is checked too: apps.connections.open takes only an app-level token, its URL
opens one connection that says hello, and acks are recorded per envelope.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import aiohttp
import pytest
from aiohttp.test_utils import unused_port
from meetbot_sandbox.slack.models import ApiCall
from meetbot_sandbox.slack.payloads import app_home_opened_event, global_shortcut_payload
from meetbot_sandbox.slack.signing import event_callback_body, new_trigger_id, slash_command_body
from pytest_aiohttp import AiohttpServer
from saq.job import Status
from slack_sdk.errors import SlackApiError

from bot.app import build, close, create_web_app
from bot.config import Settings
from bot.run import close_socket_mode, connect_socket_mode, run_socket_mode
from bot.slack.start_submission import START_MEETING_CALLBACK_ID
from tests.job_wait import finished
from tests.plugins.bot import CREATOR, GENERAL, RunningBot, bot_env
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.slack import BOT_TOKEN, FakeSlack

APP_TOKEN = "xapp-1-A0FAKEAPP-1-fake-app-level-token"
# Slack shows an error to the user when a command or shortcut is not acked within 3 s.
ACK_DEADLINE = 3.0


@pytest.fixture
async def socket_bot(
    aiohttp_server: AiohttpServer,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: object,
) -> AsyncIterator[RunningBot]:
    """`python -m bot` with SLACK_APP_TOKEN set: web role, worker and a Socket Mode connection."""
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    port = unused_port()
    env = {**bot_env(emulator, slack_api, redis_url, port), "SLACK_APP_TOKEN": APP_TOKEN}
    settings = Settings.from_env(env)
    assert settings.slack_app_token == APP_TOKEN
    async with aiohttp.ClientSession() as http:
        components = await build(settings, http=http)
        await aiohttp_server(create_web_app(components), port=port)
        running = RunningBot(f"http://127.0.0.1:{port}", components, slack_api, emulator, http)
        running.start_worker()
        socket = await connect_socket_mode(components, settings.slack_app_token)
        try:
            await slack_api.state.sockets.wait_connected()
            yield running
        finally:
            await close_socket_mode(socket)
            await running.stop_worker()
            await close(components, own_http=False, own_redis=True)
    await slack_api.state.sockets.wait_disconnected()  # closing Socket Mode closes its WebSocket


def slash_command_payload(text: str, *, response_url: str) -> dict[str, str]:
    """A slash_commands envelope's payload: the fields Slack would POST, as a JSON object."""
    body = slash_command_body(
        text=text,
        user_id=CREATOR,
        channel_id=GENERAL,
        channel_name="general",
        response_url=response_url,
        trigger_id=new_trigger_id(),
    )
    return dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=True))


def _dump(call: ApiCall) -> str:
    return json.dumps(call.params)


async def _posted_to(bot: RunningBot, channel: str) -> ApiCall:
    return await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == channel, timeout=10
    )


async def _dm_to(bot: RunningBot, user: str) -> ApiCall:
    dm = await bot.slack.state.wait_for(
        "conversations.open", lambda c: c.ok and c.params.get("users") == user, timeout=10
    )
    return await _posted_to(bot, dm.response["channel"]["id"])


async def _job_done(bot: RunningBot, *keys: str) -> None:
    """Wait for the job (under one of `keys`) to finish: none is left running at teardown."""
    jobs = [job for key in keys if (job := await bot.components.queue.job(key)) is not None]
    assert len(jobs) == 1, keys
    await finished(jobs[0], within=10)
    assert jobs[0].status == Status.COMPLETE, jobs[0]


async def test_meet_over_socket_mode_acks_on_the_socket_and_posts_the_card(
    socket_bot: RunningBot,
) -> None:
    state = socket_bot.slack.state
    (opened,) = state.calls_to("apps.connections.open")
    assert opened.ok and opened.token == APP_TOKEN
    payload = slash_command_payload("Socket standup", response_url=state.response_url())
    assert set(payload) >= {
        "token", "team_id", "team_domain", "channel_id", "channel_name", "user_id",
        "user_name", "command", "text", "api_app_id", "response_url", "trigger_id",
    }  # fmt: skip

    loop = asyncio.get_running_loop()
    started = loop.time()
    envelope_id = await state.sockets.send("slash_commands", payload)
    ack = await state.sockets.wait_for_ack(envelope_id, timeout=ACK_DEADLINE)
    assert loop.time() - started < ACK_DEADLINE
    assert ack is not None and ack["response_type"] == "ephemeral"
    assert "Starting" in ack["text"] and "Socket standup" in ack["text"]

    card = await _posted_to(socket_bot, GENERAL)
    host_dm = await _dm_to(socket_bot, CREATOR)
    (room,) = socket_bot.emulator.state.rooms.values()
    assert room.display_name == "Socket standup"
    assert f"/{room.meeting_code}" in _dump(card), "the channel gets the guest link"
    assert room.participant_token not in _dump(card), "the host link must never reach the channel"
    assert room.participant_token in _dump(host_dm)
    assert card.token == BOT_TOKEN, "the Web API is called with the bot token, not the app token"
    await _job_done(socket_bot, f"meet:{payload['trigger_id']}")


async def test_global_shortcut_over_socket_mode_opens_the_modal(socket_bot: RunningBot) -> None:
    state = socket_bot.slack.state
    payload = global_shortcut_payload("start_meeting")

    envelope_id = await state.sockets.send("interactive", payload)

    assert await state.sockets.wait_for_ack(envelope_id, timeout=ACK_DEADLINE) is None
    opened = await state.wait_for("views.open", lambda c: c.ok, timeout=5)
    assert opened.params["trigger_id"] == payload["trigger_id"]
    assert opened.params["view"]["callback_id"] == START_MEETING_CALLBACK_ID


async def test_app_home_opened_over_socket_mode_publishes_home(socket_bot: RunningBot) -> None:
    state = socket_bot.slack.state
    event = json.loads(event_callback_body(app_home_opened_event(CREATOR)))
    before = int(time.time())

    envelope_id = await state.sockets.send("events_api", event)

    assert state.sockets.envelopes[envelope_id]["accepts_response_payload"] is False
    assert await state.sockets.wait_for_ack(envelope_id, timeout=ACK_DEADLINE) is None
    published = await state.wait_for("views.publish", lambda c: c.ok, timeout=10)
    assert published.params["user_id"] == CREATOR
    # The refresh is keyed by the second it was asked for (bot.storage.jobs.Jobs.refresh_home).
    team = state.workspace.team_id
    keys = [f"home:{team}:{CREATOR}:{s}" for s in range(before, int(time.time()) + 1)]
    await _job_done(socket_bot, *keys)


async def test_shutdown_closes_the_socket(bot_no_worker: RunningBot) -> None:
    """`serve` runs Socket Mode as a task and cancels it at shutdown: the WebSocket is closed."""
    sockets = bot_no_worker.slack.state.sockets
    running = asyncio.create_task(run_socket_mode(bot_no_worker.components, APP_TOKEN))
    await sockets.wait_connected()

    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    await sockets.wait_disconnected()


async def test_a_refused_token_is_retried_until_shutdown(bot_no_worker: RunningBot) -> None:
    """Bolt retries apps.connections.open while it fails; cancelling the connect cleans up."""
    state = bot_no_worker.slack.state
    connecting = asyncio.create_task(connect_socket_mode(bot_no_worker.components, BOT_TOKEN))
    refused = await state.wait_for("apps.connections.open", timeout=5)
    assert refused.response["error"] == "not_allowed_token_type"

    connecting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await connecting
    assert not state.sockets.connections


async def test_apps_connections_open_takes_only_an_app_level_token(slack_api: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as refused:
        await slack_api.client().apps_connections_open(app_token=BOT_TOKEN)
    assert refused.value.response["error"] == "not_allowed_token_type"
    with pytest.raises(SlackApiError) as misused:
        await slack_api.client(APP_TOKEN).chat_postMessage(channel=GENERAL, text="hi")
    assert misused.value.response["error"] == "not_allowed_token_type"

    opened = await slack_api.client().apps_connections_open(app_token=APP_TOKEN)
    assert opened["url"].startswith(f"ws{slack_api.url.removeprefix('http')}/socket/")


async def test_the_socket_says_hello_carries_envelopes_and_records_acks(
    slack_api: FakeSlack,
) -> None:
    state = slack_api.state
    url = (await slack_api.client().apps_connections_open(app_token=APP_TOKEN))["url"]
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            hello = await ws.receive_json(timeout=5)
            assert hello["type"] == "hello"
            assert hello["connection_info"] == {"app_id": state.workspace.app_id}
            assert hello["num_connections"] == 1

            envelope_id = await state.sockets.send("interactive", {"type": "shortcut"})
            envelope = await ws.receive_json(timeout=5)
            assert envelope == {
                "envelope_id": envelope_id,
                "type": "interactive",
                "payload": {"type": "shortcut"},
                "accepts_response_payload": True,
            }
            await ws.send_json({"envelope_id": "never-sent"})
            await ws.send_json({"envelope_id": envelope_id, "payload": {"text": "ok"}})
            assert await state.sockets.wait_for_ack(envelope_id) == {"text": "ok"}
        with pytest.raises(aiohttp.WSServerHandshakeError) as reused:
            await http.ws_connect(url)
        assert reused.value.status == 401, "a Socket Mode URL opens one connection"
    assert len(state.unexpected) == 2
    assert "never sent" in state.unexpected[0] and "never issued" in state.unexpected[1]
    state.unexpected.clear()
