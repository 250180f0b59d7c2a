"""The local sandbox: `python -m bot` without credentials shows the real bot in a browser.

One process runs the chosen provider's emulator (Meetings or Daily, `emulators`) and the fake
Slack Web API on free local ports (`services`), the real bot (web and worker roles, real Redis)
configured against them on 127.0.0.1, and a small Slack-like page at /sandbox on the bot's own
port (`routes`, `static/`); the room panel drives the emulator (`rooms*`). What a person
does on the page becomes what Slack would send, signed (`relay`); what the bot does to Slack is
read back from the fake's state (`snapshot`) and pushed to the page as server-sent events.
"""

from meetbot_sandbox.demo.emulators import PROVIDERS, choose_provider
from meetbot_sandbox.demo.routes import add_sandbox_routes
from meetbot_sandbox.demo.services import SandboxServices, run_sandbox, start_services

__all__ = [
    "PROVIDERS",
    "SandboxServices",
    "add_sandbox_routes",
    "choose_provider",
    "run_sandbox",
    "start_services",
]
