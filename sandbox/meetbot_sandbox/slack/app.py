"""The fake Slack as an aiohttp app: `/api/{method}` (Web API), `/response/{id}` (response_url)
and `/socket/{ticket}` (Socket Mode's WebSocket, see `socket_api`).

Translation only: read params and credentials off the HTTP request, let `web_api` answer.
Params merge the query string with a JSON or form body, as slack_sdk sends either; JSON-typed
form values (blocks, users, view, ...) are decoded so tests assert on lists, not strings.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from aiohttp import BodyPartReader, web

from meetbot_sandbox.slack.block_kit import message_problems
from meetbot_sandbox.slack.models import JSON
from meetbot_sandbox.slack.socket_api import add_socket_routes
from meetbot_sandbox.slack.state import FakeSlackState
from meetbot_sandbox.slack.web_api import call_method

STATE_KEY = web.AppKey("fake_slack_state", FakeSlackState)

# Arguments Slack documents as JSON arrays/objects; form-encoded callers send them as strings.
_JSON_FIELDS = frozenset({"blocks", "attachments", "users", "view", "metadata", "files"})


def create_fake_slack_app(state: FakeSlackState | None = None) -> web.Application:
    """A fake Slack Web API for `AsyncWebClient(base_url=<server>/api/)`; state on `app[STATE_KEY]`."""
    app = web.Application()
    app[STATE_KEY] = state if state is not None else FakeSlackState()
    app.router.add_route("*", "/api/{method}", _web_api)
    app.router.add_post("/response/{response_id}", _response_url)
    app.router.add_post("/upload/v1/{file_id}", _upload)
    add_socket_routes(app, app[STATE_KEY])
    return app


async def _web_api(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    method = request.match_info["method"]
    try:
        params = await _params(request)
    except ValueError:
        body = {"ok": False, "error": "invalid_json"}
        state.record(method, {}, None, 200, body)
        return web.json_response(body)
    token = params.pop("token", None)
    authorization = request.headers.get("Authorization", "")
    if authorization.startswith("Bearer "):
        token = authorization.removeprefix("Bearer ").strip()
    client_auth = _basic_auth(authorization)
    _, answer = call_method(state, method, params, token, client_auth=client_auth)
    return web.json_response(answer.body, status=answer.status, headers=answer.headers)


def _basic_auth(authorization: str) -> tuple[str, str] | None:
    """client_id and client_secret from `Basic …` (aiohttp 3.14 deprecates BasicAuth.decode)."""
    if not authorization.startswith("Basic "):
        return None
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic "), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret


async def _params(request: web.Request) -> JSON:
    params: JSON = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("a JSON body must be an object")
            params.update(body)
        else:
            form = await request.post()
            params.update({key: value for key, value in form.items() if isinstance(value, str)})
    return {key: _decoded(key, value) for key, value in params.items()}


def _decoded(key: str, value: Any) -> Any:
    if key in _JSON_FIELDS and isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


async def _upload(request: web.Request) -> web.Response:
    """The upload URL files.getUploadURLExternal hands out: the bytes, raw or as a multipart
    form's file part (Slack's docs: `curl -F filename="@file"`). Unknown ids get a 404."""
    state = request.app[STATE_KEY]
    file = state.files.get(request.match_info["file_id"])
    if file is None or file.completed:
        state.unexpected.append(f"upload to a URL the fake never issued: {request.path}")
        return web.Response(status=404, text="file_not_found")
    if request.content_type.startswith("multipart/"):
        data = b""
        async for part in await request.multipart():
            if isinstance(part, BodyPartReader) and part.filename is not None:
                data = await part.read()
    else:
        data = await request.read()
    file.content = data
    return web.Response(text=f"OK - {len(data)}")


async def _response_url(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    response_id = request.match_info["response_id"]
    if not state.is_response_id(response_id):
        state.unexpected.append(f"POST to a response_url the fake never issued: {response_id}")
        return web.Response(status=404, text="invalid_response_url")
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return web.Response(status=400, text="invalid_payload")
    blocks = body.get("blocks")
    if blocks is not None and (not isinstance(blocks, list) or message_problems(blocks)):
        # Slack's answer to bad blocks at a response_url or webhook: 400 with this body.
        state.unexpected.append(f"invalid blocks POSTed to a response_url: {blocks!r:.300}")
        return web.Response(status=400, text="invalid_blocks")
    state.record_response(response_id, body)
    return web.Response(text="ok")
