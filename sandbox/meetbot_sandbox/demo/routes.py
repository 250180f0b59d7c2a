"""The sandbox's HTTP face, mounted on the bot's own app under /sandbox (a sub-app, so its
error handling never touches the bot's routes):

    GET  /sandbox                          the page (static/index.html, plain HTML/JS/CSS)
    GET  /sandbox/api/state                everything the page shows (snapshot.py)
    GET  /sandbox/api/events               the same, pushed as server-sent events on change
    POST /sandbox/api/command              {user, channel, text}: a signed slash command
    POST /sandbox/api/message              {user, channel, text}: a person writes a message
    POST /sandbox/api/shortcut             {user, callback_id[, channel, ts]}: shortcuts
    POST /sandbox/api/views/{id}/submit    {user, values}: a signed view_submission
    POST /sandbox/api/views/{id}/close     {user}
    POST /sandbox/api/actions              {user, action, where}: a signed block_actions
    POST /sandbox/api/home                 {user}: a signed app_home_opened event
    POST /sandbox/api/rooms/{id}/{action}  {user[, participant]}: the emulator's control API
    POST /sandbox/api/links                {user, url}: a link clicked; a meeting link joins

Bad input answers 4xx JSON `{"error": ...}`; what the bot answered is passed back as `bot`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from meetbot_sandbox.demo.relay import BotReply, Relay, SandboxInputError
from meetbot_sandbox.demo.rooms import EmulatedRooms, RoomActionError
from meetbot_sandbox.demo.snapshot import snapshot
from meetbot_sandbox.demo.transcript import Transcript
from meetbot_sandbox.slack.models import JSON
from meetbot_sandbox.slack.state import FakeSlackState

STATIC = Path(__file__).resolve().parent / "static"
KEEPALIVE_SECONDS = 15.0  # an SSE comment this often keeps proxies from closing the stream


@dataclass
class Sandbox:
    """The page's collaborators: the fake Slack's state, the relay to the bot, the emulated
    rooms of whichever provider runs."""

    slack: FakeSlackState
    relay: Relay
    rooms: EmulatedRooms
    transcript: Transcript
    closing: asyncio.Event = field(default_factory=asyncio.Event)

    async def snapshot(self) -> JSON:
        self.transcript.stamp_responses(self.slack)
        await self.rooms.refresh()
        return snapshot(self.slack, self.rooms.provider, self.rooms.rooms(), self.transcript)


SANDBOX_KEY = web.AppKey("sandbox", Sandbox)


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except SandboxInputError as exc:
        return web.json_response({"error": str(exc)}, status=400)
    except RoomActionError as exc:
        return web.json_response({"error": str(exc)}, status=exc.status)


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise SandboxInputError("expected a JSON object") from None
    if not isinstance(body, dict):
        raise SandboxInputError("expected a JSON object")
    return body


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SandboxInputError(f'"{name}" must be a non-empty string')
    return value.strip()


def _answer(reply: BotReply) -> web.Response:
    return web.json_response({"bot": reply.to_json()})


async def index(_: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html")


async def state(request: web.Request) -> web.Response:
    return web.json_response(await request.app[SANDBOX_KEY].snapshot())


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: a `snapshot` now and after every change, comments in between."""
    sandbox = request.app[SANDBOX_KEY]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    shown = -1
    try:
        while not sandbox.closing.is_set():
            if sandbox.slack.version != shown:
                shown = sandbox.slack.version
                data = json.dumps(await sandbox.snapshot(), separators=(",", ":"))
                await response.write(f"event: snapshot\ndata: {data}\n\n".encode())
            else:
                await response.write(b": still here\n\n")
            with contextlib.suppress(TimeoutError):
                await sandbox.slack.changed_since(shown, KEEPALIVE_SECONDS)
    except ConnectionResetError:
        pass  # the tab was closed
    return response


async def command(request: web.Request) -> web.Response:
    body = await _body(request)
    relay = request.app[SANDBOX_KEY].relay
    return _answer(
        await relay.command(_text(body, "user"), _text(body, "channel"), _text(body, "text"))
    )


async def message(request: web.Request) -> web.Response:
    body = await _body(request)
    relay = request.app[SANDBOX_KEY].relay
    user, channel = relay.user(_text(body, "user")), relay.channel(_text(body, "channel"))
    posted = relay.state.add_user_message(channel.id, _text(body, "text"), user=user.id)
    relay.state.touch()
    return web.json_response({"ts": posted.ts})


