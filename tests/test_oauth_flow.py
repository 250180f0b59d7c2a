"""Installing meetbot into a workspace: Bolt's OAuth flow over real HTTP, on our Redis stores.

The browser's side is played by aiohttp's test client, Slack's by the fake in sandbox/meetbot_sandbox/slack
(`slack_api` fixture): `/slack/install` sends the installer to Slack with a state, Slack sends
them back with a code, Bolt exchanges it at oauth.v2.access and saves what it gets.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as aioredis
import yaml
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from cryptography.fernet import Fernet
from meetbot_sandbox.slack import Workspace
from meetbot_sandbox.slack.signing import signed_headers, slash_command_body
from pytest_aiohttp import AiohttpClient
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from yarl import URL

from bot.config import Settings
from bot.slack.installations import RedisInstallationStore
from bot.slack.oauth import BOT_SCOPES, build_oauth_settings
from bot.slack.oauth_state import RedisOAuthStateStore
from bot.storage.keys import OAUTH_STATE_TTL, Keys
from tests.plugins.slack import FakeSlack

CLIENT_ID, CLIENT_SECRET, SIGNING_SECRET = "1111.2222", "oauth-client-secret", "signing-secret"
PUBLIC_URL = "https://meetbot.example.com"
COOKIE = "slack-app-oauth-state"
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"

# slack_sdk 3.48 builds oauth.v2.access's client credentials with aiohttp.BasicAuth, deprecated
# since aiohttp 3.14 (removal in 4.0). Only that warning is let through.
pytestmark = pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")

SETTINGS = Settings.from_env(
    {
        "PUBLIC_URL": PUBLIC_URL,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "ROOM_PROVIDER": "daily",
        "DAILY_API_KEY": "daily-key",
        "DAILY_WEBHOOK_SECRET": "c2VjcmV0",
    }
)
Meetbot = tuple[TestClient[Any, Any], RedisInstallationStore, list[str | None]]


@pytest.fixture(autouse=True)
def no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolt falls back to SLACK_* variables for anything not passed; make that fail loudly."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID", "SLACK_SCOPES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def meetbot(
    redis: aioredis.Redis, slack_api: FakeSlack, aiohttp_client: AiohttpClient
) -> Meetbot:
    """The web role in OAuth mode; `/meet` records the bot token Bolt authorized it with."""
    slack_api.state.client_id, slack_api.state.client_secret = CLIENT_ID, CLIENT_SECRET
    assert SETTINGS.encryption_key is not None
    store = RedisInstallationStore(redis, fernet_key=SETTINGS.encryption_key, client_id=CLIENT_ID)
    states = RedisOAuthStateStore(redis)
    app = AsyncApp(
        signing_secret=SIGNING_SECRET,
        oauth_settings=build_oauth_settings(SETTINGS, installation_store=store, state_store=states),
        client=AsyncWebClient(base_url=slack_api.api_url),
    )
    authorized_with: list[str | None] = []

    @app.command("/meet")
    async def meet(ack: Callable[[], Awaitable[None]], context: dict[str, Any]) -> None:
        authorized_with.append(context["bot_token"])
        await ack()

    return await aiohttp_client(app.web_app()), store, authorized_with


async def start_install(http: TestClient[Any, Any]) -> str:
    """GET /slack/install as a browser would; returns the state Slack is asked to echo."""
    response = await http.get("/slack/install", allow_redirects=False)
    assert response.status == 302
    state = URL(response.headers["Location"]).query["state"]
    assert response.cookies[COOKIE].value == state
    return state


async def come_back(http: TestClient[Any, Any], state: str, **query: str) -> ClientResponse:
    """Slack's redirect back to us, carrying the state cookie set by start_install."""
    return await http.get(
        "/slack/oauth_redirect",
        params={"state": state, **query},
        headers={"Cookie": f"{COOKIE}={state}"},
    )


async def slack_sends(http: TestClient[Any, Any], body: bytes) -> ClientResponse:
    """A signed POST to the Request URL, as Slack makes it."""
    return await http.post("/slack/events", data=body, headers=signed_headers(SIGNING_SECRET, body))


async def stored_text(redis: aioredis.Redis) -> str:
    values = [
        await redis.get(key) for key in await redis.keys("*") if await redis.type(key) == b"string"
    ]
    return "".join(repr(value) for value in values)


async def test_install_redirects_to_slack_with_our_scopes_and_a_fresh_state(
    meetbot: Meetbot, redis: aioredis.Redis
) -> None:
    http, _, _ = meetbot
    response = await http.get("/slack/install", allow_redirects=False)

    assert response.status == 302
    location = URL(response.headers["Location"])
    assert str(location.with_query(None)) == "https://slack.com/oauth/v2/authorize"
    assert location.query["client_id"] == CLIENT_ID
    assert location.query["scope"].split(",") == list(BOT_SCOPES)
    assert location.query["redirect_uri"] == f"{PUBLIC_URL}/slack/oauth_redirect"
    state = location.query["state"]
    assert 0 < await redis.ttl(Keys().oauth_state(state)) <= OAUTH_STATE_TTL


