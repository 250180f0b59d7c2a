"""Who and where: auth.test, conversations.open/.join/.info and users.info of the fake Web API.

Shapes: docs.slack.dev/reference/methods/{auth.test, conversations.open, conversations.join,
conversations.info, users.info}.
"""

from __future__ import annotations

from datetime import UTC, datetime

from meetbot_sandbox.slack.api_base import ApiRequest, Handler, MethodError, find_channel
from meetbot_sandbox.slack.models import JSON, Channel
from meetbot_sandbox.slack.scopes import conversation_scope


def auth_test(request: ApiRequest) -> JSON:
    workspace = request.workspace
    body: JSON = {
        "url": workspace.url,
        "team": workspace.team_name,
        "user": workspace.bot_user_name,
        "team_id": workspace.team_id,
        "user_id": workspace.bot_user_id,
        "bot_id": workspace.bot_id,
        "app_id": workspace.app_id,
        "is_enterprise_install": False,
    }
    if workspace.enterprise_id is not None:
        body["enterprise_id"] = workspace.enterprise_id
    return body


def conversations_open(request: ApiRequest) -> JSON:
    state = request.state
    if (channel_id := request.optional("channel")) is not None:
        channel = find_channel(request, channel_id)
        return {"channel": {"id": channel.id}, "no_op": True, "already_open": True}
    users = [u.strip() for u in request.text("users", missing="users_list_not_supplied").split(",")]
    request.require("im:write" if len(users) == 1 else "mpim:write")
    if unknown := [u for u in users if u not in state.users]:
        raise MethodError("user_not_found", needed=",".join(unknown))
    if len(users) == 1:
        existing = any(c.is_im and c.user == users[0] for c in state.channels.values())
        channel = state.dm_channel(users[0])
    else:
        existing = False
        name = f"mpdm-{'--'.join(users)}-1"
        channel = Channel(id=state.next_id("G"), name=name, is_private=True, is_mpim=True)
        state.channels[channel.id] = channel
        state.messages[channel.id] = {}
    body: JSON = {"channel": channel.to_api() if request.flag("return_im") else {"id": channel.id}}
    if existing:
        body.update(no_op=True, already_open=True)
    return body


def conversations_join(request: ApiRequest) -> JSON:
    channel = find_channel(request, request.optional("channel"), see_private=True)
    if channel.is_private or channel.is_im or channel.is_mpim:
        raise MethodError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise MethodError("is_archived")
    if channel.is_member:
        warning = "already_in_channel"
        return {
            "channel": channel.to_api(),
            "warning": warning,
            "response_metadata": {"warnings": [warning]},
        }
    channel.is_member = True
    return {"channel": channel.to_api()}


def conversations_info(request: ApiRequest) -> JSON:
    channel = find_channel(request, request.optional("channel"))
    request.require(conversation_scope(channel, "read"))
    return {"channel": channel.to_api()}


def users_info(request: ApiRequest) -> JSON:
    user = request.state.users.get(request.text("user", missing="user_not_found"))
    if user is None:
        raise MethodError("user_not_found")
    now = datetime.fromtimestamp(request.state.clock(), UTC)
    return {"user": user.to_api(now, include_locale=request.flag("include_locale"))}


METHODS: dict[str, Handler] = {
    "auth.test": auth_test,
    "conversations.open": conversations_open,
    "conversations.join": conversations_join,
    "conversations.info": conversations_info,
    "users.info": users_info,
}
