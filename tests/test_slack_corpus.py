"""Real Slack request bodies, end to end: signed, posted to /slack/events, worked through Redis
and the worker, answered in the fake Slack, in both Slack modes.

Each body (tests/fixtures/slack/, sources in the README there) runs in single-workspace mode
and in OAuth mode with the installation it names installed: a workspace, a Grid workspace,
an org-wide install or the workspace of a Slack Connect channel's host. In OAuth mode two
other installations sit beside it (another workspace, another workspace of the same org) and
every Web API call the request leads to must carry the one right token.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from meetbot_sandbox.slack.models import ApiCall

from tests import slack_corpus as corpus
from tests.plugins.bot import RunningBot
from tests.plugins.installs import Installed, install_as, oauth_bot
from tests.plugins.slack import BOT_TOKEN
from tests.test_shortcuts_and_home import modal_values

__all__ = ["oauth_bot"]  # a fixture the `corpus_bot` fixture asks for by name


WORKSPACE = Installed("T111")
GRID = Installed("T111", "E111")
DOCS_GRID = Installed("T0001", "E0001")
ORG_WIDE = Installed("T111", "E111", org_wide=True)
CONNECT_HOST = Installed("T-installed-workspace")
CONNECT_HOST_IN_GRID = Installed("T-installed-workspace", "E-host")


@dataclass(frozen=True)
class Case:
    sample: str
    installed: Installed
    surface: str  # command | shortcut | message_shortcut | submission | home_button | home_opened
    options: dict[str, Any] = field(default_factory=dict)


CASES = {
    "command-grid-bolt": Case(
        "slash_command_grid_workspace_bolt-python.urlencoded", GRID, "command"
    ),
    "command-grid-java": Case("slash_command_grid_workspace_java.urlencoded", GRID, "command"),
    "command-grid-docs": Case(
        "slash_command_grid_docs-example_java.urlencoded", DOCS_GRID, "command"
    ),
    "command-org-wide": Case("slash_command_org_wide_install_java.urlencoded", ORG_WIDE, "command"),
    "command-workspace": Case(
        "slash_command_grid_workspace_bolt-python.urlencoded",
        WORKSPACE,
        "command",
        {"outside_grid": True},
    ),
    "shortcut-grid-team-enterprise": Case(
        "shortcut_global_grid_team-enterprise_id_bolt-python.payload.json", GRID, "shortcut"
    ),
    "shortcut-grid-enterprise-object": Case(
        "shortcut_global_enterprise-object_bolt-python.payload.json", GRID, "shortcut"
    ),
    "shortcut-workspace": Case(
        "shortcut_global_enterprise-null_bolt-python.payload.json", WORKSPACE, "shortcut"
    ),
    "shortcut-org-wide": Case(
        "shortcut_global_org_wide_install_java.payload.json", ORG_WIDE, "shortcut"
    ),
    "message-shortcut-grid": Case(
        "shortcut_message_grid_team-enterprise_id_bolt-python.payload.json",
        GRID,
        "message_shortcut",
    ),
    "message-shortcut-workspace": Case(
        "shortcut_message_non-grid_java.payload.json", WORKSPACE, "message_shortcut"
    ),
    "submission-grid": Case("view_submission_grid_bolt-python.payload.json", GRID, "submission"),
    "submission-workspace": Case(
        "view_submission_workspace_bolt-python.payload.json", WORKSPACE, "submission"
    ),
    "submission-org-wide": Case(
        "view_submission_org_wide_install_java.payload.json", ORG_WIDE, "submission"
    ),
    "submission-slack-connect-partner": Case(
        "view_submission_slack_connect_java.payload.json", CONNECT_HOST, "submission"
    ),
    "submission-slack-connect-partner-grid-host": Case(
        "view_submission_slack_connect_java.payload.json", CONNECT_HOST_IN_GRID, "submission"
    ),
    "home-button-grid": Case("block_actions_grid_bolt-python.payload.json", GRID, "home_button"),
    "home-button-org-wide": Case(
        "block_actions_org_wide_install_java.payload.json", ORG_WIDE, "home_button"
    ),
    "home-opened-org-wide": Case(
        "event_app_home_opened_org_wide_bolt-python.json", ORG_WIDE, "home_opened"
    ),
}
CHANNEL = "C111"  # where the modal samples' submissions post (the samples' own channel)


@pytest.fixture(params=["single-workspace", "oauth"])
def corpus_bot(request: pytest.FixtureRequest) -> RunningBot:
    fixture = "bot" if request.param == "single-workspace" else "oauth_bot"
    running: RunningBot = request.getfixturevalue(fixture)
    return running


async def installed_token(bot: RunningBot, installed: Installed) -> str:
    """Installs what the body names (OAuth mode) beside two decoys; the token to expect."""
    if bot.components.single_auth is not None:
        return BOT_TOKEN
    sibling = Installed("T0SIBLING", installed.enterprise_id or "E0DECOY")
    for decoy in (Installed("T0DECOY"), sibling):
        await install_as(bot, decoy)
    return await install_as(bot, installed)


def meet_the_people_and_channels(bot: RunningBot, body: dict[str, Any]) -> str:
    """Make the sample's user and channels exist in the fake Slack; returns the user id."""
    state = bot.slack.state
    user = body.get("user_id") or (body.get("user") or {}).get("id") or body["event"]["user"]
    state.add_user(str(user), "sample-user")
    for channel in (body.get("channel_id"), (body.get("channel") or {}).get("id"), CHANNEL):
        if channel:
            state.add_channel(str(channel), "sample-channel")
    return str(user)


