"""Slack's rotating bot tokens: stored sealed with their refresh token and expiry, refreshed
before they expire, once however many replicas need them at the same moment.

The fake Slack answers oauth.v2.access as Slack does with token rotation on (expiring
`xoxe.xoxb-` tokens, single-use refresh tokens, `token_expired` past the expiry). Slack's
tokens live 12 hours and are refreshed in their last 2; a test installs with a shorter life
to be inside that window at once, then lets refreshed tokens live the full 12 hours.
"""

from __future__ import annotations

import asyncio
import json
import logging

import pytest
import redis.asyncio as aioredis
from meetbot_sandbox.slack.signing import slash_command_body
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.inputs import Workspace
from bot.errors import SlackError
from bot.slack.auth import InstallationAuth
from bot.slack.token_rotation import BotTokenRefresher
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.plugins.installs import (
    CLIENT_ID,
    CLIENT_SECRET,
    Installed,
    install_as,
    installation_store,
    oauth_bot,
)

__all__ = ["oauth_bot"]

GRID = Installed("T0FAKE001", "E0GRID")
ORG = Installed("T0FAKE001", "E0GRID", org_wide=True)
TWELVE_HOURS = 43_200


async def install_rotating(bot: RunningBot, installed: Installed, *, lifetime: int) -> str:
    """Install with a token that lives `lifetime` seconds; later tokens live 12 hours."""
    bot.slack.state.token_lifetime = lifetime
    token = await install_as(bot, installed, rotating=True)
    bot.slack.state.token_lifetime = TWELVE_HOURS
    return token


def let_it_expire(bot: RunningBot, seconds: float) -> None:
    """Slack's clock moves on: the installed token is past its expiry there."""
    state = bot.slack.state
    clock = state.clock
    state.clock = lambda: clock() + seconds


def refreshes(bot: RunningBot) -> list[str]:
    """The new access tokens Slack handed out for refresh tokens."""
    return [
        str(c.response["access_token"])
        for c in bot.slack.state.calls_to("oauth.v2.access")
        if c.ok and c.params.get("grant_type") == "refresh_token"
    ]


def replica(bot: RunningBot) -> InstallationAuth:
    """Another process's token source: its own store object, rotator and HTTP client."""
    store = installation_store(bot)
    client = AsyncWebClient(base_url=bot.slack.api_url)
    rotator = AsyncTokenRotator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, client=client)
    return InstallationAuth(store, BotTokenRefresher(store, rotator, bot.components.redis))


@pytest.mark.parametrize("installed", [GRID, ORG], ids=["grid-workspace", "org-wide"])
async def test_an_expired_token_is_refreshed_before_the_card_is_posted(
    oauth_bot: RunningBot,
    installed: Installed,
    redis: aioredis.Redis,
) -> None:
    # Installed with a minute to live (Bolt checks it with auth.test), then left to expire.
    first = await install_rotating(oauth_bot, installed, lifetime=60)
    let_it_expire(oauth_bot, 120)
    await oauth_bot.knows_locale(CREATOR, team_id=installed.team_id)  # the ack answers at once

    reply = await oauth_bot.post_slack(
        slash_command_body(
            text="Rotated",
            team_id=installed.team_id,
            enterprise_id=installed.enterprise_id,
            enterprise_name="Acme",
            is_enterprise_install=installed.org_wide,
            response_url=oauth_bot.slack.response_url(),
        )
    )
    assert "Starting" in reply.text
    card = await oauth_bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("channel") == GENERAL, timeout=10
    )

    (new,) = refreshes(oauth_bot)
    assert card.token == new != first
    assert not [c for c in oauth_bot.slack.state.calls if c.error == "token_expired"]
    stored = await installation_store(oauth_bot).async_find_bot(
        enterprise_id=installed.enterprise_id,
        team_id=None if installed.org_wide else installed.team_id,
        is_enterprise_install=installed.org_wide,
    )
    assert stored is not None and stored.bot_token == new
    assert stored.bot_refresh_token in oauth_bot.slack.state.refresh_tokens, "the unspent one"
    assert stored.bot_token_expires_at is not None
    everything = json.dumps([str(await redis.get(k)) for k in await redis.keys("meetbot:*bot*")])
    assert new not in everything and stored.bot_refresh_token not in everything, "sealed"


async def test_replicas_refresh_a_due_token_once_and_all_use_the_new_one(
    oauth_bot: RunningBot,
) -> None:
    first = await install_rotating(oauth_bot, GRID, lifetime=3600)  # due: under 2 hours left
    ws = Workspace(GRID.team_id, GRID.enterprise_id)
    replicas = [replica(oauth_bot) for _ in range(3)]

    tokens = await asyncio.gather(*(r.token(ws) for r in replicas for _ in range(10)))

    (new,) = refreshes(oauth_bot)
    assert set(tokens) == {new} and new != first
    assert await replicas[0].token(ws) == new, "fresh for 12 hours: no second refresh"
    assert len(refreshes(oauth_bot)) == 1


async def test_a_token_not_yet_due_is_used_as_it_is(
    oauth_bot: RunningBot,
) -> None:
    first = await install_rotating(oauth_bot, GRID, lifetime=TWELVE_HOURS)
    ws = Workspace(GRID.team_id, GRID.enterprise_id)
    assert await replica(oauth_bot).token(ws) == first
    assert refreshes(oauth_bot) == []


async def test_a_refused_refresh_names_slacks_error_and_logs_no_token(
    oauth_bot: RunningBot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first = await install_rotating(oauth_bot, GRID, lifetime=60)
    let_it_expire(oauth_bot, 120)
    oauth_bot.slack.state.refresh_tokens.clear()  # spent elsewhere, or revoked
    ws = Workspace(GRID.team_id, GRID.enterprise_id)

    with caplog.at_level(logging.INFO), pytest.raises(SlackError) as refused:
        await replica(oauth_bot).token(ws)

    assert (refused.value.method, refused.value.error) == (
        "oauth.v2.access",
        "invalid_refresh_token",
    )
    assert "invalid_refresh_token" in caplog.text
    assert first not in caplog.text and "xoxe-" not in caplog.text


async def test_a_request_waiting_for_its_ack_leaves_a_due_token_to_the_worker(
    oauth_bot: RunningBot,
) -> None:
    """Bolt's authorize runs before the 3 s ack: it refreshes only a token that has run out."""
    first = await install_rotating(oauth_bot, GRID, lifetime=3600)  # due, usable for an hour
    auth = replica(oauth_bot)

    authorized = await auth.bolt_authorize()(GRID.enterprise_id, GRID.team_id, False)

    assert authorized is not None and authorized.bot_token == first
    assert refreshes(oauth_bot) == []
    assert await auth.token(Workspace(GRID.team_id, GRID.enterprise_id)) != first
    assert len(refreshes(oauth_bot)) == 1
