"""The domain's webhooks, as Daily's REST API manages them (https://docs.daily.co/reference/
rest-api/webhooks): `GET /webhooks` (a JSON array), `POST /webhooks` (create),
`GET|POST|DELETE /webhooks/{uuid}` (get, update, delete).

Creating or updating first POSTs Daily's verification body `{"test": "test"}` to the URL,
unsigned, and answers 400 unless it gets a 200 back, as Daily does. Without an `hmac` in the
request a new secret is provisioned (32 random bytes, base64) and returned; an update that
reaches its URL turns the webhook back on (`state` ACTIVE, `failedCount` 0).
"""

from __future__ import annotations

import base64
import logging
import secrets
from typing import Any

import aiohttp
from aiohttp import web

from meetbot_sandbox.daily.api import json_body
from meetbot_sandbox.daily.keys import HTTP_KEY, STATE_KEY
from meetbot_sandbox.daily.state import EVENT_TYPES, DailyState, WebhookState, new_id
from meetbot_sandbox.daily.views import invalid, iso, not_found

log = logging.getLogger(__name__)
VERIFY_TIMEOUT = aiohttp.ClientTimeout(total=5)  # Daily: "a few seconds"
RETRY_TYPES = ("circuit-breaker", "exponential")


def webhook_json(hook: WebhookState) -> dict[str, Any]:
    pushed = hook.last_moment_pushed
    return {
        "uuid": hook.uuid,
        "url": hook.url,
        "hmac": hook.hmac,
        "basicAuth": hook.basic_auth,
        "retryType": hook.retry_type,
        "eventTypes": list(hook.event_types),
        "state": hook.state,
        "failedCount": hook.failed_count,
        "lastMomentPushed": None if pushed is None else iso(pushed),
        "domainId": "dom-emulated",
        "createdAt": iso(hook.created_at),
        "updatedAt": iso(hook.updated_at),
    }


def _fields(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    """The writable fields of a create/update body, checked as Daily documents them."""
    url = body.get("url")
    if (creating or "url" in body) and (not isinstance(url, str) or "://" not in url):
        raise invalid("url must be an http(s) URL")
    hmac = body.get("hmac")
    if hmac is not None:
        try:
            if not isinstance(hmac, str) or not base64.b64decode(hmac, validate=True):
                raise ValueError
        except ValueError:
            raise invalid("hmac must be a base64-encoded secret") from None
    retry = body.get("retryType")
    if retry is not None and retry not in RETRY_TYPES:
        raise invalid(f"retryType must be one of {', '.join(RETRY_TYPES)}")
    events = body.get("eventTypes")
    if events is not None and (
        not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events)
    ):
        raise invalid("eventTypes must be a non-empty list of event types")
    return {
        key: value
        for key, value in (
            ("url", url),
            ("hmac", hmac),
            ("retry_type", retry),
            ("event_types", events),
            ("basic_auth", body.get("basicAuth")),
        )
        if value is not None
    }


async def _verify(http: aiohttp.ClientSession, url: str) -> None:
    try:
        async with http.post(url, json={"test": "test"}, timeout=VERIFY_TIMEOUT) as response:
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.info("daily emulator: webhook verification of %s failed: %s", url, type(exc).__name__)
        raise invalid(f"non-200 status code returned from webhook endpoint, {url}") from None
    if status != 200:
        raise invalid(f"non-200 status code returned from webhook endpoint, {url}: {status}")


def _hook(state: DailyState, request: web.Request) -> WebhookState:
    hook = state.webhooks.get(request.match_info["uuid"])
    if hook is None:
        raise not_found(f"webhook {request.match_info['uuid']} was not found")
    return hook


async def list_webhooks(request: web.Request) -> web.Response:
    hooks = request.app[STATE_KEY].webhooks.values()
    return web.json_response([webhook_json(hook) for hook in hooks])


async def create_webhook(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    fields = _fields(await json_body(request), creating=True)
    await _verify(request.app[HTTP_KEY], fields["url"])
    fields.setdefault("hmac", base64.b64encode(secrets.token_bytes(32)).decode())
    fields.setdefault("event_types", list(EVENT_TYPES))
    hook = WebhookState(uuid=new_id(), created_at=state.now(), updated_at=state.now(), **fields)
    state.webhooks[hook.uuid] = hook
    return web.json_response(webhook_json(hook))


async def get_webhook(request: web.Request) -> web.Response:
    return web.json_response(webhook_json(_hook(request.app[STATE_KEY], request)))


async def update_webhook(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    hook = _hook(state, request)
    fields = _fields(await json_body(request), creating=False)
    await _verify(request.app[HTTP_KEY], fields.get("url", hook.url))
    for key, value in fields.items():
        setattr(hook, key, value)
    hook.state, hook.failed_count, hook.updated_at = "ACTIVE", 0, state.now()
    return web.json_response(webhook_json(hook))


async def delete_webhook(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    hook = _hook(state, request)
    del state.webhooks[hook.uuid]
    return web.json_response(webhook_json(hook))


def add_webhook_routes(router: web.UrlDispatcher, prefix: str) -> None:
    router.add_get(f"{prefix}/webhooks", list_webhooks)
    router.add_post(f"{prefix}/webhooks", create_webhook)
    router.add_get(f"{prefix}/webhooks/{{uuid}}", get_webhook)
    router.add_post(f"{prefix}/webhooks/{{uuid}}", update_webhook)
    router.add_delete(f"{prefix}/webhooks/{{uuid}}", delete_webhook)
