"""Socket Mode's entry points in the fake Slack: apps.connections.open and the WebSocket itself.

apps.connections.open (docs.slack.dev/reference/methods/apps.connections.open) takes only an
app-level token (`xapp-…`, scope `connections:write`, which app tokens carry: no bot-scope
check applies); a bot or user token gets `not_allowed_token_type`. It answers a single-use
`ws://<fake>/socket/<ticket>` URL. The WebSocket there says `hello` on connect, carries the
envelopes tests push (`FakeSlackState.sockets.send`) and records the app's acks; anything else
the app sends, or a connection to a URL the fake never issued, lands in `state.unexpected`.
"""

from __future__ import annotations

import logging

from aiohttp import WSMsgType, web

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError
from meetbot_sandbox.slack.models import JSON, Workspace
from meetbot_sandbox.slack.state import FakeSlackState

logger = logging.getLogger(__name__)

# Methods authenticated by an app-level token instead of a bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})

# Slack's approximate lifetime of one Socket Mode connection, in seconds (from its hello).
_CONNECTION_TIME = 18060


def authenticate_app_token(state: FakeSlackState, token: str | None) -> Workspace:
    """The workspace of an app-level token, or Slack's error for any other kind of token."""
    if token is None:
        raise MethodError("not_authed")
    if token in state.revoked_tokens:
        raise MethodError("token_revoked")
    if token.startswith(("xoxb-", "xoxp-")):
        raise MethodError("not_allowed_token_type")
    if not token.startswith("xapp-"):
        raise MethodError("invalid_auth")
    return state.workspace


def apps_connections_open(request: ApiRequest) -> JSON:
    base_url = request.state.base_url
    if base_url is None:
        raise RuntimeError("base_url is unset: the server sets it when it starts")
    ws_base = "ws" + base_url.rstrip("/").removeprefix("http")  # http→ws, https→wss
    return {"url": f"{ws_base}/socket/{request.state.sockets.issue_ticket()}"}


METHODS: dict[str, Handler] = {"apps.connections.open": apps_connections_open}


def add_socket_routes(app: web.Application, state: FakeSlackState) -> None:
    """Serve the WebSocket URLs apps.connections.open hands out on `app`."""

    async def socket(request: web.Request) -> web.StreamResponse:
        ticket = request.match_info["ticket"]
        if not state.sockets.take_ticket(ticket):
            state.unexpected.append(f"WebSocket to a Socket Mode URL never issued: {ticket}")
            return web.Response(status=401, text="invalid_ticket")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(_hello(state))
        state.sockets.opened(ticket, ws)
        logger.info("Socket Mode connection %s opened", ticket)
        try:
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    continue
                if (problem := state.sockets.record_ack(message.data)) is not None:
                    state.unexpected.append(problem)
        finally:
            state.sockets.closed(ticket)
            logger.info("Socket Mode connection %s closed", ticket)
        return ws

    app.router.add_get("/socket/{ticket}", socket)


def _hello(state: FakeSlackState) -> JSON:
    return {
        "type": "hello",
        "num_connections": len(state.sockets.connections) + 1,
        "debug_info": {
            "host": "fake-slack",
            "build_number": 1,
            "approximate_connection_time": _CONNECTION_TIME,
        },
        "connection_info": {"app_id": state.workspace.app_id},
    }
