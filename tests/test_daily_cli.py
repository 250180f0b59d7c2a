"""The README's Daily path, in-process against the Daily emulator: a bot started with only
DAILY_API_KEY, SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET makes rooms and warns that cards stay
still; `python -m bot daily webhook` makes the webhook and prints the secret; restarted with
it, the card goes live. Then what the command refuses, shows and hides."""

from __future__ import annotations

import io
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass

import pytest
from aiohttp import web
from aiohttp.test_utils import unused_port
from pytest_aiohttp import AiohttpServer

from bot.config import CREDENTIAL_VARIABLES
from bot.providers.daily.cli import run_cli
from bot.providers.daily.models import DailyWebhook
from bot.providers.daily.webhooks import SUBSCRIBED, UPDATES_OFF_WARNING
from tests.plugins.bot import CREATOR, GENERAL
from tests.plugins.daily import DailyHandle
from tests.plugins.emulator import EmulatorHandle
from tests.plugins.providers import DailyRooms, _running, daily_env
from tests.plugins.slack import FakeSlack
from tests.test_lifecycle_card import card_update, start_on


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


async def cli(argv: Sequence[str], env: Mapping[str, str]) -> Ran:
    out, err = io.StringIO(), io.StringIO()
    code = await run_cli(argv, env, out=out, err=err)
    return Ran(code, out.getvalue(), err.getvalue())


def three_variables(env: Mapping[str, str]) -> dict[str, str]:
    """The bot's test environment as the README's reader has it: no secret, no provider name."""
    return {k: v for k, v in env.items() if k not in ("DAILY_WEBHOOK_SECRET", "ROOM_PROVIDER")}


