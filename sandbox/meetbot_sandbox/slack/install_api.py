"""Installing and uninstalling: oauth.v2.access and apps.uninstall of the fake Web API.

Shape: docs.slack.dev/reference/methods/oauth.v2.access (bot install, v2 flow). Codes are made
exchangeable by `FakeSlackState.add_oauth_code` and work once, as Slack's do.
"""

from __future__ import annotations

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError
from meetbot_sandbox.slack.models import JSON


def _check_client(request: ApiRequest) -> None:
    state = request.state
    client_id = request.client_id or request.optional("client_id")
    client_secret = request.client_secret or request.optional("client_secret")
    if client_id is None or (state.client_id is not None and client_id != state.client_id):
        raise MethodError("invalid_client_id")
    if client_secret is None or (
        state.client_secret is not None and client_secret != state.client_secret
    ):
        raise MethodError("bad_client_secret")


def oauth_v2_access(request: ApiRequest) -> JSON:
    _check_client(request)
    grant = request.state.oauth_codes.pop(request.text("code", missing="invalid_code"), None)
    if grant is None:
        raise MethodError("invalid_code")
    workspace = grant["workspace"]
    token: str = grant["token"]
    is_enterprise_install: bool = grant["is_enterprise_install"]
    request.state.installs[token] = workspace
    enterprise = (
        {"id": workspace.enterprise_id, "name": workspace.enterprise_name}
        if workspace.enterprise_id is not None
        else None
    )
    return {
        "access_token": token,
        "token_type": "bot",
        # Slack echoes the granted bot scopes, comma-separated.
        "scope": ",".join(sorted(request.state.scopes or ())),
        "bot_user_id": workspace.bot_user_id,
        "app_id": workspace.app_id,
        # An org-wide (Enterprise Grid) install belongs to no single workspace.
        "team": None
        if is_enterprise_install
        else {"id": workspace.team_id, "name": workspace.team_name},
        "enterprise": enterprise,
        "authed_user": {"id": grant["installer_user_id"]},
        "is_enterprise_install": is_enterprise_install,
    }


def apps_uninstall(request: ApiRequest) -> JSON:
    _check_client(request)
    if request.token is not None:
        request.state.revoke_token(request.token)
    return {}


# Methods authenticated by the app's client credentials rather than a token.
CLIENT_AUTH_METHODS = frozenset({"oauth.v2.access"})

METHODS: dict[str, Handler] = {
    "oauth.v2.access": oauth_v2_access,
    "apps.uninstall": apps_uninstall,
}
