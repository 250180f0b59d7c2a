"""The local sandbox: `python -m bot` without credentials shows the real bot in a browser.

One process runs the Meetings emulator and the fake Slack Web API on free local ports
(`services`), the real bot (web and worker roles, real Redis) configured against them, and a
small Slack-like page at /sandbox on the bot's own port (`routes`, `static/`). What a person
does on the page becomes what Slack would send, signed (`relay`); what the bot does to Slack is
read back from the fake's state (`snapshot`) and pushed to the page as server-sent events.
"""

from bot.sandbox.demo.routes import add_sandbox_routes
from bot.sandbox.demo.services import SandboxServices, run_sandbox, start_services

__all__ = ["SandboxServices", "add_sandbox_routes", "run_sandbox", "start_services"]
