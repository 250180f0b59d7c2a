"""chat.* methods of the fake Web API: what ends up in channels, threads and DMs.

Shapes: docs.slack.dev/reference/methods/chat.postMessage (and .update, .postEphemeral,
.delete, .getPermalink). The bot writes only where it is a member (not_in_channel otherwise).
"""

from __future__ import annotations

from meetbot_sandbox.slack.api_base import (
    ApiRequest,
    Handler,
    MethodError,
    check_blocks,
    find_channel,
)
from meetbot_sandbox.slack.models import JSON, Channel, Message


def _writable(request: ApiRequest) -> Channel:
    channel = find_channel(request, request.optional("channel"))
    if channel.is_archived:
        raise MethodError("is_archived")
    if not channel.is_member:
        raise MethodError("not_in_channel")
    return channel


def _content(request: ApiRequest) -> tuple[str, list[object] | None, list[object] | None]:
    blocks = request.listed("blocks")
    attachments = request.listed("attachments")
    check_blocks(blocks)
    if attachments is not None:
        # Slack numbers a message's attachments (the chat.postMessage sample answer's `id`).
        attachments = [
            {**a, "id": a.get("id", n)} if isinstance(a, dict) else a
            for n, a in enumerate(attachments, start=1)
        ]
    return request.optional("text") or "", blocks, attachments


def _existing(request: ApiRequest, channel: Channel, ts_param: str) -> Message:
    ts = request.optional(ts_param)
    message = request.state.messages.get(channel.id, {}).get(ts or "")
    if message is None:
        raise MethodError("message_not_found")
    return message


def post_message(request: ApiRequest) -> JSON:
    channel = _writable(request)
    text, blocks, attachments = _content(request)
    if not text and not blocks and not attachments:
        raise MethodError("no_text")
    box = request.state.messages.setdefault(channel.id, {})
    thread_ts = request.optional("thread_ts")
    parent = box.get(thread_ts) if thread_ts is not None else None
    if parent is not None:
        # A reply to a reply lands in the root's thread, as in Slack.
        thread_ts = parent.thread_ts or parent.ts
        box[thread_ts].thread_ts = thread_ts
    workspace = request.workspace
    message = Message(
        channel=channel.id,
        ts=request.state.next_ts(),
        text=text,
        blocks=blocks,
        attachments=attachments,
        thread_ts=thread_ts,
        user=workspace.bot_user_id,
        bot_id=workspace.bot_id,
        app_id=workspace.app_id,
        team=workspace.team_id,
        metadata=request.params.get("metadata"),
    )
    box[message.ts] = message
    return {"channel": channel.id, "ts": message.ts, "message": message.to_api()}


def update(request: ApiRequest) -> JSON:
    channel = _writable(request)
    message = _existing(request, channel, "ts")
    if message.bot_id != request.workspace.bot_id:
        raise MethodError("cant_update_message")
    text, blocks, attachments = _content(request)
    # Fields left out keep their previous value (docs: chat.update arguments).
    if "text" in request.params:
        message.text = text
    if blocks is not None:
        message.blocks = blocks
    if attachments is not None:
        message.attachments = attachments
    if "metadata" in request.params:
        message.metadata = request.params["metadata"]
    message.updates += 1
    return {
        "channel": channel.id,
        "ts": message.ts,
        "text": message.text,
        "message": message.to_api(),
    }


def post_ephemeral(request: ApiRequest) -> JSON:
    channel = _writable(request)
    user = request.text("user", missing="user_not_found")
    if user not in request.state.users:
        raise MethodError("user_not_found")
    text, blocks, attachments = _content(request)
    if not text and not blocks and not attachments:
        raise MethodError("no_text")
    message = Message(
        channel=channel.id,
        ts=request.state.next_ts(),
        text=text,
        blocks=blocks,
        attachments=attachments,
        thread_ts=request.optional("thread_ts"),
        user=request.workspace.bot_user_id,
        bot_id=request.workspace.bot_id,
        visible_to=user,
    )
    request.state.ephemerals.append(message)
    return {"message_ts": message.ts}


def delete(request: ApiRequest) -> JSON:
    channel = find_channel(request, request.optional("channel"))
    message = _existing(request, channel, "ts")
    if message.bot_id != request.workspace.bot_id:
        raise MethodError("cant_delete_message")
    del request.state.messages[channel.id][message.ts]
    return {"channel": channel.id, "ts": message.ts}


def get_permalink(request: ApiRequest) -> JSON:
    channel = find_channel(request, request.optional("channel"))
    message = _existing(request, channel, "message_ts")
    link = f"{request.workspace.url}archives/{channel.id}/p{message.ts.replace('.', '')}"
    if message.is_reply:
        link += f"?thread_ts={message.thread_ts}&cid={channel.id}"
    return {"channel": channel.id, "permalink": link}


METHODS: dict[str, Handler] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.postEphemeral": post_ephemeral,
    "chat.delete": delete,
    "chat.getPermalink": get_permalink,
}
