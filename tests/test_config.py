"""An operator reading a config error learns every problem at once, by variable name."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from meetbot_sandbox.meetings.keypair import KeyPair

from bot.config import NO_PROVIDER, ConfigError, ProviderName, Settings, SlackMode


def base_env(keys: KeyPair) -> dict[str, str]:
    return {
        "SLACK_SIGNING_SECRET": "s3cret",
        "SLACK_BOT_TOKEN": "xoxb-1-2-3",
        "VONAGE_APPLICATION_ID": "app-1",
        "VONAGE_PRIVATE_KEY": keys.private_pem,
    }


def test_defaults_follow_the_contract(rsa_keypair: KeyPair) -> None:
    settings = Settings.from_env(base_env(rsa_keypair))
    assert settings.port == 3000
    assert settings.public_url == "http://127.0.0.1:3000"
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.meetings_api_url == "https://api-eu.vonage.com/v1/meetings"
    assert settings.room_provider is ProviderName.MEETINGS
    assert settings.slack_mode is SlackMode.SINGLE


def test_public_url_defaults_to_the_port() -> None:
    with pytest.raises(ConfigError):
        Settings.from_env({"PORT": "8080"})
    env = {"PORT": "8080", "SLACK_SIGNING_SECRET": "x", "SLACK_BOT_TOKEN": "xoxb-1"}
    env |= {"VONAGE_APPLICATION_ID": "a", "VONAGE_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\n"}
    assert Settings.from_env(env).public_url == "http://127.0.0.1:8080"


def test_every_missing_variable_is_reported_at_once() -> None:
    with pytest.raises(ConfigError) as info:
        Settings.from_env({})
    message = str(info.value)
    for name in (
        "SLACK_SIGNING_SECRET",
        "SLACK_BOT_TOKEN",
        "DAILY_API_KEY",
        "VONAGE_APPLICATION_ID",
        "VONAGE_PRIVATE_KEY",
    ):
        assert name in message
    # Slack credentials without a provider: both providers named, Daily (the live one) first.
    assert message.index("DAILY_API_KEY") < message.index("VONAGE_APPLICATION_ID")


def test_slack_credentials_alone_name_both_providers_daily_first() -> None:
    env = {"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"}
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    assert info.value.problems == [NO_PROVIDER]
    assert NO_PROVIDER.index("DAILY_API_KEY") < NO_PROVIDER.index("VONAGE_APPLICATION_ID")


def test_malformed_values_name_their_variable(rsa_keypair: KeyPair) -> None:
    env = base_env(rsa_keypair) | {
        "PORT": "eighty",
        "PUBLIC_URL": "example.com",
        "REDIS_URL": "http://localhost",
        "SLACK_BOT_TOKEN": "xoxp-user-token",
        "ROOM_PROVIDER": "zoom",
    }
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    problems = "\n".join(info.value.problems)
    for name in ("PORT", "PUBLIC_URL", "REDIS_URL", "SLACK_BOT_TOKEN", "ROOM_PROVIDER"):
        assert name in problems


def test_secrets_stay_out_of_repr(rsa_keypair: KeyPair) -> None:
    settings = Settings.from_env(base_env(rsa_keypair))
    text = repr(settings)
    assert "s3cret" not in text and "xoxb-1-2-3" not in text and "PRIVATE KEY" not in text


def test_oauth_mode_needs_a_fernet_key(rsa_keypair: KeyPair) -> None:
    env = base_env(rsa_keypair) | {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "cs"}
    with pytest.raises(ConfigError, match="ENCRYPTION_KEY"):
        Settings.from_env(env)
    with pytest.raises(ConfigError, match="Fernet key"):
        Settings.from_env(env | {"ENCRYPTION_KEY": "not-a-key"})
    key = Fernet.generate_key().decode()
    settings = Settings.from_env(env | {"ENCRYPTION_KEY": key})
    assert settings.slack_mode is SlackMode.OAUTH
    assert settings.slack_bot_token is None


def test_private_key_from_a_file(rsa_keypair: KeyPair, tmp_path: Path) -> None:
    env = base_env(rsa_keypair)
    del env["VONAGE_PRIVATE_KEY"]
    path = tmp_path / "private.key"
    path.write_text(rsa_keypair.private_pem)
    assert Settings.from_env(env | {"VONAGE_PRIVATE_KEY_PATH": str(path)}).vonage_private_key
    with pytest.raises(ConfigError, match="cannot read"):
        Settings.from_env(env | {"VONAGE_PRIVATE_KEY_PATH": str(tmp_path / "missing.key")})


def test_daily_provider_needs_its_key_not_its_webhook_secret() -> None:
    env = {"SLACK_SIGNING_SECRET": "x", "SLACK_BOT_TOKEN": "xoxb-1", "ROOM_PROVIDER": "daily"}
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    # The secret comes later, from `python -m bot daily webhook` (README, Using Daily).
    assert "DAILY_API_KEY" in str(info.value) and "DAILY_WEBHOOK_SECRET" not in str(info.value)


def test_log_level_defaults_to_info() -> None:
    from bot.config import log_level

    assert log_level({}) == "INFO"
    assert log_level({"LOG_LEVEL": "debug"}) == "DEBUG"
