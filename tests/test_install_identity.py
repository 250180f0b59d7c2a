"""One reading of "which installation is this": every real body in the corpus, read as Bolt
reads it (Bolt looks the token up with the same ids), and carried intact through a job."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from slack_bolt.request.internals import (
    extract_enterprise_id,
    extract_is_enterprise_install,
    extract_team_id,
)

from bot.domain.inputs import CreateStandup, StartMeeting, Workspace
from bot.domain.rooms import RoomKind
from bot.slack.identity import workspace_of
from bot.slack.uninstall import stored_team
from tests.slack_corpus import body_of

ORG_WIDE = True
# file -> (team the person acted in, enterprise, org-wide install)
EXPECTED: dict[str, tuple[str, str | None, bool]] = {
    "slash_command_grid_workspace_bolt-python.urlencoded": ("T111", "E111", False),
    "slash_command_grid_workspace_java.urlencoded": ("T111", "E111", False),
    "slash_command_grid_docs-example_java.urlencoded": ("T0001", "E0001", False),
    # is_enterprise_install=true arrives as the string "true" in a slash command's form.
    "slash_command_org_wide_install_java.urlencoded": ("T111", "E111", ORG_WIDE),
    # The org only in team.enterprise_id: what the old reading missed (issue 14, item 2).
    "shortcut_global_grid_team-enterprise_id_bolt-python.payload.json": ("T111", "E111", False),
    "shortcut_message_grid_team-enterprise_id_bolt-python.payload.json": ("T111", "E111", False),
    "shortcut_global_enterprise-object_bolt-python.payload.json": ("T111", "E111", False),
    "shortcut_global_enterprise-null_bolt-python.payload.json": ("T111", None, False),
    "shortcut_message_non-grid_java.payload.json": ("T111", None, False),
    # Org-wide interactions: `team: null`, the workspace from user.team_id ...
    "shortcut_global_org_wide_install_java.payload.json": ("T111", "E111", ORG_WIDE),
    "block_actions_org_wide_install_java.payload.json": ("T_expected", "E111", ORG_WIDE),
    # ... or, in a view, from view.app_installed_team_id over user/view team_id.
    "view_submission_org_wide_install_java.payload.json": ("T_expected", "E111", ORG_WIDE),
    "view_submission_grid_bolt-python.payload.json": ("T111", "E111", False),
    "view_submission_workspace_bolt-python.payload.json": ("T111", None, False),
    "block_actions_grid_bolt-python.payload.json": ("T111", "E111", False),
    # A partner organisation's user: our workspace, and not their org (issue 14, item 3).
    "view_submission_slack_connect_java.payload.json": ("T-installed-workspace", None, False),
    # Org-wide events: authorizations[0] has no team; the workspace is the envelope's.
    "event_app_home_opened_org_wide_bolt-python.json": ("T111", "E111", ORG_WIDE),
    # Slack Connect events: authorizations[0] is our installation, not the sender's team_id.
    "event_message_slack_connect_java.json": ("T_INSTALLED", "E_INSTALLED", False),
    "event_message_slack_connect_from_grid_bolt-python.json": ("T03E94MJU", None, False),
    "event_app_uninstalled_workspace_docs.json": ("TXXXXXXXX", None, False),
    "event_tokens_revoked_workspace_docs.json": ("TXXXXXXXX", None, False),
    "event_app_uninstalled_grid_workspace_bolt-python.json": ("T111", "E111", False),
    "event_tokens_revoked_grid_workspace_bolt-python.json": ("T111", "E111", False),
    "event_app_uninstalled_with_authorizations_bolt-python.json": (
        "T_INSTALLED",
        "E_INSTALLED",
        False,
    ),
    "event_tokens_revoked_with_authorizations_bolt-python.json": (
        "T_INSTALLED",
        "E_INSTALLED",
        False,
    ),
    # Org-wide uninstall as the docs show it (issue 14, item 4) and as bolt-python models it.
    "event_app_uninstalled_org_wide_authorizations_docs-adapted.json": (
        "T423567",
        "E324567",
        ORG_WIDE,
    ),
    "event_tokens_revoked_org_wide_authorizations_docs-adapted.json": (
        "T423567",
        "E324567",
        ORG_WIDE,
    ),
    "event_app_uninstalled_org_wide_bolt-python.json": ("", "E111", False),
    "event_tokens_revoked_org_wide_bolt-python.json": ("", "E111", False),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_real_body_names_its_installation(name: str) -> None:
    team, enterprise, org_wide = EXPECTED[name]
    assert workspace_of(body_of(name)) == Workspace(team, enterprise, org_wide)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_job_acts_with_the_installation_bolt_authorized(name: str) -> None:
    """Bolt authorizes with its extractors' ids; the job's reading differs only where Bolt has
    no workspace (org-wide events) or names the submitter's org (Slack Connect modal)."""
    body: dict[str, Any] = body_of(name)
    ws = workspace_of(body)
    assert ws.is_enterprise_install == (extract_is_enterprise_install(body) is True)
    assert ws.team_id == (extract_team_id(body) or ws.team_id)
    if ws.enterprise_id != extract_enterprise_id(body):
        assert ws.enterprise_id is None and name.startswith("view_submission_slack_connect")


def test_org_wide_uninstalls_come_down_to_the_org_key() -> None:
    for name in (
        "event_app_uninstalled_org_wide_authorizations_docs-adapted.json",
        "event_app_uninstalled_org_wide_bolt-python.json",
    ):
        assert stored_team(workspace_of(body_of(name))) is None
    assert stored_team(workspace_of(body_of("event_app_uninstalled_grid_workspace_bolt-python.json"))) == "T111"  # fmt: skip


def _start(ws: Workspace) -> StartMeeting:
    return StartMeeting(
        key="1.2.abc",
        workspace=ws,
        user_id="W111",
        channel_id="C111",
        title="Plan",
        kind=RoomKind.LONG_TERM,
        expires_at=datetime(2026, 12, 31, tzinfo=UTC),
    )


def test_an_org_wide_install_survives_the_trip_through_the_queue() -> None:
    org = Workspace("T111", "E111", is_enterprise_install=True)
    assert StartMeeting.from_dict(_start(org).to_dict()).workspace == org
    standup = CreateStandup("k", org, "W111", "C111", "Standup", "FREQ=DAILY", "every day")
    assert CreateStandup.from_dict(standup.to_dict()).workspace == org


def test_jobs_queued_by_the_previous_deploy_still_run() -> None:
    """The previous deploy wrote `{"team_id", "enterprise_id"}`; its workers read that back with
    `Workspace(**data)`, so a workspace install is still written in that form."""
    old = _start(Workspace("T111", "E111")).to_dict()
    assert old["workspace"] == {"team_id": "T111", "enterprise_id": "E111"}
    assert Workspace(**old["workspace"]) == Workspace("T111", "E111")
    assert StartMeeting.from_dict(old).workspace == Workspace("T111", "E111", False)
