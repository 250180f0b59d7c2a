"""Settings: the one place that reads the environment (DESIGN §3; names are a fixed contract).

`Settings.from_env(mapping)` parses everything at once and raises `ConfigError` listing every
missing or malformed variable, so an operator fixes them in one go rather than one per restart.
Secrets are kept out of `repr` so a logged Settings object leaks nothing.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_MEETINGS_API_URL = "https://api-eu.vonage.com/v1/meetings"
DEFAULT_DAILY_API_URL = "https://api.daily.co/v1"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class ConfigError(Exception):
    """Raised with every configuration problem found, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("meetbot is not configured:\n" + "\n".join(f"  - {p}" for p in problems))


NO_PROVIDER = (
    "no room provider: set DAILY_API_KEY for Daily (the live provider; DAILY_WEBHOOK_SECRET "
    "for live cards, printed by `python -m bot daily webhook`), or VONAGE_APPLICATION_ID and "
    "VONAGE_PRIVATE_KEY (or VONAGE_PRIVATE_KEY_PATH) for the retired Meetings API or its "
    "emulator (`python -m meetbot_sandbox.meetings`)"
)


class ProviderName(StrEnum):
    MEETINGS = "meetings"
    DAILY = "daily"


class SlackMode(StrEnum):
    SINGLE = "single"  # SLACK_BOT_TOKEN
    OAUTH = "oauth"  # SLACK_CLIENT_ID / SLACK_CLIENT_SECRET


