"""What meetbot forgets when Slack says it was uninstalled or its tokens were revoked.

The event listeners for `app_uninstalled` and `tokens_revoked` translate the payload into one
call here. Bolt's built-in handlers do much the same but ignore org-wide installs (whose records
have no team) and delete the bot whichever bot user was listed; these do neither.
"""

from __future__ import annotations

from bot.slack.installations import RedisInstallationStore


def _team(team_id: str | None, is_enterprise_install: bool) -> str | None:
    return None if is_enterprise_install else team_id


async def forget_installation(
    store: RedisInstallationStore,
    *,
    enterprise_id: str | None,
    team_id: str | None,
    is_enterprise_install: bool,
) -> None:
    """`app_uninstalled`: drop the bot and every installation of the workspace (or org)."""
    await store.async_delete_all(
        enterprise_id=enterprise_id, team_id=_team(team_id, is_enterprise_install)
    )


async def revoke_tokens(
    store: RedisInstallationStore,
    *,
    enterprise_id: str | None,
    team_id: str | None,
    bot_user_ids: list[str],
    user_ids: list[str],
    is_enterprise_install: bool = False,
) -> None:
    """`tokens_revoked`: `bot_user_ids` is `event.tokens.bot`, `user_ids` is `event.tokens.oauth`.

    The bot goes when its bot user is listed; each listed user loses their installation (and
    with it their user token, also from the workspace's latest installation if they made it).
    """
    team = _team(team_id, is_enterprise_install)
    if bot_user_ids:
        bot = await store.async_find_bot(
            enterprise_id=enterprise_id, team_id=team, is_enterprise_install=is_enterprise_install
        )
        if bot is not None and bot.bot_user_id in bot_user_ids:
            await store.async_delete_bot(enterprise_id=enterprise_id, team_id=team)
    for user_id in user_ids:
        await store.async_delete_installation(
            enterprise_id=enterprise_id, team_id=team, user_id=user_id
        )
