"""Bolt's OAuth settings for multi-workspace mode: paths, scopes and the pages an installer sees.

`BOT_SCOPES` is a constant rather than read from manifest.yml at run time (no file I/O when the
app starts); a test keeps it equal to the manifest's `oauth_config.scopes.bot`. The success and
failure pages are ours and show only the workspace name and Slack's reason code: never a token,
an installation field or a request parameter.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.config import ConfigError, Settings
from bot.slack.oauth_state import RedisOAuthStateStore

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
BOT_SCOPES = (
    "commands",
    "chat:write",
    "channels:join",
    # conversations.info: a channel's creator may change its defaults (`/meet settings`).
    "channels:read",
    "groups:read",
    # history: a resumed job finds a message it posted before crashing (message metadata).
    "channels:history",
    "groups:history",
    "im:history",
    "im:write",
    "users:read",
    "calls:write",
    # files.getUploadURLExternal/completeUploadExternal/delete: a meeting's transcript file
    # in the card's thread, deleted by the host or the retention policy (issue 16).
    "files:write",
)

logger = logging.getLogger(__name__)


def build_oauth_settings(
    settings: Settings,
    *,
    installation_store: AsyncInstallationStore,
    state_store: RedisOAuthStateStore,
) -> AsyncOAuthSettings:
    """Settings for `AsyncApp(oauth_settings=...)`; `/slack/install` redirects straight to Slack."""
    if settings.slack_client_id is None or settings.slack_client_secret is None:
        raise ConfigError(["SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: required for OAuth mode"])
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=f"{settings.public_url}{REDIRECT_PATH}",
        install_path=INSTALL_PATH,
        install_page_rendering_enabled=False,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=AsyncCallbackOptions(success=success_page, failure=failure_page),
        installation_store=installation_store,
        state_store=state_store,
        state_expiration_seconds=state_store.expiration_seconds,
        logger=logger,
    )


async def success_page(args: AsyncSuccessArgs) -> BoltResponse:
    """The "installed in <workspace>" page, with a link that opens the app in Slack."""
    installation = args.installation
    if installation.is_enterprise_install:
        where = installation.enterprise_name or "your organisation"
        link = (
            f"{installation.enterprise_url}manage/organization/apps/profile/"
            f"{installation.app_id}/workspaces/add"
            if installation.enterprise_url and installation.app_id
            else None
        )
    else:
        where = installation.team_name or "your workspace"
        query = urlencode({"team": installation.team_id or "", "id": installation.app_id or ""})
        link = f"slack://app?{query}"
    body = (
        f"<p>meetbot is installed in {escape(where)}. Type <code>/meet</code> in any channel.</p>"
    )
    if link is not None:
        body += f'<p><a href="{escape(link)}">Open Slack</a></p>'
    return _page(args, 200, "meetbot is installed", body)


async def failure_page(args: AsyncFailureArgs) -> BoltResponse:
    """Slack's reason code (e.g. `access_denied`, `invalid_state`) and a link to start again."""
    logger.info("Slack installation failed: %r", args.reason)
    body = (
        f"<p>The installation did not complete ({escape(args.reason)}).</p>"
        f'<p><a href="{INSTALL_PATH}">Try again</a></p>'
    )
    return _page(args, args.suggested_status_code, "meetbot was not installed", body)


def _page(
    args: AsyncSuccessArgs | AsyncFailureArgs, status: int, title: str, body: str
) -> BoltResponse:
    html = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"</head><body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    # The state cookie has done its job either way; Bolt's own pages clear it too.
    headers: dict[str, str | Sequence[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Set-Cookie": args.settings.state_utils.build_set_cookie_for_deletion(),
    }
    return BoltResponse(status=status, body=html, headers=headers)
