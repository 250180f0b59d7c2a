"""`app_uninstalled` and `tokens_revoked` remove exactly the installation their envelope names,
in every shape Slack sends them: a workspace's, a Grid workspace's, one with `authorizations`,
and an org-wide install's (with `authorizations[0].is_enterprise_install: true` beside a
`team_id`, and with the `enterprise_id` alone). Real bodies: tests/fixtures/slack/.

Beside each target sit installations a careless reading would hit instead: the workspace the
org-wide envelope names, the org of a Grid workspace, and other workspaces with the same bot
user id (so only the installation's key can tell them apart).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import slack_corpus as corpus
from tests.plugins.bot import RunningBot
from tests.plugins.installs import Installed, install_as, installation_store, oauth_bot

__all__ = ["oauth_bot"]

BOT = "UXXXXXXXX"  # the bot user the docs' tokens_revoked sample lists


@dataclass(frozen=True)
class Envelope:
    sample: str
    target: Installed
    bystanders: tuple[Installed, ...]


PLAIN = Installed("TXXXXXXXX", bot_user_id=BOT)
GRID = Installed("T111", "E111", bot_user_id=BOT)
GRID_ORG = Installed("T111", "E111", org_wide=True, bot_user_id=BOT)
DOCS_ORG = Installed("T423567", "E324567", org_wide=True, bot_user_id=BOT)
DOCS_ORG_WORKSPACE = Installed("T423567", "E324567", bot_user_id=BOT)
OTHERS = (Installed("T0OTHER", bot_user_id=BOT), Installed("T222", "E111", bot_user_id=BOT))

ENVELOPES = {
    "uninstalled-workspace-docs": Envelope(
        "event_app_uninstalled_workspace_docs.json", PLAIN, (GRID, *OTHERS)
    ),
    "uninstalled-grid-workspace": Envelope(
        "event_app_uninstalled_grid_workspace_bolt-python.json", GRID, (GRID_ORG, *OTHERS)
    ),
    "uninstalled-with-authorizations": Envelope(
        "event_app_uninstalled_with_authorizations_bolt-python.json",
        Installed("T_INSTALLED", "E_INSTALLED", bot_user_id=BOT),
        (Installed("T_INSTALLED", "E_INSTALLED", org_wide=True, bot_user_id=BOT), *OTHERS),
    ),
    "uninstalled-org-wide-authorizations-docs": Envelope(
        "event_app_uninstalled_org_wide_authorizations_docs-adapted.json",
        DOCS_ORG,
        (DOCS_ORG_WORKSPACE, *OTHERS),
    ),
    "uninstalled-org-wide-enterprise-only": Envelope(
        "event_app_uninstalled_org_wide_bolt-python.json", GRID_ORG, (GRID, *OTHERS)
    ),
    "revoked-workspace-docs": Envelope(
        "event_tokens_revoked_workspace_docs.json", PLAIN, (GRID, *OTHERS)
    ),
    "revoked-grid-workspace": Envelope(
        "event_tokens_revoked_grid_workspace_bolt-python.json", GRID, (GRID_ORG, *OTHERS)
    ),
    "revoked-with-authorizations": Envelope(
        "event_tokens_revoked_with_authorizations_bolt-python.json",
        Installed("T_INSTALLED", "E_INSTALLED", bot_user_id=BOT),
        OTHERS,
    ),
    "revoked-org-wide-authorizations-docs": Envelope(
        "event_tokens_revoked_org_wide_authorizations_docs-adapted.json",
        DOCS_ORG,
        (DOCS_ORG_WORKSPACE, *OTHERS),
    ),
    "revoked-org-wide-enterprise-only": Envelope(
        "event_tokens_revoked_org_wide_bolt-python.json",
        Installed("T111", "E111", org_wide=True, bot_user_id="W222"),
        (Installed("T111", "E111", bot_user_id="W222"), *OTHERS),
    ),
}


async def still_installed(bot: RunningBot, installed: Installed) -> bool:
    store = installation_store(bot)
    team = None if installed.org_wide else installed.team_id
    found = await store.async_find_bot(
        enterprise_id=installed.enterprise_id,
        team_id=team,
        is_enterprise_install=installed.org_wide,
    )
    return found is not None


@pytest.mark.parametrize("name", list(ENVELOPES))
async def test_the_envelope_removes_exactly_its_installation(
    oauth_bot: RunningBot,
    name: str,
) -> None:
    envelope = ENVELOPES[name]
    for installed in (envelope.target, *envelope.bystanders):
        await install_as(oauth_bot, installed)

    reply = await oauth_bot.post_slack(corpus.event(envelope.sample))

    assert reply.status == 200
    assert not await still_installed(oauth_bot, envelope.target)
    for bystander in envelope.bystanders:
        assert await still_installed(oauth_bot, bystander), bystander