async def test_a_workspace_installs_meetbot_and_its_commands_use_the_new_token(
    meetbot: Meetbot, slack_api: FakeSlack, redis: aioredis.Redis
) -> None:
    http, store, authorized_with = meetbot
    response_url = slack_api.response_url()
    command = slash_command_body(
        "/meet", team_id="T0FAKE001", user_id="U0ALICE", response_url=response_url
    )
    refused = await slack_sends(http, command)
    assert (refused.status, authorized_with) == (200, [])  # not installed: nothing runs
    apology = await slack_api.state.wait_for_response(response_url)
    assert "reinstall this app" in apology["text"]

    state = await start_install(http)
    bot_token = slack_api.state.add_oauth_code("code-1", installer_user_id="U0ALICE")

    done = await come_back(http, state, code="code-1")

    page = await done.text()
    assert done.status == 200
    assert "Fake Workspace" in page and "xox" not in page
    installed = await store.async_find_installation(enterprise_id=None, team_id="T0FAKE001")
    assert installed is not None
    assert (installed.bot_token, installed.bot_id, installed.user_id) == (
        bot_token,
        "B0FAKEBOT",
        "U0ALICE",
    )
    assert bot_token not in await stored_text(redis)

    replay = await come_back(http, state, code="code-1")
    assert replay.status == 401 and "invalid_state" in await replay.text()
    assert len(slack_api.state.calls_to("oauth.v2.access")) == 1

    answer = await slack_sends(http, command)
    assert answer.status == 200
    assert authorized_with == [bot_token]


async def test_an_org_wide_install_serves_every_workspace_of_the_enterprise(
    meetbot: Meetbot, slack_api: FakeSlack
) -> None:
    http, store, _ = meetbot
    grid = Workspace(enterprise_id="E0GRID", enterprise_name="Acme Grid")
    bot_token = slack_api.state.add_oauth_code("code-org", grid, is_enterprise_install=True)

    done = await come_back(http, await start_install(http), code="code-org")

    assert done.status == 200 and "Acme Grid" in await done.text()
    for team in ("T0FAKE001", "T0OTHER"):
        installed = await store.async_find_installation(
            enterprise_id="E0GRID", team_id=team, is_enterprise_install=True
        )
        assert installed is not None and installed.bot_token == bot_token


async def test_a_refused_or_forged_callback_installs_nothing(
    meetbot: Meetbot, slack_api: FakeSlack, redis: aioredis.Redis
) -> None:
    http, store, _ = meetbot

    cancelled = await come_back(http, await start_install(http), error="access_denied")
    assert cancelled.status == 200 and "access_denied" in await cancelled.text()
    bad_code = await come_back(http, await start_install(http), code="never-issued")
    assert bad_code.status == 401 and "invalid_code" in await bad_code.text()
    state = await start_install(http)
    other_browser = await http.get("/slack/oauth_redirect", params={"state": state, "code": "c"})
    assert other_browser.status == 400 and "invalid_browser" in await other_browser.text()

    assert await store.async_find_installation(enterprise_id=None, team_id="T0FAKE001") is None
    assert [call.response.get("error") for call in slack_api.state.calls_to("oauth.v2.access")] == [
        "invalid_code"
    ]


@pytest.mark.skipif(not MANIFEST.exists(), reason="manifest.yml is not written yet")
def test_bot_scopes_are_the_manifests() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == BOT_SCOPES


async def test_a_rotating_install_keeps_its_refresh_token_and_expiry_sealed(
    meetbot: Meetbot, slack_api: FakeSlack, redis: aioredis.Redis
) -> None:
    """With token rotation on, Slack's answer adds `refresh_token` and `expires_in`: both are
    kept, so the token can be refreshed before it expires (bot.slack.token_rotation)."""
    http, store, _ = meetbot
    before = int(time.time())
    bot_token = slack_api.state.add_oauth_code("code-rot", rotating=True)

    done = await come_back(http, await start_install(http), code="code-rot")

    assert done.status == 200
    (refresh_token,) = slack_api.state.refresh_tokens
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0FAKE001")
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == (bot_token, refresh_token)
    assert bot.bot_token_expires_at is not None
    assert before + 43_200 <= bot.bot_token_expires_at <= int(time.time()) + 43_200
    stored = await stored_text(redis)
    assert bot_token not in stored and refresh_token not in stored
