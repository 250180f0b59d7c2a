"""Installing and uninstalling: oauth.v2.access and apps.uninstall of the fake Web API.

Shapes (tests/fixtures/slack/README.md has the samples):
- a workspace install: docs.slack.dev/reference/methods/oauth.v2.access (the v2 flow's answer);
- an org-wide install: `team: null`, `enterprise`, `is_enterprise_install: true`
  (https://api.slack.com/enterprise/apps/reference, "oauth.v2.access response");
- token rotation (https://docs.slack.dev/authentication/using-token-rotation): the answer adds
  `refresh_token` and `expires_in` (43,200 s); `grant_type=refresh_token` trades a refresh token
  for a new pair, in the shape of that page's sample (`access_token` "xoxe.xoxb-…", `expires_in`,
  `refresh_token`, `token_type`, `scope`, `bot_user_id`, `app_id`, `team`, `enterprise`).
  Slack revokes a used refresh token "after a short grace period" and keeps at most 2 active
  access tokens per installation; the fake revokes the refresh token at once (stricter: a
  second refresh with the same one fails, so a double refresh shows) and the oldest access
  token beyond two. A spent or unknown refresh token answers `invalid_refresh_token`, the error
  Slack documents for its other refresh-token method (api.slack.com/methods/tooling.tokens.rotate).
Codes are made exchangeable by `FakeSlackState.add_oauth_code` and work once, as Slack's do.
"""

from __future__ import annotations

import secrets

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError
from meetbot_sandbox.slack.models import JSON, Workspace

# "If more than 2 tokens exist after the refresh, the oldest additional token will be revoked."
ACTIVE_TOKENS = 2


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
    grant_type = request.optional("grant_type") or "authorization_code"
    if grant_type == "refresh_token":
        return _refresh(request)
    grant = request.state.oauth_codes.pop(request.text("code", missing="invalid_code"), None)
    if grant is None:
        raise MethodError("invalid_code")
    workspace: Workspace = grant["workspace"]
    token: str = grant["token"]
    is_enterprise_install: bool = grant["is_enterprise_install"]
    request.state.installs[token] = workspace
    body = _bot_grant(request, workspace, is_enterprise_install, token)
    body["authed_user"] = {"id": grant["installer_user_id"]}
    if grant["rotating"]:
        chain: JSON = {
            "workspace": workspace,
            "is_enterprise_install": is_enterprise_install,
            "active": [token],
        }
        body.update(_rotating(request, token, chain))
    return body


def _bot_grant(
    request: ApiRequest, workspace: Workspace, is_enterprise_install: bool, token: str
) -> JSON:
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
        "is_enterprise_install": is_enterprise_install,
    }


def _rotating(request: ApiRequest, token: str, chain: JSON) -> JSON:
    """Make `token` expire and issue the refresh token that replaces it."""
    state = request.state
    state.token_expires_at[token] = state.clock() + state.token_lifetime
    refresh_token = f"xoxe-1-{secrets.token_hex(16)}"
    state.refresh_tokens[refresh_token] = chain
    return {"refresh_token": refresh_token, "expires_in": state.token_lifetime}


def _refresh(request: ApiRequest) -> JSON:
    state = request.state
    refresh_token = request.text("refresh_token", missing="invalid_refresh_token")
    chain = state.refresh_tokens.pop(refresh_token, None)  # each refresh token works once
    if chain is None:
        raise MethodError("invalid_refresh_token")
    workspace: Workspace = chain["workspace"]
    token = f"xoxe.xoxb-{state.next_id('')}-{secrets.token_hex(12)}"
    state.installs[token] = workspace
    active: list[str] = chain["active"]
    active.append(token)
    while len(active) > ACTIVE_TOKENS:
        state.revoke_token(active.pop(0))
    body = _bot_grant(request, workspace, chain["is_enterprise_install"], token)
    body.update(_rotating(request, token, chain))
    return body


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
