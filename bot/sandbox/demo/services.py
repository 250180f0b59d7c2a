"""The sandbox's own servers and how the real bot is pointed at them.

`start_services()` runs the Meetings emulator and the fake Slack Web API on free ports of
127.0.0.1 with fresh credentials (an RSA key pair, a bot token, a signing secret); nothing is
written to disk. `run_sandbox(env)` then runs the real bot, `bot.run.serve`, configured by
`bot.config` from those credentials, with the sandbox page mounted on its port.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.config import Settings
from bot.run import Role, WebExtras, serve
from bot.sandbox.demo.relay import Relay
from bot.sandbox.demo.rooms import RoomControls
from bot.sandbox.demo.routes import Sandbox, add_sandbox_routes
from bot.sandbox.demo.transcript import Transcript
from bot.sandbox.demo.workspace import seed_workspace
from bot.sandbox.meetings import (
    API_PREFIX,
    STATE_KEY,
    EmulatorControl,
    EmulatorState,
    create_emulator_app,
)
from bot.sandbox.slack import FakeSlackState, create_fake_slack_app

LOCALHOST = "127.0.0.1"
# Room providers the sandbox can emulate. Daily (bot.sandbox.daily) joins here once its
# emulator exists: a provider then picks its fake and its variables in `bot_env`.
PROVIDERS = ("meetings",)


@dataclass
class SandboxServices:
    slack: FakeSlackState
    emulator: EmulatorState
    control: EmulatorControl
    http: aiohttp.ClientSession
    slack_url: str  # root of the fake Slack: the Web API is at {slack_url}/api/
    emulator_url: str  # root of the emulator: the API is at {emulator_url}/v1/meetings
    application_id: str
    private_key_pem: str = field(repr=False)
    bot_token: str = field(repr=False)
    signing_secret: str = field(repr=False)

    def bot_env(self, env: Mapping[str, str]) -> dict[str, str]:
        """`env` (PORT, REDIS_URL, LOG_LEVEL...) plus what points the bot at the local fakes."""
        return {
            **env,
            "SLACK_SIGNING_SECRET": self.signing_secret,
            "SLACK_BOT_TOKEN": self.bot_token,
            "SLACK_API_URL": f"{self.slack_url}/api/",
            "ROOM_PROVIDER": "meetings",
            "VONAGE_APPLICATION_ID": self.application_id,
            "VONAGE_PRIVATE_KEY": self.private_key_pem,
            "MEETINGS_API_URL": self.emulator_url + API_PREFIX,
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
        rooms = RoomControls(self.control, self.emulator, self.slack)
        return Sandbox(self.slack, self.emulator, relay, rooms, transcript)


async def _serve(app: web.Application, runners: list[web.AppRunner]) -> str:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    runners.append(runner)
    site = web.TCPSite(runner, LOCALHOST, 0)
    await site.start()
    port = runner.addresses[0][1]
    return f"http://{LOCALHOST}:{port}"


@asynccontextmanager
async def start_services() -> AsyncIterator[SandboxServices]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    application_id = str(uuid.uuid4())
    bot_token = f"xoxb-sandbox-{secrets.token_hex(12)}"
    emulator_app = create_emulator_app(application_id=application_id, public_key_pem=public_pem)
    slack = FakeSlackState(valid_tokens={bot_token})
    seed_workspace(slack)
    runners: list[web.AppRunner] = []
    try:
        emulator_url = await _serve(emulator_app, runners)
        slack_url = await _serve(create_fake_slack_app(slack), runners)
        slack.base_url = slack_url
        async with aiohttp.ClientSession() as http:
            yield SandboxServices(
                slack=slack,
                emulator=emulator_app[STATE_KEY],
                control=EmulatorControl(http, emulator_url),
                http=http,
                slack_url=slack_url,
                emulator_url=emulator_url,
                application_id=application_id,
                private_key_pem=private_pem,
                bot_token=bot_token,
                signing_secret=secrets.token_hex(16),
            )
    finally:
        for runner in reversed(runners):
            await runner.cleanup()


def sandbox_url(port: int) -> str:
    return f"http://{LOCALHOST}:{port}/sandbox"


async def run_sandbox(env: Mapping[str, str]) -> None:
    """The real bot (web and worker roles, Redis at REDIS_URL) against the local fakes, the
    page at /sandbox on its port. Prints that URL, one line, once the port is bound.

    Raises ConfigError when the rest of `env` is malformed (a bad PORT or REDIS_URL).
    """
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # The fake Slack logs every Web API call; the page shows them better.
        logging.getLogger("bot.sandbox.slack.web_api").setLevel(logging.WARNING)
    async with start_services() as services:
        settings = Settings.from_env(services.bot_env(env))
        sandbox = services.sandbox(f"http://{LOCALHOST}:{settings.port}")
        extras = WebExtras(
            attach=lambda app, _components: add_sandbox_routes(app, sandbox),
            listening=lambda: print(sandbox_url(settings.port), flush=True),
        )
        await serve(settings, Role.ALL, extras=extras)
