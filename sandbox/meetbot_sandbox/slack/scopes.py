"""Which bot scope each fake Web API method needs, and the scopes the fake grants by default.

The default grant is exactly manifest.yml's bot scopes (tests/test_manifest.py keeps the two
equal), so code that calls a method the manifest does not allow fails in tests with Slack's
`missing_scope` instead of in production. Scopes per method: the "Scopes" box of each method's
page on docs.slack.dev; conversation methods depend on the conversation's type.
"""

from __future__ import annotations

from bot.slack.oauth import BOT_SCOPES as APP_BOT_SCOPES
from meetbot_sandbox.slack.models import Channel

# The scopes the app asks for at install time (bot.slack.oauth keeps them equal to manifest.yml).
BOT_SCOPES: tuple[str, ...] = APP_BOT_SCOPES

# Methods whose scope does not depend on the conversation; absent methods need none.
# apps.connections.open needs the app-level `connections:write`, which app tokens carry, not a
# bot scope: it is absent here (socket_api authenticates its token).
METHOD_SCOPES: dict[str, str] = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.delete": "chat:write",
    "conversations.join": "channels:join",
    "users.info": "users:read",
    "calls.add": "calls:write",
    "calls.update": "calls:write",
    "calls.end": "calls:write",
    "calls.participants.add": "calls:write",
    "calls.participants.remove": "calls:write",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
    "files.delete": "files:write",
}


def conversation_scope(channel: Channel, action: str) -> str:
    """`channels:read`, `groups:history`, `im:write`… for `action` on this kind of conversation."""
    if channel.is_im:
        kind = "im"
    elif channel.is_mpim:
        kind = "mpim"
    elif channel.is_private:
        kind = "groups"
    else:
        kind = "channels"
    return f"{kind}:{action}"
