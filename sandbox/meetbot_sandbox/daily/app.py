"""Composition root of the Daily emulator: state, middlewares and every route.

    /v1/...          the REST operations meetbot uses (api.py, webhooks_api.py), behind
                     injected faults (meetbot_sandbox.faults) and a bearer-key check
    /_control/...    drives rooms like people would and fires signed webhooks (control_api.py)
    /_storage/...    the recordings', transcripts' and summaries' download links
                     (notes_api.py: transcripts and the batch processor, issue 16)

Errors, unknown routes included, answer in Daily's shape `{"error", "info"}`, never HTML:
a missing or malformed `Authorization` header is a 400 `authorization-header-error`, a wrong
key a 401 `authentication-error` (https://docs.daily.co/reference/rest-api, "Authentication").
Authenticated requests are counted by route; with `rate_limits=True` Daily's published limits
are enforced too (`limits.py`: 429 `rate-limit-error`). Off by default.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from meetbot_sandbox import faults
from meetbot_sandbox.daily.api import add_api_routes
from meetbot_sandbox.daily.control_api import add_control_routes
from meetbot_sandbox.daily.control_lobby import add_lobby_routes
from meetbot_sandbox.daily.host_api import add_host_routes
from meetbot_sandbox.daily.keys import API_PREFIX, HTTP_KEY, STATE_KEY
from meetbot_sandbox.daily.limits import PUBLISHED
from meetbot_sandbox.daily.notes_api import add_notes_routes
from meetbot_sandbox.daily.state import DailyState
from meetbot_sandbox.daily.views import DailyApiError
from meetbot_sandbox.daily.webhooks_api import add_webhook_routes
from meetbot_sandbox.meetings.clock import Clock, system_clock


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DailyApiError as exc:
        return exc.response()
    except web.HTTPNotFound:
        return DailyApiError(404, "not-found", f"{request.path} was not found").response()
    except web.HTTPMethodNotAllowed:
        info = f"{request.method} is not allowed on {request.path}"
        return DailyApiError(405, "invalid-request-error", info).response()


def auth_middleware(api_key: str) -> Middleware:
    @web.middleware
    async def check_key(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not key:
            raise DailyApiError(400, "authorization-header-error", "missing bearer key")
        if not hmac.compare_digest(key.encode(), api_key.encode()):
            raise DailyApiError(401, "authentication-error", "the API key is not valid")
        return await handler(request)

    return check_key


@web.middleware
async def count_and_limit(request: web.Request, handler: Handler) -> web.StreamResponse:
    """After the key check, as Daily limits per domain: count, and refuse past the limits."""
    if not request.path.startswith(API_PREFIX + "/"):
        return await handler(request)
    resource = request.match_info.route.resource
    route = resource.canonical[len(API_PREFIX) :] if resource is not None else request.path
    path = request.path[len(API_PREFIX) :]
    exceeded = request.app[STATE_KEY].requests.admit(request.method, path, route)
    if exceeded is not None:
        raise DailyApiError(429, "rate-limit-error", f"rate limit exceeded ({exceeded})")
    return await handler(request)


# Daily's error kinds for the statuses a fault may answer with.
_FAULT_ERRORS = {
    400: "invalid-request-error",
    401: "authentication-error",
    403: "forbidden-error",
    404: "not-found",
    429: "rate-limit-error",
}


def fault_response(fault: faults.Fault) -> web.Response:
    assert fault.status is not None
    kind = _FAULT_ERRORS.get(fault.status, "server-error")
    response = DailyApiError(fault.status, kind, f"injected fault {fault.id}").response()
    response.headers.update(fault.headers())
    return response


async def _webhook_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[HTTP_KEY] = session
        yield


def create_daily_emulator(
    *,
    api_key: str,
    webhook_secret: bytes,
    webhook_url: str | None = None,
    clock: Clock | None = None,
    signing_clock: Clock = system_clock,
    rate_limits: bool = False,
) -> web.Application:
    """An aiohttp app that behaves like Daily's REST API for one domain.

    Args:
        api_key: the only bearer key accepted.
        webhook_secret: the secret (decoded bytes) signing the preset webhook.
        webhook_url: the preset webhook's URL (every event type); settable later with
            `PUT /_control/webhook`. Webhooks made through `POST /v1/webhooks` have their own.
        clock: "now" for sessions and recordings; the system clock by default.
        signing_clock: stamps webhook signatures (`X-Webhook-Timestamp`); the wall clock, as
            Daily's, unless a test steers the receiving bot's clock.
        rate_limits: enforce Daily's published REST limits (`limits.PUBLISHED`).
    """
    state = DailyState(api_key=api_key, webhook_secret=webhook_secret, clock=clock or system_clock)
    state.signing_clock = signing_clock
    state.requests.limits = PUBLISHED if rate_limits else ()
    state.set_preset_webhook(webhook_url)
    injected = faults.fault_middleware(
        API_PREFIX, lambda request: request.app[STATE_KEY].faults, fault_response
    )
    app = web.Application(
        middlewares=[error_middleware, injected, auth_middleware(api_key), count_and_limit]
    )
    app[STATE_KEY] = state
    app.cleanup_ctx.append(_webhook_session)
    add_api_routes(app.router, API_PREFIX)
    add_webhook_routes(app.router, API_PREFIX)
    add_control_routes(app.router)
    add_host_routes(app.router, API_PREFIX)  # issue 17
    add_lobby_routes(app.router)  # issue 17
    add_notes_routes(app.router, API_PREFIX)
    return app
