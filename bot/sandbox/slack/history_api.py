"""Reading a conversation back: conversations.history and conversations.replies.

Shapes: docs.slack.dev/reference/methods/{conversations.history, conversations.replies}.
History is newest first and holds top-level messages only; replies start with the parent and
go oldest first. Message metadata is returned only with `include_all_metadata`. Pagination
is not modelled: everything past `limit` is cut, with `has_more: true`.
"""

from __future__ import annotations

from bot.sandbox.slack.api_base import ApiRequest, Handler, MethodError, find_channel
from bot.sandbox.slack.models import JSON, Channel, Message
from bot.sandbox.slack.scopes import conversation_scope


def _readable(request: ApiRequest) -> Channel:
    channel = find_channel(request, request.optional("channel"))
    request.require(conversation_scope(channel, "history"))
    if not channel.is_member:
        raise MethodError("not_in_channel")
    return channel


def _in_window(request: ApiRequest, messages: list[Message]) -> list[Message]:
    oldest = float(request.optional("oldest") or 0)
    latest = float(request.optional("latest") or request.state.clock())
    if request.flag("inclusive"):
        return [m for m in messages if oldest <= float(m.ts) <= latest]
    return [m for m in messages if oldest < float(m.ts) < latest]


def _page(request: ApiRequest, messages: list[Message]) -> JSON:
    limit = int(request.optional("limit") or 100)
    with_metadata = request.flag("include_all_metadata")
    shown = []
    for message in messages[:limit]:
        body = message.to_api()
        if not with_metadata:
            body.pop("metadata", None)
        shown.append(body)
    return {
        "messages": shown,
        "has_more": len(messages) > limit,
        "response_metadata": {"next_cursor": ""},
    }


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
