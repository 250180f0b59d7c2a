"""Reading a conversation back: conversations.history and conversations.replies.

Shapes: docs.slack.dev/reference/methods/{conversations.history, conversations.replies}.
History is newest first and holds top-level messages only; replies start with the parent and
go oldest first. Message metadata is returned only with `include_all_metadata`. Pages hold
`limit` messages (default 100); `response_metadata.next_cursor` (opaque, as Slack's) asks for
the next one and is empty on the last.
"""

from __future__ import annotations

import base64

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError, find_channel
from meetbot_sandbox.slack.models import JSON, Channel, Message
from meetbot_sandbox.slack.scopes import conversation_scope


def _readable(request: ApiRequest) -> Channel:
    channel = find_channel(request, request.optional("channel"))
    request.require(conversation_scope(channel, "history"))
    if not channel.is_member:
        raise MethodError("not_in_channel")
    return channel


def _in_window(request: ApiRequest, messages: list[Message]) -> list[Message]:
    oldest = float(request.optional("oldest") or 0)
    # Slack's default is "now"; here that is the newest message even when a burst of posts
    # has stepped the fake's ts a little past its clock.
    latest = float(request.optional("latest") or "inf")
    if request.flag("inclusive"):
        return [m for m in messages if oldest <= float(m.ts) <= latest]
    return [m for m in messages if oldest < float(m.ts) < latest]


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("next:"))
    except ValueError:
        raise MethodError("invalid_cursor") from None


def _page(request: ApiRequest, messages: list[Message]) -> JSON:
    limit = int(request.optional("limit") or 100)
    start = _offset(request.optional("cursor"))
    with_metadata = request.flag("include_all_metadata")
    shown = []
    for message in messages[start : start + limit]:
        body = message.to_api()
        if not with_metadata:
            body.pop("metadata", None)
        shown.append(body)
    more = len(messages) > start + limit
    cursor = base64.urlsafe_b64encode(f"next:{start + limit}".encode()).decode() if more else ""
    return {"messages": shown, "has_more": more, "response_metadata": {"next_cursor": cursor}}


def history(request: ApiRequest) -> JSON:
    channel = _readable(request)
    newest_first = _in_window(request, request.state.history(channel.id))[::-1]
    return {**_page(request, newest_first), "pin_count": 0}


def replies(request: ApiRequest) -> JSON:
    channel = _readable(request)
    ts = request.text("ts", missing="thread_not_found")
    parent = request.state.messages.get(channel.id, {}).get(ts)
    if parent is None:
        raise MethodError("thread_not_found")
    return _page(request, [parent, *_in_window(request, request.state.thread(channel.id, ts))])


METHODS: dict[str, Handler] = {
    "conversations.history": history,
    "conversations.replies": replies,
}
