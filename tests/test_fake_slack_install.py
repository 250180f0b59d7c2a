"""The fake Slack's oauth.v2.access answers like Slack's samples: a workspace, an org-wide
install and a rotating token, and `grant_type=refresh_token` (tests/fixtures/slack/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from meetbot_sandbox.slack import Workspace
from slack_sdk.errors import SlackApiError

from tests.plugins.installs import CLIENT_ID, CLIENT_SECRET
from tests.plugins.slack import FakeSlack

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
GRID = Workspace(team_id="T111", team_name="Testing Workspace", enterprise_id="E111",
                 enterprise_name="Sandbox Org")  # fmt: skip


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def shape(value: Any) -> Any:
    """A JSON value's keys and value types, not its values."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    return type(value).__name__


async def exchange(slack_api: FakeSlack, **params: str) -> dict[str, Any]:
    client = slack_api.client(token="")
    response = await client.oauth_v2_access(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **params
    )
    return dict(response.data) if isinstance(response.data, dict) else {}


@pytest.fixture
def slack(slack_api: FakeSlack) -> FakeSlack:
    slack_api.state.client_id, slack_api.state.client_secret = CLIENT_ID, CLIENT_SECRET
    return slack_api


async def test_a_workspace_install_answers_in_the_docs_samples_shape(slack: FakeSlack) -> None:
    slack.state.add_oauth_code("c1", GRID)
    answer = await exchange(slack, code="c1")
    documented = sample("webapi_oauth_v2_access_ok_docs-spec.json")
    expected = {k: v for k, v in shape(documented).items() if k != "authed_user"}
    assert {k: v for k, v in shape(answer).items() if k in expected} == expected
    assert answer["is_enterprise_install"] is False


async def test_an_org_wide_install_belongs_to_the_org_and_no_workspace(slack: FakeSlack) -> None:
    """https://api.slack.com/enterprise/apps/reference: `team: null`, `enterprise`,
    `is_enterprise_install: true` (oauth_v2_access_org_wide_install_docs.txt)."""
    token = slack.state.add_oauth_code("c1", GRID, is_enterprise_install=True)
    answer = await exchange(slack, code="c1")
    assert answer["team"] is None
    assert answer["enterprise"] == {"id": "E111", "name": "Sandbox Org"}
    assert answer["is_enterprise_install"] is True and answer["access_token"] == token


async def test_a_rotating_install_and_its_refresh_answer_like_slack(slack: FakeSlack) -> None:
    token = slack.state.add_oauth_code("c1", GRID, rotating=True)
    installed = await exchange(slack, code="c1")
    documented = sample("oauth_v2_access_token_rotation_grid_workspace_java.json")
    for key in ("access_token", "refresh_token", "expires_in", "token_type", "team", "enterprise"):
        assert shape(installed[key]) == shape(documented[key]), key
    assert installed["access_token"] == token and token.startswith("xoxe.xoxb-")
    assert installed["expires_in"] == 43_200

    refreshed = await exchange(
        slack, grant_type="refresh_token", refresh_token=installed["refresh_token"]
    )
    mock = sample("MOCK_oauth_v2_access_refresh_grant_bot_bolt-python.json")
    assert set(mock) <= set(refreshed)
    assert refreshed["access_token"] != token and refreshed["refresh_token"].startswith("xoxe-1-")
    assert (await slack.client(refreshed["access_token"]).auth_test())["team_id"] == "T111"
    # "Calling oauth.v2.access will not immediately invalidate your existing access token."
    assert (await slack.client(token).auth_test())["ok"] is True


async def test_a_refresh_token_works_once(slack: FakeSlack) -> None:
    slack.state.add_oauth_code("c1", GRID, rotating=True)
    refresh = (await exchange(slack, code="c1"))["refresh_token"]
    await exchange(slack, grant_type="refresh_token", refresh_token=refresh)
    with pytest.raises(SlackApiError) as spent:
        await exchange(slack, grant_type="refresh_token", refresh_token=refresh)
    assert spent.value.response["error"] == "invalid_refresh_token"


async def test_only_two_tokens_stay_active_and_an_expired_one_is_refused(slack: FakeSlack) -> None:
    now = [1_800_000_000.0]
    slack.state.clock = lambda: now[0]
    slack.state.add_oauth_code("c1", GRID, rotating=True)
    first = await exchange(slack, code="c1")
    second = await exchange(slack, grant_type="refresh_token", refresh_token=first["refresh_token"])
    await exchange(slack, grant_type="refresh_token", refresh_token=second["refresh_token"])
    with pytest.raises(SlackApiError) as oldest:
        await slack.client(first["access_token"]).auth_test()
    assert oldest.value.response["error"] == "token_revoked"

    now[0] += 43_200
    with pytest.raises(SlackApiError) as expired:
        await slack.client(second["access_token"]).auth_test()
    assert expired.value.response["error"] == "token_expired"