@dataclass(frozen=True)
class Settings:
    port: int
    public_url: str
    redis_url: str
    slack_signing_secret: str = field(repr=False)
    slack_mode: SlackMode
    slack_bot_token: str | None = field(repr=False)
    slack_client_id: str | None
    slack_client_secret: str | None = field(repr=False)
    slack_app_token: str | None = field(repr=False)
    slack_api_url: str
    encryption_key: bytes | None = field(repr=False)
    room_provider: ProviderName
    vonage_application_id: str | None
    vonage_private_key: str | None = field(repr=False)
    meetings_api_url: str
    daily_api_key: str | None = field(repr=False)
    daily_webhook_secret: bytes | None = field(repr=False)
    daily_api_url: str
    reconcile_interval: float = 60.0
    # Issue 16: days after which transcripts and summaries, and recordings, are deleted at the
    # provider (None: kept as long as the provider keeps them).
    notes_retention_days: int | None = None
    recording_retention_days: int | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Parse settings from `env` (default: `os.environ`), reporting every problem at once."""
        return _parse(os.environ if env is None else env)


def process_env() -> Mapping[str, str]:
    """The process environment: handed by `bot.__main__` to whatever parses it (never read
    elsewhere, so tests and tools pass a plain dict instead)."""
    return os.environ


def log_level(env: Mapping[str, str]) -> str:
    """LOG_LEVEL (default INFO): read before Settings, so configuration errors are logged too."""
    return env.get("LOG_LEVEL", "").strip().upper() or "INFO"


# Any of these set means "run against real services": then every missing one is reported.
CREDENTIAL_VARIABLES = (
    "SLACK_SIGNING_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_APP_TOKEN",
    "VONAGE_APPLICATION_ID",
    "VONAGE_PRIVATE_KEY",
    "VONAGE_PRIVATE_KEY_PATH",
    "DAILY_API_KEY",
    "DAILY_WEBHOOK_SECRET",
)


def has_no_credentials(env: Mapping[str, str]) -> bool:
    """No Slack and no room-provider credential at all: a fresh clone, where `python -m bot`
    starts the local sandbox (if installed) instead of refusing to start. Partial credentials
    are a mistake to report, never a reason to fall back to the sandbox."""
    return not any(env.get(name, "").strip() for name in CREDENTIAL_VARIABLES)


def _parse(env: Mapping[str, str]) -> Settings:
    problems: list[str] = []

    def get(name: str) -> str | None:
        value = env.get(name, "").strip()
        return value or None

    def number(name: str, default: float, *, integer: bool = False) -> float:
        raw = get(name)
        if raw is None:
            return default
        try:
            value = int(raw) if integer else float(raw)
        except ValueError:
            problems.append(f"{name}: expected a number, got {raw!r}")
            return default
        if value <= 0:
            problems.append(f"{name}: must be greater than 0, got {raw!r}")
            return default
        return value

    def url(name: str, default: str) -> str:
        value = get(name) or default
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            problems.append(f"{name}: expected an http(s) URL, got {value!r}")
        return value

    port = int(number("PORT", 3000, integer=True))
    if port > 65535:
        problems.append(f"PORT: must be a TCP port (1-65535), got {port}")
    public_url = url("PUBLIC_URL", f"http://127.0.0.1:{port}").rstrip("/")
    redis_url = get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if urlparse(redis_url).scheme not in ("redis", "rediss", "unix"):
        problems.append(f"REDIS_URL: expected a redis:// URL, got {redis_url!r}")

    signing_secret = get("SLACK_SIGNING_SECRET")
    if signing_secret is None:
        problems.append("SLACK_SIGNING_SECRET: required (Slack app > Basic Information)")

    bot_token, client_id, client_secret = (
        get("SLACK_BOT_TOKEN"),
        get("SLACK_CLIENT_ID"),
        get("SLACK_CLIENT_SECRET"),
    )
    mode = SlackMode.SINGLE
    encryption_key: bytes | None = None
    if client_id or client_secret:
        mode = SlackMode.OAUTH
        if not (client_id and client_secret):
            missing = "SLACK_CLIENT_SECRET" if client_id else "SLACK_CLIENT_ID"
            problems.append(f"{missing}: required with the other OAuth variable")
        encryption_key = _encryption_key(get("ENCRYPTION_KEY"), problems)
    elif bot_token is None:
        problems.append(
            "SLACK_BOT_TOKEN: required (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth mode)"
        )
    elif not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN: expected a bot token starting with 'xoxb-'")
    app_token = get("SLACK_APP_TOKEN")
    if app_token is not None and not app_token.startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN: expected an app-level token starting with 'xapp-'")

    application_id = get("VONAGE_APPLICATION_ID")
    daily_key = get("DAILY_API_KEY")
    if not (get("ROOM_PROVIDER") or application_id or daily_key):
        # Neither provider named: point at the one that works today first.
        problems.append(NO_PROVIDER)
    provider_raw = get("ROOM_PROVIDER") or (
        "meetings" if application_id or not daily_key else "daily"
    )
    try:
        provider = ProviderName(provider_raw)
    except ValueError:
        problems.append(f"ROOM_PROVIDER: expected 'meetings' or 'daily', got {provider_raw!r}")
        provider = ProviderName.MEETINGS

    private_key: str | None = None
    daily_secret: bytes | None = None
    if NO_PROVIDER in problems:
        pass  # one line names both providers' variables
    elif provider is ProviderName.MEETINGS:
        if application_id is None:
            problems.append("VONAGE_APPLICATION_ID: required for the Meetings provider")
        private_key = _private_key(
            get("VONAGE_PRIVATE_KEY"), get("VONAGE_PRIVATE_KEY_PATH"), problems
        )
    else:
        if daily_key is None:
            problems.append("DAILY_API_KEY: required for the Daily provider")
        # Optional: without it rooms work and /callbacks/daily refuses every event (a startup
        # warning says so); `python -m bot daily webhook` makes the webhook and prints it.
        daily_secret = _base64("DAILY_WEBHOOK_SECRET", get("DAILY_WEBHOOK_SECRET"), problems)

    meetings_url = url("MEETINGS_API_URL", DEFAULT_MEETINGS_API_URL).rstrip("/")
    daily_url = url("DAILY_API_URL", DEFAULT_DAILY_API_URL).rstrip("/")
    slack_url = url("SLACK_API_URL", DEFAULT_SLACK_API_URL)
    if not slack_url.endswith("/"):
        slack_url += "/"  # slack_sdk joins method names onto the base verbatim
    reconcile = number("RECONCILE_INTERVAL_SECONDS", 60.0)
    notes_days = _days("NOTES_RETENTION_DAYS", get("NOTES_RETENTION_DAYS"), problems)
    recording_days = _days("RECORDING_RETENTION_DAYS", get("RECORDING_RETENTION_DAYS"), problems)

    if problems:
        raise ConfigError(problems)
    assert signing_secret is not None
    return Settings(
        port=port,
        public_url=public_url,
        redis_url=redis_url,
        slack_signing_secret=signing_secret,
        slack_mode=mode,
        slack_bot_token=bot_token if mode is SlackMode.SINGLE else None,
        slack_client_id=client_id,
        slack_client_secret=client_secret,
        slack_app_token=app_token,
        slack_api_url=slack_url,
        encryption_key=encryption_key,
        room_provider=provider,
        vonage_application_id=application_id,
        vonage_private_key=private_key,
        meetings_api_url=meetings_url,
        daily_api_key=daily_key,
        daily_webhook_secret=daily_secret,
        daily_api_url=daily_url,
        reconcile_interval=reconcile,
        notes_retention_days=notes_days,
        recording_retention_days=recording_days,
    )


def _days(name: str, raw: str | None, problems: list[str]) -> int | None:
    """A retention in whole days (1 to 365); unset, empty, "0" or "off" turns it off."""
    if raw is None or raw.strip().lower() in ("", "off", "0"):
        return None
    try:
        days = int(raw.strip())
    except ValueError:
        problems.append(f"{name}: expected a whole number of days, got {raw!r}")
        return None
    if not 1 <= days <= 365:
        problems.append(f"{name}: expected 1 to 365 days (or unset for no retention), got {days}")
        return None
    return days


def _private_key(inline: str | None, path: str | None, problems: list[str]) -> str | None:
    if inline is None and path is None:
        problems.append("VONAGE_PRIVATE_KEY or VONAGE_PRIVATE_KEY_PATH: required (RSA key, PEM)")
        return None
    if inline is not None:
        # Platforms that cannot hold newlines in a variable get '\n' escapes.
        pem = inline.replace("\\n", "\n")
        name = "VONAGE_PRIVATE_KEY"
    else:
        assert path is not None
        name = "VONAGE_PRIVATE_KEY_PATH"
        try:
            pem = Path(path).read_text()
        except OSError as exc:
            problems.append(f"{name}: cannot read {path!r} ({exc.strerror})")
            return None
    if "PRIVATE KEY-----" not in pem:
        problems.append(f"{name}: expected a PEM private key ('-----BEGIN PRIVATE KEY-----')")
        return None
    return pem


def _encryption_key(raw: str | None, problems: list[str]) -> bytes | None:
    if raw is None:
        problems.append(
            "ENCRYPTION_KEY: required in OAuth mode (a Fernet key: "
            'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")'
        )
        return None
    key = raw.encode()
    try:
        if len(base64.urlsafe_b64decode(key)) != 32:
            raise ValueError
    except (binascii.Error, ValueError):
        problems.append("ENCRYPTION_KEY: expected a Fernet key (32 bytes, url-safe base64)")
        return None
    return key


def _base64(name: str, raw: str | None, problems: list[str]) -> bytes | None:
    if raw is None:
        return None
    try:
        decoded = base64.b64decode(raw, validate=True)
    except binascii.Error:
        decoded = b""
    if not decoded:  # an HMAC under an empty key is one anybody can compute
        problems.append(
            f"{name}: expected the webhook's base64 secret (python -m bot daily webhook)"
        )
        return None
    return decoded


@dataclass(frozen=True)
class DailyAdminSettings:
    """What `python -m bot daily ...` needs: the Daily variables and PUBLIC_URL, not Slack's."""

    daily_api_key: str = field(repr=False)
    daily_api_url: str
    public_url: str
    daily_webhook_secret: bytes | None = field(repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DailyAdminSettings:
        """Raises ConfigError listing every missing or malformed variable."""
        problems: list[str] = []
        key = env.get("DAILY_API_KEY", "").strip()
        if not key:
            problems.append("DAILY_API_KEY: required (Daily dashboard > Developers)")
        secret = _base64(
            "DAILY_WEBHOOK_SECRET", env.get("DAILY_WEBHOOK_SECRET", "").strip() or None, problems
        )
        api_url = _http_url(env, "DAILY_API_URL", DEFAULT_DAILY_API_URL, problems)
        port = env.get("PORT", "").strip() or "3000"
        public_url = _http_url(env, "PUBLIC_URL", f"http://127.0.0.1:{port}", problems)
        if problems:
            raise ConfigError(problems)
        return cls(key, api_url.rstrip("/"), public_url.rstrip("/"), secret)


def _http_url(env: Mapping[str, str], name: str, default: str, problems: list[str]) -> str:
    value = env.get(name, "").strip() or default
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        problems.append(f"{name}: expected an http(s) URL, got {value!r}")
    return value
