"""`POST /slack/events`: Bolt's aiohttp server with a body parser that cannot be fooled.

Bolt's `parse_body` (slack_bolt/request/internals.py) treats any form body containing the
substring "payload" as an interaction, so `/meet payload review` parsed as `{}` and Slack showed
the user "dispatch_failed"; and a `payload=` that is not a JSON object raised inside the adapter,
before signature verification, so anyone could make the route answer 500 and log a traceback.
Both found by tests/test_fuzz_slack.py. Here the body is parsed once, correctly: a body that is
not a JSON object is a 400 before Bolt sees it; otherwise Bolt gets the request with that body.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.app.async_server import AsyncSlackAppServer
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack import payload_guard

PATH = "/slack/events"


def parse_slack_body(raw: str, content_type: str | None) -> dict[str, Any] | None:
    """What Slack sent, as a dict: JSON (Events API), form with a JSON `payload` field
    (interactivity), or a plain form (slash commands). None when it is none of those."""
    if not raw:
        return {}
    try:
        if content_type == "application/json" or raw.startswith("{"):
            parsed: object = json.loads(raw)
        else:
            form = dict(parse_qsl(raw, keep_blank_values=True))
            parsed = json.loads(form["payload"]) if "payload" in form else form
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


class SlackEventsServer(AsyncSlackAppServer):
    async def handle_post_requests(self, request: web.Request) -> web.Response:
        if request.path != self.path:
            return web.Response(status=404)
        data = await request.read()  # over client_max_size (1 MiB): aiohttp answers 413
        bolt_request = AsyncBoltRequest(
            body="",
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]  # as Bolt's own adapter does
        )
        try:
            raw = data.decode()
            body = parse_slack_body(raw, bolt_request.content_type)
            if body is None:
                raise ValueError("not a JSON object")
            # Bolt reads team, user, enterprise out of the body before verifying anything.
            context = build_async_context(AsyncBoltContext({}), body)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError):
            return web.json_response({"error": "malformed request body"}, status=400)
        if (problem := payload_guard.problem(body)) is not None:
            return web.json_response({"error": problem}, status=400)
        bolt_request.raw_body, bolt_request.body, bolt_request.context = raw, body, context
        return await to_aiohttp_response(await self.bolt_app.async_dispatch(bolt_request))


def web_app(bolt: AsyncApp) -> web.Application:
    """Bolt's routes (/slack/events, and the OAuth ones in OAuth mode) on our handler."""
    return SlackEventsServer(port=0, path=PATH, app=bolt).web_app