async def test_the_readme_path_from_three_variables_to_a_live_card(
    daily: DailyHandle,
    emulator: EmulatorHandle,
    slack_api: FakeSlack,
    redis_url: str,
    redis: object,
    aiohttp_server: AiohttpServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack_api.state.add_channel(GENERAL, "general")
    slack_api.state.add_user(CREATOR, "alice")
    port = unused_port()
    env = three_variables(daily_env(emulator, daily, slack_api, redis_url, port))
    credentials = {name for name in CREDENTIAL_VARIABLES if env.get(name)}
    assert credentials == {"DAILY_API_KEY", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
    rooms = DailyRooms(daily, slack_api.state, redis_url)

    with caplog.at_level(logging.WARNING, logger="bot.providers.build"):
        async with _running(env, port, rooms, aiohttp_server, emulator, slack_api) as bot:
            assert UPDATES_OFF_WARNING in caplog.messages  # says how to turn updates on
            made = await cli(["webhook"], env)
            assert made.code == 0 and "Created Daily webhook" in made.err, made.err
            (line,) = made.out.splitlines()  # stdout carries the one line to set, nothing else
            name, _, secret = line.partition("=")
            assert name == "DAILY_WEBHOOK_SECRET" and secret
            (hook,) = daily.state.webhooks.values()
            assert hook.url == f"{bot.url}/callbacks/daily" and hook.hmac == secret
            assert set(hook.event_types) == set(SUBSCRIBED) and hook.retry_type == "exponential"

            card = await start_on(bot)  # rooms work without the secret
            session = await daily.control.start_session(card.room_id)
            assert [d["status"] for d in await daily.control.deliveries()] == [401]
            await daily.control.end_session(session)

    env_with_secret = env | {"DAILY_WEBHOOK_SECRET": secret}
    async with _running(env_with_secret, port, rooms, aiohttp_server, emulator, slack_api) as bot:
        await daily.control.start_session(card.room_id)
        await card_update(bot, card, lambda text: "Live" in text)

        again = await cli(["webhook"], env_with_secret)
        assert again.code == 0 and again.out == "" and "already matches" in again.err
        assert len(daily.state.webhooks) == 1


@pytest.fixture
async def receiver(aiohttp_server: AiohttpServer) -> AsyncIterator[str]:
    """A stand-in for the bot's route: answers Daily's verification with a 200."""

    async def ok(request: web.Request) -> web.Response:
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/callbacks/daily", ok)
    server = await aiohttp_server(app)
    yield str(server.make_url("")).rstrip("/")


def admin_env(daily: DailyHandle, public_url: str, **extra: str) -> dict[str, str]:
    return {
        "DAILY_API_KEY": daily.api_key,
        "DAILY_API_URL": daily.base_url,
        "PUBLIC_URL": public_url,
        **extra,
    }


async def test_show_hides_the_secret_unless_asked(daily: DailyHandle, receiver: str) -> None:
    env = admin_env(daily, receiver)
    assert "No Daily webhook" in (await cli(["webhook", "--show"], env)).out
    secret = (await cli(["webhook"], env)).out.strip().partition("=")[2]
    shown = await cli(["webhook", "--show"], env)
    assert shown.code == 0 and f"{receiver}/callbacks/daily" in shown.out
    assert "ACTIVE" in shown.out and "not set" in shown.out
    assert secret not in shown.out + shown.err
    with_secret = admin_env(daily, receiver, DAILY_WEBHOOK_SECRET=secret)
    assert "DAILY_WEBHOOK_SECRET: matches" in (await cli(["webhook", "--show"], with_secret)).out
    revealed = await cli(["webhook", "--show", "--reveal-secret"], env)
    assert secret in revealed.out


async def test_a_secret_already_set_becomes_the_webhook_s(
    daily: DailyHandle, receiver: str
) -> None:
    env = admin_env(daily, receiver, DAILY_WEBHOOK_SECRET=daily.webhook_secret_b64)
    ran = await cli(["webhook"], env)
    assert ran.code == 0 and ran.out == "" and "already matches" in ran.err
    (hook,) = daily.state.webhooks.values()
    assert hook.secret() == daily.webhook_secret


async def test_another_webhook_of_the_domain_is_only_repointed_when_asked(
    daily: DailyHandle, receiver: str
) -> None:
    daily.state.set_preset_webhook("https://old-host.example/callbacks/daily")
    env = admin_env(daily, receiver)
    refused = await cli(["webhook"], env)
    assert refused.code == 1 and "old-host.example" in refused.err and "--replace" in refused.err
    assert refused.out == ""
    replaced = await cli(["webhook", "--replace"], env)
    assert replaced.code == 0 and "Updated Daily webhook" in replaced.err
    (hook,) = daily.state.webhooks.values()
    assert hook.url == f"{receiver}/callbacks/daily"


async def test_an_unreachable_bot_or_a_local_url_is_explained(daily: DailyHandle) -> None:
    nobody = f"http://127.0.0.1:{unused_port()}"
    ran = await cli(["webhook"], admin_env(daily, nobody))
    assert ran.code == 1 and "is the bot running and reachable" in ran.err
    assert daily.state.webhooks == {}
    # Against the real Daily, a loopback PUBLIC_URL is refused before any request.
    local = await cli(["webhook"], {"DAILY_API_KEY": "k", "PORT": "3000"})
    assert local.code == 1 and "Daily cannot reach it" in local.err and "PUBLIC_URL" in local.err
    missing = await cli(["webhook"], {})
    assert missing.code == 1 and "DAILY_API_KEY" in missing.err


def test_a_webhook_reads_whichever_way_daily_writes_its_state() -> None:
    # Daily documents `state` both as a word and as a number (FAILED 0, ACTIVE 1, STOPPED 2).
    as_number = DailyWebhook.from_json({"uuid": "u", "url": "https://x", "state": 0})
    as_word = DailyWebhook.from_json({"uuid": "u", "url": "https://x", "state": "FAILED"})
    assert as_number.state == as_word.state == "FAILED"
    assert "c2VjcmV0" not in repr(DailyWebhook("u", "https://x", hmac="c2VjcmV0"))
