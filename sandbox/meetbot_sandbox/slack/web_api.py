"""The fake Web API's front desk: method table, rate limits, token check, recording.

Order of checks mirrors Slack: unknown method (HTTP 404), rate limit (HTTP 429 + Retry-After),
then authentication (not_authed, invalid_auth, token_revoked, not_allowed_token_type for an
app-level token anywhere but apps.connections.open), scopes and the method. Every
request is recorded on the state, answered or not; unknown methods also go to `unexpected`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from meetbot_sandbox.slack import (
    chat_api,
    directory_api,
    files_api,
    history_api,
    install_api,
    members_api,
    socket_api,
    surfaces_api,
)
from meetbot_sandbox.slack.api_base import ApiRequest, BlockKitError, Handler, MethodError
from meetbot_sandbox.slack.models import JSON, ApiCall, Workspace
from meetbot_sandbox.slack.scopes import METHOD_SCOPES
from meetbot_sandbox.slack.state import FakeSlackState

logger = logging.getLogger(__name__)

METHODS: dict[str, Handler] = {
    **directory_api.METHODS,
    **chat_api.METHODS,
    **files_api.METHODS,
    **history_api.METHODS,
    **surfaces_api.METHODS,
    **install_api.METHODS,
    **socket_api.METHODS,
    **members_api.METHODS,
}


@dataclass(frozen=True)
class Answer:
    status: int
    body: JSON
    headers: dict[str, str] = field(default_factory=dict)


def call_method(
    state: FakeSlackState,
    method: str,
    params: JSON,
    token: str | None,
    *,
    client_auth: tuple[str, str] | None = None,
) -> tuple[ApiCall, Answer]:
    """Answer one Web API request as Slack would and record it on `state`."""
    answer = _answer(state, method, params, token, client_auth)
    call = state.record(method, params, token, answer.status, answer.body)
    logger.info(
        "%s %s -> %s %s", method, sorted(params), answer.status, answer.body.get("error", "ok")
    )
    return call, answer


def _answer(
    state: FakeSlackState,
    method: str,
    params: JSON,
    token: str | None,
    client_auth: tuple[str, str] | None,
) -> Answer:
    handler = METHODS.get(method)
    if handler is None:
        state.unexpected.append(f"unknown Web API method {method!r} called with {sorted(params)}")
        logger.warning("fake Slack has no method %s", method)
        return Answer(404, {"ok": False, "error": "unknown_method", "req_method": method})
    if (retry_after := state.take_rate_limit(method)) is not None:
        return _rate_limited(retry_after)
    if (status := state.server_errors.take(method)) is not None:
        return Answer(status, {"ok": False, "error": "internal_error"})
    try:
        workspace = _authenticate(state, method, token)
        if (retry_after := state.tiers.refuse(workspace.team_id, method, params)) is not None:
            return _rate_limited(retry_after)
        client_id, client_secret = client_auth or (None, None)
        request = ApiRequest(state, params, token, workspace, client_id, client_secret)
        if (scope := METHOD_SCOPES.get(method)) is not None:
            request.require(scope)
        return Answer(200, {"ok": True, **handler(request)})
    except MethodError as error:
        if isinstance(error, BlockKitError):
            state.unexpected.append(f"{method} refused: {error.to_api()}")
        return Answer(200, error.to_api())


def _rate_limited(retry_after: int) -> Answer:
    """docs.slack.dev/apis/web-api/rate-limits: HTTP 429 with Retry-After in seconds."""
    return Answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


def _authenticate(state: FakeSlackState, method: str, token: str | None) -> Workspace:
    if method in install_api.CLIENT_AUTH_METHODS:
        return state.workspace
    if method in socket_api.APP_TOKEN_METHODS:
        return socket_api.authenticate_app_token(state, token)
    if token is None:
        raise MethodError("not_authed")
    if token.startswith("xapp-"):
        raise MethodError("not_allowed_token_type")  # app-level tokens only open sockets
    if token in state.revoked_tokens:
        raise MethodError("token_revoked")
    if state.token_expired(token):
        raise MethodError("token_expired")
    workspace = state.workspace_for(token)
    if workspace is None:
        raise MethodError("invalid_auth")
    return workspace
