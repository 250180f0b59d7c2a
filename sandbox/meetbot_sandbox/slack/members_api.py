"""conversations.members (https://docs.slack.dev/reference/methods/conversations.members): the
user ids of a conversation's members, paginated with a cursor like the history methods.
Needs the conversation type's `:read` scope; a conversation hidden from the bot answers
`channel_not_found`. The answer's shape is tests/fixtures/slack/conversations_members_docs.json."""

from __future__ import annotations

import base64

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError, find_channel
from meetbot_sandbox.slack.models import JSON
from meetbot_sandbox.slack.scopes import conversation_scope


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("members:"))
    except ValueError:
        raise MethodError("invalid_cursor") from None


def members(request: ApiRequest) -> JSON:
    channel = find_channel(request, request.optional("channel"))
    request.require(conversation_scope(channel, "read"))
    everyone = list(request.state.members.get(channel.id, ()))
    limit = int(request.optional("limit") or 100)
    start = _offset(request.optional("cursor"))
    more = len(everyone) > start + limit
    cursor = base64.urlsafe_b64encode(f"members:{start + limit}".encode()).decode() if more else ""
    return {
        "members": everyone[start : start + limit],
        "response_metadata": {"next_cursor": cursor},
    }


METHODS: dict[str, Handler] = {"conversations.members": members}
