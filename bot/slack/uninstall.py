"""What meetbot forgets when Slack says it was uninstalled or its tokens were revoked.

The event listeners for `app_uninstalled` and `tokens_revoked` read the installation from the
envelope (`bot.slack.identity.workspace_of`: `authorizations[0]` when Slack sends it, else the
envelope's `enterprise_id`/`team_id`) and make one call here. The envelope shapes differ:
a workspace's has its `team_id`, a Grid workspace's adds `enterprise_id`, and an org-wide
install's says `authorizations[0].is_enterprise_install: true` beside a `team_id`
(https://api.slack.com/enterprise/apps/reference) or carries the `enterprise_id` alone
(bolt-python's fixtures). Org-wide installations are stored without a team, so each shape
must come down to the one key it names. Bolt's built-in handlers ignore org-wide installs and
delete the bot whichever bot user was listed; these do neither.
"""

from __future__ import annotations

from bot.domain.inputs import Workspace
from bot.slack.installations import RedisInstallationStore


def stored_team(ws: Workspace) -> str | None:
    """The team an installation is stored under: none for an org-wide one."""
    return None if ws.is_enterprise_install or not ws.team_id else ws.team_id


async def forget_installation(store: RedisInstallationStore, ws: Workspace) -> None:
    """`app_uninstalled`: drop the bot and every installation of the workspace (or org)."""
    await store.async_delete_all(enterprise_id=ws.enterprise_id, team_id=stored_team(ws))


async def revoke_tokens(
    store: RedisInstallationStore,
    ws: Workspace,
    *,
    bot_user_ids: list[str],
    user_ids: list[str],
) -> None:
    """`tokens_revoked`: `bot_user_ids` is `event.tokens.bot`, `user_ids` is `event.tokens.oauth`.

    The bot goes when its bot user is listed; each listed user loses their installation (and
    with it their user token, also from the workspace's latest installation if they made it).
    """
    team = stored_team(ws)
    if bot_user_ids:
        bot = await store.async_find_bot(
            enterprise_id=ws.enterprise_id, team_id=team, is_enterprise_install=team is None
        )
        if bot is not None and bot.bot_user_id in bot_user_ids:
            await store.async_delete_bot(enterprise_id=ws.enterprise_id, team_id=team)
    for user_id in user_ids:
        await store.async_delete_installation(
            enterprise_id=ws.enterprise_id, team_id=team, user_id=user_id
        )
