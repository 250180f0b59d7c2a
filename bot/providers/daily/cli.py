"""`python -m bot daily webhook`: point the Daily domain's webhook at this bot, once.

    python -m bot daily webhook                  create or update it, print the secret to set
    python -m bot daily webhook --show           what Daily has now (no secret)
    python -m bot daily webhook --show --reveal-secret

It reads DAILY_API_KEY, DAILY_API_URL, PUBLIC_URL (or PORT) and DAILY_WEBHOOK_SECRET from the
mapping `bot/__main__.py` passes in, and needs no Slack variable. The webhook goes to
`PUBLIC_URL/callbacks/daily` (`--url` overrides), subscribed to the events meetbot
follows. Daily first POSTs a test body there and refuses unless it gets a 200, so the bot
must be running and reachable; it answers that test without a secret.

Secret: an existing DAILY_WEBHOOK_SECRET is sent as the webhook's `hmac`, so the two agree;
without one Daily provisions (or keeps) a secret and returns it, and the command prints the
one line `DAILY_WEBHOOK_SECRET=...` on stdout, the only place it ever goes (prose goes to
stderr, so `export "$(python -m bot daily webhook)"` works). Running it again is harmless: the
webhook with our URL is updated (which also turns a webhook Daily switched off back on).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO
from urllib.parse import urlsplit

import aiohttp

from bot.config import DEFAULT_DAILY_API_URL, ConfigError, DailyAdminSettings
from bot.errors import MeetbotError, ValidationError
from bot.providers.daily.client import DailyClient
from bot.providers.daily.models import DailyWebhook
from bot.providers.daily.webhooks import SUBSCRIBED

ROUTE = "/callbacks/daily"  # bot.cards.daily_route.ROUTE, without importing the web layer
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})  # noqa: S104 - compared


class CliError(Exception):
    """A refusal explained in one line on stderr; exit status 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot daily", description="Set up meetbot's Daily webhook."
    )
    groups = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    hook = groups.add_parser("webhook", help="create or update the webhook to /callbacks/daily")
    hook.add_argument("--show", action="store_true", help="only show the domain's webhooks")
    hook.add_argument(
        "--reveal-secret", action="store_true", help="with --show: print each webhook's secret"
    )
    hook.add_argument("--url", help="where Daily should send events (default: PUBLIC_URL/...)")
    hook.add_argument(
        "--replace",
        action="store_true",
        help="repoint the domain's one other webhook here (its old URL gets no more events)",
    )
    return parser


def target_url(config: DailyAdminSettings, override: str | None) -> str:
    url = override or config.public_url + ROUTE
    host = urlsplit(url).hostname or ""
    if host in _LOCAL_HOSTS and config.daily_api_url == DEFAULT_DAILY_API_URL:
        raise CliError(
            f"{url} is this machine: Daily cannot reach it. Set PUBLIC_URL to the bot's public "
            "https URL (a tunnel works, see docs/slack-app.md) or pass --url."
        )
    return url


async def set_up(
    client: DailyClient, config: DailyAdminSettings, url: str, *, replace: bool, err: TextIO
) -> DailyWebhook:
    """Create the webhook to `url`, or update the one already there; the webhook Daily has."""
    hooks = await client.list_webhooks()
    ours = [hook for hook in hooks if hook.url == url]
    others = [hook for hook in hooks if hook.url != url]
    secret = config.daily_webhook_secret
    hmac = None if secret is None else base64.b64encode(secret).decode()
    events = list(SUBSCRIBED)
    if not ours and others and not replace:
        elsewhere = ", ".join(hook.url for hook in others)
        raise CliError(
            f"the Daily domain already sends its events to {elsewhere}; --replace points that "
            f"webhook at {url} instead (Daily sends each domain's events to its webhooks)"
        )
    if not ours and len(others) > 1:
        raise CliError("several webhooks exist; delete the stale ones in Daily's dashboard first")
    existing = next(iter(ours or others), None)
    try:
        if existing is None:
            made = await client.create_webhook(url, event_types=events, hmac=hmac)
            print(f"Created Daily webhook {made.uuid} -> {made.url}", file=err)
        else:
            made = await client.update_webhook(existing.uuid, url, event_types=events, hmac=hmac)
            print(f"Updated Daily webhook {made.uuid} -> {made.url}", file=err)
    except ValidationError as exc:
        raise CliError(
            f"Daily refused: {exc.message}. Daily first checks that {url} answers 200: is the "
            "bot running and reachable there?"
        ) from exc
    return made


def same_secret(hmac_b64: str | None, configured: bytes | None) -> bool:
    if hmac_b64 is None or configured is None:
        return False
    try:
        return base64.b64decode(hmac_b64, validate=True) == configured
    except ValueError:  # binascii.Error is a ValueError
        return False


def show(hooks: list[DailyWebhook], config: DailyAdminSettings, *, reveal: bool) -> list[str]:
    if not hooks:
        return ["No Daily webhook. Create one: python -m bot daily webhook"]
    configured = config.daily_webhook_secret
    lines: list[str] = []
    for hook in hooks:
        matches = same_secret(hook.hmac, configured)
        lines += [
            f"webhook {hook.uuid}",
            f"  url:           {hook.url}",
            f"  state:         {hook.state or '-'} (failed deliveries: {hook.failed_count})",
            f"  retry:         {hook.retry_type or '-'}",
            f"  events:        {', '.join(hook.event_types) or '-'}",
            "  DAILY_WEBHOOK_SECRET: "
            + ("matches" if matches else "not set" if configured is None else "differs"),
        ]
        if reveal:
            lines.append(f"  secret:        {hook.hmac or '-'}")
    return lines


async def run(
    args: argparse.Namespace, config: DailyAdminSettings, *, out: TextIO, err: TextIO
) -> int:
    async with aiohttp.ClientSession() as session:
        client = DailyClient(session, base_url=config.daily_api_url, api_key=config.daily_api_key)
        if args.show:
            for line in show(await client.list_webhooks(), config, reveal=args.reveal_secret):
                print(line, file=out)
            return 0
        made = await set_up(
            client, config, target_url(config, args.url), replace=args.replace, err=err
        )
    if made.hmac is None:
        raise CliError("Daily returned no secret; see the webhook in Daily's dashboard")
    if same_secret(made.hmac, config.daily_webhook_secret):
        print("DAILY_WEBHOOK_SECRET already matches this webhook; nothing to change.", file=err)
        return 0
    print("Set this variable where the bot runs, then restart it:", file=err)
    print(f"DAILY_WEBHOOK_SECRET={made.hmac}", file=out)
    return 0


async def run_cli(argv: Sequence[str], env: Mapping[str, str], *, out: TextIO, err: TextIO) -> int:
    """Parse, read the Daily variables from `env`, run; 0, or 1 with one line on `err`."""
    try:
        args = build_parser().parse_args(list(argv))
    except SystemExit as exit_:  # argparse already printed the usage line
        return int(exit_.code or 0)
    try:
        return await run(args, DailyAdminSettings.from_env(env), out=out, err=err)
    except ConfigError as exc:
        print(f"error: {'; '.join(exc.problems)}", file=err)
    except (CliError, MeetbotError) as exc:
        print(f"error: {' '.join(str(exc).split())}", file=err)
    return 1


def main(argv: Sequence[str], env: Mapping[str, str]) -> int:
    """`python -m bot daily ARGS`."""
    return asyncio.run(run_cli(argv, env, out=sys.stdout, err=sys.stderr))