async def shortcut(request: web.Request) -> web.Response:
    body = await _body(request)
    relay = request.app[SANDBOX_KEY].relay
    user, callback_id = _text(body, "user"), _text(body, "callback_id")
    if callback_id == "start_meeting":
        return _answer(await relay.global_shortcut(user))
    if callback_id == "meet_about_message":
        return _answer(
            await relay.message_shortcut(user, _text(body, "channel"), _text(body, "ts"))
        )
    raise SandboxInputError(f"unknown shortcut {callback_id!r}")


async def submit_view(request: web.Request) -> web.Response:
    body = await _body(request)
    values = body.get("values")
    if not isinstance(values, dict):
        raise SandboxInputError('"values" must be an object (Slack\'s view.state.values)')
    relay = request.app[SANDBOX_KEY].relay
    view_id = request.match_info["view_id"]
    return _answer(await relay.submit_view(_text(body, "user"), view_id, values))


async def close_view(request: web.Request) -> web.Response:
    body = await _body(request)
    request.app[SANDBOX_KEY].relay.close_view(_text(body, "user"), request.match_info["view_id"])
    return web.json_response({"closed": request.match_info["view_id"]})


async def action(request: web.Request) -> web.Response:
    body = await _body(request)
    clicked, where = body.get("action"), body.get("where")
    if not isinstance(clicked, dict) or not isinstance(where, dict):
        raise SandboxInputError('"action" and "where" must be objects')
    relay = request.app[SANDBOX_KEY].relay
    return _answer(await relay.click(_text(body, "user"), clicked, where))


async def home(request: web.Request) -> web.Response:
    body = await _body(request)
    return _answer(await request.app[SANDBOX_KEY].relay.open_home(_text(body, "user")))


async def room_action(request: web.Request) -> web.Response:
    body = await _body(request)
    sandbox = request.app[SANDBOX_KEY]
    user = sandbox.relay.user(_text(body, "user"))
    participant = body.get("participant") or ""
    result = await sandbox.rooms.act(
        request.match_info["room_id"],
        request.match_info["action"],
        name=user.real_name or user.name,
        participant=str(participant),
    )
    return web.json_response(result)


async def open_link(request: web.Request) -> web.Response:
    """A link clicked on the page: a room's guest or host link joins the person to that room,
    as clicking through to the video page would; anything else answers `{"room": null}`."""
    body = await _body(request)
    sandbox = request.app[SANDBOX_KEY]
    user = sandbox.relay.user(_text(body, "user"))
    joined = sandbox.rooms.room_of_link(_text(body, "url"))
    if joined is None:
        return web.json_response({"room": None})
    action = "join-host" if joined.host else "knock" if joined.knock else "join"
    await sandbox.rooms.act(joined.room_id, action, name=user.real_name or user.name)
    return web.json_response({"room": joined.room_id, "host": joined.host, "knock": joined.knock})


def create_sandbox_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(middlewares=[_errors])
    app[SANDBOX_KEY] = sandbox

    async def wake_streams(_: web.Application) -> None:
        sandbox.closing.set()
        sandbox.slack.touch()  # every open event stream re-checks `closing` and ends

    app.on_shutdown.append(wake_streams)
    app.router.add_get("/", index)
    app.router.add_static("/static/", STATIC)
    app.router.add_get("/api/state", state)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/command", command)
    app.router.add_post("/api/message", message)
    app.router.add_post("/api/shortcut", shortcut)
    app.router.add_post("/api/views/{view_id}/submit", submit_view)
    app.router.add_post("/api/views/{view_id}/close", close_view)
    app.router.add_post("/api/actions", action)
    app.router.add_post("/api/home", home)
    app.router.add_post("/api/rooms/{room_id}/{action}", room_action)
    app.router.add_post("/api/links", open_link)
    return app


def add_sandbox_routes(app: web.Application, sandbox: Sandbox) -> None:
    """Mount the sandbox under /sandbox on the bot's app (DESIGN §3 routes stay as they are)."""

    async def to_page(_: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "index.html")

    async def to_sandbox(_: web.Request) -> web.Response:
        raise web.HTTPFound("/sandbox")  # the bot has no page at /; the sandbox has

    app.router.add_get("/", to_sandbox)
    app.router.add_get("/sandbox", to_page)
    app.add_subapp("/sandbox", create_sandbox_app(sandbox))
