"""Installations in Redis: what Bolt saves comes back whole, sealed at rest, per workspace or org."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.domain.inputs import Workspace
from bot.slack.installations import InstallationDecryptError, RedisInstallationStore
from bot.slack.uninstall import forget_installation, revoke_tokens

KEY = Fernet.generate_key()
# A float that microsecond rounding would change: installed_at must come back exact.
INSTALLED_AT = 1767225600.1234567


def install(
    team_id: str | None = "T1",
    *,
    user_id: str = "U1",
    enterprise_id: str | None = None,
    bot: str = "xoxb-bot-1",
    bot_user_id: str = "UBOT1",
    user_token: str | None = None,
    org_wide: bool = False,
) -> Installation:
    return Installation(
        app_id="A1",
        enterprise_id=enterprise_id,
        enterprise_name="Acme Grid" if enterprise_id else None,
        team_id=team_id,
        team_name=f"Team {team_id}",
        bot_token=bot,
        bot_id="B1",
        bot_user_id=bot_user_id,
        bot_scopes="commands,chat:write",
        user_id=user_id,
        user_token=user_token,
        user_scopes="search:read" if user_token else "",
        is_enterprise_install=org_wide,
        installed_at=INSTALLED_AT,
    )


@pytest.fixture
def store(redis: aioredis.Redis) -> RedisInstallationStore:
    return RedisInstallationStore(redis, fernet_key=KEY)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


async def key_names(redis: aioredis.Redis) -> set[str]:
    return {_text(key) for key in await redis.keys("*")}


async def everything_stored(redis: aioredis.Redis) -> str:
    """Every key and value in Redis, as one string to search for secrets."""
    parts: list[str] = []
    for key in await key_names(redis):
        parts.append(key)
        if await redis.type(key) == b"string":
            parts.append(_text(await redis.get(key) or b""))
        else:
            parts.extend(_text(member) for member in await redis.smembers(key))
    return "\n".join(parts)


async def test_an_installation_round_trips_whole_and_its_secrets_are_sealed_at_rest(
    store: RedisInstallationStore, redis: aioredis.Redis
) -> None:
    saved = Installation(
        **{
            **install(user_token="xoxp-user-secret").to_dict_for_copying(),
            "bot_refresh_token": "xoxe-bot-refresh",
            "bot_token_expires_at": 1767229200,
            "user_refresh_token": "xoxe-user-refresh",
            "user_token_expires_at": 1767232800,
            "incoming_webhook_url": "https://hooks.slack.com/services/T1/B1/secret",
            "incoming_webhook_channel": "#general",
            "custom_values": {"plan": "pro"},
            "installed_at": INSTALLED_AT,  # to_dict_for_copying rounded it to microseconds
        }
    )
    await store.async_save(saved)

    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert found.to_dict_for_copying() == saved.to_dict_for_copying()
    assert found.installed_at == INSTALLED_AT
    assert (found.bot_token_expires_at, found.user_token_expires_at) == (1767229200, 1767232800)
    assert found.bot_scopes == ["commands", "chat:write"]
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None
    assert bot.to_dict_for_copying() == saved.to_bot().to_dict_for_copying()

    stored = await everything_stored(redis)
    assert "Team T1" in stored  # the rest is plain JSON, so records stay inspectable
    for secret in ("xoxb-bot-1", "xoxp-user-secret", "xoxe-", "hooks.slack.com"):
        assert secret not in stored


async def test_a_wrong_encryption_key_is_a_clear_error_not_garbage(
    store: RedisInstallationStore, redis: aioredis.Redis
) -> None:
    await store.async_save(install())
    other = RedisInstallationStore(redis, fernet_key=Fernet.generate_key())

    with pytest.raises(InstallationDecryptError, match="ENCRYPTION_KEY") as caught:
        await other.async_find_installation(enterprise_id=None, team_id="T1")
    assert "xoxb" not in str(caught.value)
    with pytest.raises(InstallationDecryptError):
        await other.async_find_bot(enterprise_id=None, team_id="T1")


async def test_the_latest_install_of_a_workspace_wins(store: RedisInstallationStore) -> None:
    await store.async_save(install(user_id="U1", bot="xoxb-old"))
    await store.async_save(install(user_id="U2", bot="xoxb-new"))

    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.user_id, found.bot_token) == ("U2", "xoxb-new")
    bot = await store.async_find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == "xoxb-new"


async def test_a_user_only_install_keeps_the_workspaces_bot(store: RedisInstallationStore) -> None:
    await store.async_save(install(user_id="U1", bot="xoxb-1"))
    user_only = install(user_id="U2", user_token="xoxp-u2")
    user_only.bot_token = user_only.bot_id = user_only.bot_user_id = None
    await store.async_save(user_only)

    found = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert found is not None
    assert (found.user_id, found.user_token, found.bot_token) == ("U2", "xoxp-u2", "xoxb-1")


async def test_grid_workspaces_are_separate_and_an_org_install_is_found_from_any_team(
    store: RedisInstallationStore,
) -> None:
    await store.async_save(install("T1", enterprise_id="E1", bot="xoxb-t1"))
    await store.async_save(install("T2", enterprise_id="E1", bot="xoxb-t2"))
    await store.async_save(install(None, enterprise_id="E2", bot="xoxb-org", org_wide=True))

    for team, token in (("T1", "xoxb-t1"), ("T2", "xoxb-t2")):
        found = await store.async_find_installation(enterprise_id="E1", team_id=team)
        assert found is not None and found.bot_token == token
    assert await store.async_find_installation(enterprise_id="E1", team_id="T3") is None
    assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None

    for any_team in ("T7", "T8", None):
        org = await store.async_find_installation(
            enterprise_id="E2", team_id=any_team, is_enterprise_install=True
        )
        assert org is not None and org.bot_token == "xoxb-org" and org.is_enterprise_install
        bot = await store.async_find_bot(
            enterprise_id="E2", team_id=any_team, is_enterprise_install=True
        )
        assert bot is not None and bot.bot_token == "xoxb-org"


async def test_an_org_install_saved_with_a_team_is_still_keyed_to_the_org(
    store: RedisInstallationStore,
) -> None:
    await store.async_save(install("T9", enterprise_id="E2", bot="xoxb-org", org_wide=True))

    org = await store.async_find_installation(
        enterprise_id="E2", team_id="T1", is_enterprise_install=True
    )
    assert org is not None and org.bot_token == "xoxb-org"


async def test_each_user_finds_their_own_user_token_beside_the_latest_bot(
    store: RedisInstallationStore,
) -> None:
    await store.async_save(install(user_id="U1", user_token="xoxp-u1", bot="xoxb-1"))
    await store.async_save(install(user_id="U2", user_token="xoxp-u2", bot="xoxb-2"))
    await store.async_save(install(user_id="U3", bot="xoxb-3"))  # bot-only reinstall

    u1 = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert u1 is not None
    assert (u1.user_id, u1.user_token, u1.bot_token) == ("U1", "xoxp-u1", "xoxb-3")
    # A bot-only installer has no per-user installation: Bolt finds them as the latest installer.
    for nobody in ("U3", "U9"):
        assert (
            await store.async_find_installation(enterprise_id=None, team_id="T1", user_id=nobody)
            is None
        )
    latest = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert latest is not None and (latest.user_id, latest.user_token) == ("U3", None)


async def test_deleting_the_bot_takes_its_token_out_of_every_installation(
    store: RedisInstallationStore,
) -> None:
    await store.async_save(install(user_id="U1", user_token="xoxp-u1"))
    await store.async_delete_bot(enterprise_id=None, team_id="T1")

    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    for user_id in (None, "U1"):
        found = await store.async_find_installation(
            enterprise_id=None, team_id="T1", user_id=user_id
        )
        assert found is not None and (found.bot_token, found.user_token) == (None, "xoxp-u1")


async def test_deleting_a_users_installation_drops_their_token_and_keeps_the_bot(
    store: RedisInstallationStore,
) -> None:
    await store.async_save(install(user_id="U1", user_token="xoxp-u1"))
    await store.async_save(install(user_id="U2", user_token="xoxp-u2"))
    await store.async_delete_installation(enterprise_id=None, team_id="T1", user_id="U2")

    assert (
        await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U2") is None
    )
    u1 = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1")
    assert u1 is not None and u1.user_token == "xoxp-u1"
    latest = await store.async_find_installation(enterprise_id=None, team_id="T1")
    assert latest is not None
    assert (latest.user_id, latest.user_token, latest.bot_token) == ("U2", None, "xoxb-bot-1")


async def test_delete_installation_and_delete_all(
    store: RedisInstallationStore, redis: aioredis.Redis
) -> None:
    await store.async_save(install(user_id="U1", user_token="xoxp-u1"))
    await store.async_save(install(user_id="U2", user_token="xoxp-u2"))
    await store.async_save(install("T2", bot="xoxb-other"))

    await store.async_delete_installation(enterprise_id=None, team_id="T1")
    for user_id in (None, "U1", "U2"):
        assert (
            await store.async_find_installation(enterprise_id=None, team_id="T1", user_id=user_id)
            is None
        )
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is not None

    await store.async_delete_all(enterprise_id=None, team_id="T1")
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert await key_names(redis) == {
        "meetbot:install:-:T2",
        "meetbot:bot:-:T2",
        "meetbot:install-team:T2",
    }


async def test_apps_sharing_a_redis_keep_their_installations_apart(redis: aioredis.Redis) -> None:
    first = RedisInstallationStore(redis, fernet_key=KEY, client_id="111.1")
    second = RedisInstallationStore(redis, fernet_key=KEY, client_id="222.2")
    await first.async_save(install())

    assert await second.async_find_installation(enterprise_id=None, team_id="T1") is None
    assert await first.async_find_installation(enterprise_id=None, team_id="T1") is not None


async def test_app_uninstalled_forgets_the_workspace_or_org_and_nothing_else(
    store: RedisInstallationStore, redis: aioredis.Redis
) -> None:
    await store.async_save(install("T1", enterprise_id="E1", user_token="xoxp-u1"))
    await store.async_save(install("T2", enterprise_id="E1"))
    await store.async_save(install(None, enterprise_id="E2", org_wide=True, user_token="xoxp-o"))

    await forget_installation(store, Workspace("T1", "E1"))
    await forget_installation(store, Workspace("T5", "E2", is_enterprise_install=True))

    assert await key_names(redis) == {
        "meetbot:install:E1:T2",
        "meetbot:bot:E1:T2",
        "meetbot:install-team:T2",
    }


async def test_tokens_revoked_drops_the_listed_bot_and_users(store: RedisInstallationStore) -> None:
    await store.async_save(install(user_id="U1", user_token="xoxp-u1"))
    await store.async_save(install(user_id="U2", user_token="xoxp-u2"))

    await revoke_tokens(store, Workspace("T1"), bot_user_ids=["UOTHER"], user_ids=[])
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is not None

    await revoke_tokens(store, Workspace("T1"), bot_user_ids=["UBOT1"], user_ids=["U1"])
    assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
    assert (
        await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U1") is None
    )
    u2 = await store.async_find_installation(enterprise_id=None, team_id="T1", user_id="U2")
    assert u2 is not None and (u2.user_token, u2.bot_token) == ("xoxp-u2", None)


async def test_tokens_revoked_in_an_org_wide_install(store: RedisInstallationStore) -> None:
    await store.async_save(install(None, enterprise_id="E2", org_wide=True, user_token="xoxp-o"))

    await revoke_tokens(
        store,
        Workspace("T5", "E2", is_enterprise_install=True),
        bot_user_ids=["UBOT1"],
        user_ids=["U1"],
    )
    assert await store.async_find_bot(enterprise_id="E2", team_id=None) is None
    assert (
        await store.async_find_installation(enterprise_id="E2", team_id=None, user_id="U1") is None
    )


async def serving(store: RedisInstallationStore, ws: Workspace) -> str | None:
    bot = await store.async_find_serving_bot(
        enterprise_id=ws.enterprise_id,
        team_id=ws.team_id,
        is_enterprise_install=ws.is_enterprise_install,
    )
    return None if bot is None else bot.bot_token


async def test_a_workspace_is_served_by_its_own_install_else_by_its_orgs_org_wide_one(
    store: RedisInstallationStore,
) -> None:
    """A card, a standup or App Home knows only the workspace and its org: an org-wide install
    is stored under the org alone and must still be found from any workspace of that org."""
    await store.async_save(install(None, enterprise_id="E1", bot="xoxb-org", org_wide=True))
    await store.async_save(install("T2", enterprise_id="E1", bot="xoxb-t2"))

    assert await serving(store, Workspace("T1", "E1")) == "xoxb-org"
    assert await serving(store, Workspace("T3", "E1", is_enterprise_install=True)) == "xoxb-org"
    assert await serving(store, Workspace("T2", "E1")) == "xoxb-t2", "its own install first"
    assert await serving(store, Workspace("T1", "E9")) is None, "another org's workspace"
    assert await serving(store, Workspace("T1")) is None
    assert await serving(store, Workspace("", None)) is None


async def test_a_workspace_is_found_by_its_id_when_a_payload_names_another_org(
    store: RedisInstallationStore,
) -> None:
    """A modal opened from a Slack Connect channel names the submitter's org and only our
    workspace (`view.app_installed_team_id`): the workspace's install is found regardless,
    before any org-wide install of the submitter's org."""
    await store.async_save(install("THOST", enterprise_id="EHOST", bot="xoxb-host"))
    await store.async_save(install("TPLAIN", bot="xoxb-plain"))
    await store.async_save(install(None, enterprise_id="EOTHER", bot="xoxb-other", org_wide=True))

    assert await serving(store, Workspace("THOST", "EOTHER")) == "xoxb-host"
    assert await serving(store, Workspace("THOST")) == "xoxb-host"
    assert await serving(store, Workspace("TPLAIN", "EOTHER")) == "xoxb-plain"

    await forget_installation(store, Workspace("THOST", "EHOST"))
    assert await serving(store, Workspace("THOST")) is None


async def test_installations_saved_before_the_workspace_index_are_still_found(
    store: RedisInstallationStore, redis: aioredis.Redis
) -> None:
    await store.async_save(install("TPLAIN", bot="xoxb-plain"))
    await store.async_save(install("THOST", enterprise_id="EHOST", bot="xoxb-host"))
    await redis.delete("meetbot:install-team:TPLAIN", "meetbot:install-team:THOST")  # old deploy

    assert await serving(store, Workspace("TPLAIN", "EOTHER")) == "xoxb-plain"
    assert await serving(store, Workspace("THOST", "EHOST")) == "xoxb-host"
    assert await serving(store, Workspace("THOST", "EOTHER")) == "xoxb-host", "index written"
