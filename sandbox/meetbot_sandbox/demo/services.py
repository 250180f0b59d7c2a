"""The sandbox's own servers and how the real bot is pointed at them.

`start_services(provider)` runs the fake Slack Web API and the chosen provider's emulator
(`emulators`) on free ports of 127.0.0.1 with fresh credentials (a bot token, a signing
secret, the provider's keys); nothing is written to disk. `run_sandbox(env, provider)` then
runs the real bot (`bot.app`, both roles), configured by `bot.config` from those credentials, on
127.0.0.1 only (the page signs requests for it), with the sandbox page mounted on its port.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from bot.app import build, create_web_app
from bot.config import ProviderName, Settings
from bot.run import run_until_stopped
from meetbot_sandbox.demo.emulators import LOCALHOST, STARTERS, Emulated, serve_locally
from meetbot_sandbox.demo.relay import Relay
from meetbot_sandbox.demo.routes import Sandbox, add_sandbox_routes
from meetbot_sandbox.demo.transcript import Transcript
from meetbot_sandbox.demo.workspace import seed_workspace
from meetbot_sandbox.slack import FakeSlackState, create_fake_slack_app


@dataclass
class SandboxServices:
    slack: FakeSlackState
    emulated: Emulated
    http: aiohttp.ClientSession
    slack_url: str  # root of the fake Slack: the Web API is at {slack_url}/api/
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)

    def bot_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`env` (PORT, REDIS_URL, LOG_LEVEL...) plus what points the bot at the local fakes."""
        return {
            **self.emulated.defaults,
            **env,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_API_URL": f"{self.slack_url}/api/",
            **self.emulated.env,
        }

    def sandbox(self, bot_url: str) -> Sandbox:
        """The page's collaborators, relaying to the bot at `bot_url` (http://host:port)."""
        transcript = Transcript()
        relay = Relay(
            http=self.http,
            events_url=f"{bot_url.rstrip('/')}/slack/events",
            signing_secret=self.signing_secret,
            state=self.slack,
            transcript=transcript,
        )
        return Sandbox(self.slack, relay, self.emulated.rooms, transcript)


@asynccontextmanager
async def start_services(
    provider: ProviderName = ProviderName.MEETINGS,
) -> AsyncIterator[SandboxServices]:
    bot_token = f"xoxb-sandbox-{secrets.token_hex(12)}"
    slack = FakeSlackState(valid_tokens={bot_token})
    seed_workspace(slack)
    runners: list[web.AppRunner] = []
    try:
        async with aiohttp.ClientSession() as http:
            emulated = await STARTERS[provider](slack, http, runners)
            slack_url = await serve_locally(create_fake_slack_app(slack), runners)
            slack.base_url = slack_url
            yield SandboxServices(
                slack=slack,
                emulated=emulated,
                http=http,
                slack_url=slack_url,
                bot_token=bot_token,
                signing_secret=secrets.token_hex(16),
            )
    finally:
        for runner in reversed(runners):
            await runner.cleanup()


def sandbox_url(port: int) -> str:
    return f"http://{LOCALHOST}:{port}/sandbox"


async def run_sandbox(
    env: Mapping[str, str], provider: ProviderName = ProviderName.MEETINGS
) -> None:
    """The real bot (web and worker roles, Redis at REDIS_URL) against the local fakes, the
    page at /sandbox on its port. Prints that URL, one line, once the port is bound.

    Raises ConfigError when the rest of `env` is malformed (a bad PORT or REDIS_URL).
    """
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # The fake Slack logs every Web API call; the page shows them better.
        logging.getLogger("meetbot_sandbox.slack.web_api").setLevel(logging.WARNING)
    async with start_services(provider) as services:
        settings = Settings.from_env(services.bot_env(env))
        sandbox = services.sandbox(f"http://{LOCALHOST}:{settings.port}")

        components = await build(settings)
        services.emulated.connect(components)
        app = create_web_app(components)
        add_sandbox_routes(app, sandbox)
        await run_until_stopped(
            components,
            web_app=app,
            worker=True,
            host=LOCALHOST,
            on_listening=lambda: print(sandbox_url(settings.port), flush=True),
        )