def tokens_used(bot: RunningBot, since: int) -> set[str | None]:
    return {call.token for call in bot.slack.state.calls[since:]}


async def card_and_dm(
    bot: RunningBot, channel: str, user: str, after: int
) -> tuple[ApiCall, ApiCall]:
    state = bot.slack.state
    card = await state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.seq > after and c.params.get("channel") == channel,
        timeout=10,
    )
    opened = await state.wait_for(
        "conversations.open", lambda c: c.ok and c.params.get("users") == user, timeout=10
    )
    dm_channel = opened.response["channel"]["id"]
    dm = await state.wait_for(
        "chat.postMessage",
        lambda c: c.ok and c.seq > after and c.params.get("channel") == dm_channel,
        timeout=10,
    )
    return card, dm


async def runs(bot: RunningBot, case: Case, user: str) -> None:
    """Post the sample at its surface; wait for what a person would see."""
    state = bot.slack.state
    after = len(state.calls)  # a call's seq is its position, from 1
    response_url = state.response_url()
    if case.surface == "command":
        body = corpus.meet_command(
            case.sample, text="Corpus check", response_url=response_url, **case.options
        )
        reply = await bot.post_slack(body)
        # Someone meetbot never looked up: an empty ack, and the starting note in their language
        # through the response_url (bot.meet.late_reply).
        assert reply.status == 200 and reply.body is None
        sample = corpus.body_of(case.sample)
        card, dm = await card_and_dm(bot, str(sample["channel_id"]), user, after)
        await state.wait_for_response(response_url, lambda b: "Starting" in b["text"], 10)
    elif case.surface == "submission":
        body = corpus.submission(case.sample, modal_values("Corpus check", channel=CHANNEL))
        reply = await bot.post_slack(body)
        assert reply.status == 200 and reply.body is None, "an empty ack closes the modal"
        card, dm = await card_and_dm(bot, CHANNEL, user, after)
    elif case.surface in ("shortcut", "message_shortcut", "home_button"):
        if case.surface == "home_button":
            body = corpus.home_button(case.sample, response_url=response_url)
        else:
            body = corpus.shortcut(case.sample, response_url=response_url)
        reply = await bot.post_slack(body)
        assert reply.status == 200 and reply.body is None
        opened = await state.wait_for("views.open", lambda c: c.seq > after, timeout=10)
        assert opened.ok and opened.params["view"]["type"] == "modal"
        if case.surface == "message_shortcut":
            message_ts = corpus.body_of(case.sample)["message"]["ts"]
            assert message_ts in opened.params["view"]["private_metadata"], "its thread"
        assert not state.responses(response_url), "nothing told to reinstall"
        return
    else:
        reply = await bot.post_slack(corpus.event(case.sample, tab="home"))
        assert reply.status == 200
        published = await state.wait_for("views.publish", lambda c: c.seq > after, timeout=10)
        assert published.ok and published.params["user_id"] == user
        return
    host_secrets = [room.participant_token for room in bot.emulator.state.rooms.values()]
    assert "Corpus check" in json.dumps(card.params)
    assert not any(s in json.dumps(card.params) for s in host_secrets), "no host link in a channel"
    assert any(s in json.dumps(dm.params) for s in host_secrets), "the host link by DM"


@pytest.mark.parametrize("name", list(CASES))
async def test_a_real_body_works_with_its_own_installation(
    corpus_bot: RunningBot, name: str
) -> None:
    case = CASES[name]
    token = await installed_token(corpus_bot, case.installed)
    user = meet_the_people_and_channels(corpus_bot, corpus.body_of(case.sample))
    since = len(corpus_bot.slack.state.calls)

    await runs(corpus_bot, case, user)

    assert tokens_used(corpus_bot, since) == {token}, "every call with that installation's token"


async def test_one_org_wide_installation_serves_two_workspaces_of_its_org(
    oauth_bot: RunningBot,
) -> None:
    """The org-wide samples come from two workspaces of org E111: T111 (the command, App
    Home) and T_expected (the modal, the Home button). One installation serves both."""
    token = await installed_token(oauth_bot, ORG_WIDE)
    from_t111 = ("command-org-wide", "home-opened-org-wide", "shortcut-org-wide")
    from_t_expected = ("submission-org-wide", "home-button-org-wide")
    since = len(oauth_bot.slack.state.calls)
    for name in (*from_t111, *from_t_expected):
        case = CASES[name]
        user = meet_the_people_and_channels(oauth_bot, corpus.body_of(case.sample))
        await runs(oauth_bot, case, user)

    assert tokens_used(oauth_bot, since) == {token}
    records = oauth_bot.components.store.records
    for team in ("T111", "T_expected"):  # each workspace's App Home finds its own meetings
        assert len(await records.user_meetings(team, "W111")) == 1
