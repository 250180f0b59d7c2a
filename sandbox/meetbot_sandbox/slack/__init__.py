"""A fake Slack for tests and local runs: Web API server, its state, and signed request builders.

create_fake_slack_app(state)  the aiohttp app (`/api/{method}`, `/response/{id}`, `/socket/{id}`)
FakeSlackState                channels, users, messages, recorded calls, wait_for(...)
signing / payloads            what Slack POSTs to us: signed commands, shortcuts, events
socket_api / socket_mode      Socket Mode: apps.connections.open, the WebSocket, and
                              `state.sockets.send(...)` / `wait_for_ack(...)` for envelopes
block_kit                     Block Kit checked as Slack checks it (slack_sdk's models plus
                              Slack's limits): invalid_blocks / invalid_arguments / HTTP 400
rate_limits                   Slack's published tiers, enforced on `state.tiers.enforce()`
"""

from meetbot_sandbox.slack.app import STATE_KEY, create_fake_slack_app
from meetbot_sandbox.slack.models import ApiCall, Channel, Message, ResponseUrlPost, User, Workspace
from meetbot_sandbox.slack.state import FakeSlackState

__all__ = [
    "STATE_KEY",
    "ApiCall",
    "Channel",
    "FakeSlackState",
    "Message",
    "ResponseUrlPost",
    "User",
    "Workspace",
    "create_fake_slack_app",
]
