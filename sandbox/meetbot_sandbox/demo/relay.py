"""What Slack would send the bot when the person on the sandbox page acts, signed with the
bot's signing secret and POSTed to its real /slack/events (the same route Slack uses).

The browser never sees the secret: it calls the sandbox's routes, which call `Relay`.
Every reply the bot gives in its HTTP ack is kept in the `Transcript`, as Slack would show it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from meetbot_sandbox.demo.transcript import Origin, Transcript
from meetbot_sandbox.demo.workspace import escape_mentions
from meetbot_sandbox.slack.models import JSON, Channel, User
from meetbot_sandbox.slack.payloads import (
    app_home_opened_event,
    block_actions_payload,
    global_shortcut_payload,
    message_shortcut_payload,
    view_submission_payload,
)
from meetbot_sandbox.slack.signing import (
    event_callback_body,
    interactive_body,
    new_trigger_id,
    signed_headers,
    slash_command_body,
)
from meetbot_sandbox.slack.state import FakeSlackState


class SandboxInputError(Exception):
    """The page asked for something Slack would not send (unknown person, channel, view...)."""


@dataclass(frozen=True)
class BotReply:
    """What the bot answered on /slack/events: its HTTP status and JSON body, if any."""

    status: int
    body: JSON | None

    def to_json(self) -> JSON:
        return {"status": self.status, "body": self.body}


class Relay:
    def __init__(
        self,
        *,
        http: aiohttp.ClientSession,
        events_url: str,
        signing_secret: str,
        state: FakeSlackState,
        transcript: Transcript,
    ) -> None:
        self._http = http
        self._events_url = events_url
        self._secret = signing_secret
        self.state = state
        self.transcript = transcript

    async def command(self, user_id: str, channel_id: str, line: str) -> BotReply:
        """`/meet Design review @bob --record` typed in a channel, as a slash command."""
        user, channel = self.user(user_id), self.channel(channel_id)
        command, _, text = line.strip().partition(" ")
        if command == "/invite":
            return self.invite(user, channel, text)
        if command != "/meet":
            raise SandboxInputError(
                f"{command or 'that'} is not a command here; try /meet (or /invite @meetbot)"
            )
        origin = Origin(channel.id, user.id)
        trigger_id = self._trigger(user.id)
        body = slash_command_body(
            command,
            escape_mentions(text.strip(), self.state),
            user_id=user.id,
            user_name=user.name,
            channel_id=channel.id,
            channel_name=_channel_name(channel),
            response_url=self.transcript.response_url(self.state, origin),
            trigger_id=trigger_id,
        )
        return await self._post(body, ack_origin=origin)

    def invite(self, user: User, channel: Channel, text: str) -> BotReply:
        """`/invite @meetbot`, as Slack runs it: the bot becomes a member of the channel (what
        the bot asks for in a private channel it cannot post to) and Slack notes it there."""
        bot = self.state.workspace
        if text.strip().lstrip("@") not in (bot.bot_user_name, f"<@{bot.bot_user_id}>"):
            raise SandboxInputError(f"only /invite @{bot.bot_user_name} works here")
        if not channel.is_member:
            channel.is_member = True
            self.state.add_user_message(
                channel.id, f"<@{bot.bot_user_id}> was added to this channel by you.", user=user.id
            )
        self.state.touch()
        return BotReply(status=200, body=None)

    async def global_shortcut(self, user_id: str) -> BotReply:
        user = self.user(user_id)
        payload = global_shortcut_payload(
            "start_meeting", user_id=user.id, user_name=user.name, trigger_id=self._trigger(user.id)
        )
        return await self._post(interactive_body(payload))

    async def message_shortcut(self, user_id: str, channel_id: str, message_ts: str) -> BotReply:
        """The "Meet about this" message shortcut on a message of a channel."""
        user, channel = self.user(user_id), self.channel(channel_id)
        message = self.state.messages.get(channel.id, {}).get(message_ts)
        if message is None:
            raise SandboxInputError(f"no message {message_ts} in #{channel.name}")
        origin = Origin(channel.id, user.id, message.thread_ts or message.ts)
        payload = message_shortcut_payload(
            "meet_about_message",
            channel_id=channel.id,
            channel_name=channel.name,
            message_ts=message.ts,
            message_text=message.text,
            message_user=message.user or "",
            thread_ts=message.thread_ts,
            response_url=self.transcript.response_url(self.state, origin),
            user_id=user.id,
            user_name=user.name,
            trigger_id=self._trigger(user.id),
        )
        return await self._post(interactive_body(payload))

    async def submit_view(self, user_id: str, view_id: str, values: JSON) -> BotReply:
        """A modal submitted with Slack's `state.values`; errors stay on the modal."""
        user, view = self.user(user_id), self.view(view_id)
        payload = view_submission_payload(
            str(view.get("callback_id") or ""),
            values,
            private_metadata=str(view.get("private_metadata") or ""),
            view_id=view_id,
            user_id=user.id,
            user_name=user.name,
            response_urls=self._response_urls(view, values, user.id),
        )
        payload["view"]["blocks"] = view.get("blocks", [])
        reply = await self._post(interactive_body(payload))
        body = reply.body or {}
        if reply.status == 200 and body.get("response_action") == "errors":
            self.transcript.show_errors(self.state, view_id, dict(body.get("errors") or {}))
        elif reply.status == 200:
            self.transcript.close_view(self.state, view_id)
        return reply

    def close_view(self, user_id: str, view_id: str) -> None:
        self.user(user_id)
        self.view(view_id)
        self.transcript.close_view(self.state, view_id)

    async def click(self, user_id: str, action: JSON, where: JSON) -> BotReply:
        """A button pressed, or an overflow menu's option picked (`action.selected_option`), in a
        message (`where`: channel, ts) or in a view (`where`: view_id)."""
        user = self.user(user_id)
        clicked = _clicked(action)
        common: dict[str, Any] = {
            "user_id": user.id,
            "user_name": user.name,
            "trigger_id": self._trigger(user.id),
        }
        if "view_id" in where:
            view = self.view(str(where["view_id"]))
            container = {"type": "view", "view_id": view["id"]}
            payload = block_actions_payload(clicked, container=container, view=view, **common)
        else:
            channel = self.state.channels.get(str(where.get("channel") or ""))
            if channel is None:  # a channel or the bot's DM with this person
                raise SandboxInputError(f"unknown conversation {where.get('channel')!r}")
            message = self.state.messages.get(channel.id, {}).get(str(where.get("ts") or ""))
            if message is None:
                raise SandboxInputError("that message is gone")
            origin = Origin(channel.id, user.id, message.thread_ts)
            payload = block_actions_payload(
                clicked,
                container={
                    "type": "message",
                    "message_ts": message.ts,
                    "channel_id": channel.id,
                    "is_ephemeral": False,
                },
                channel={"id": channel.id, "name": channel.name},
                message=message.to_api(),
                response_url=self.transcript.response_url(self.state, origin),
                **common,
            )
        return await self._post(interactive_body(payload))

    async def open_home(self, user_id: str) -> BotReply:
        """The person opened the bot's Home tab: the `app_home_opened` event."""
        user = self.user(user_id)
        event = app_home_opened_event(
            user.id,
            channel_id=self.state.dm_channel(user.id).id,
            view=self.state.home_tabs.get(user.id),
        )
        return await self._post(event_callback_body(event))

    # -- lookups -------------------------------------------------------------------------------

    def user(self, user_id: str) -> User:
        user = self.state.users.get(user_id)
        if user is None or user.is_bot:
            raise SandboxInputError(f"unknown person {user_id!r}")
        return user

    def channel(self, channel_id: str) -> Channel:
        channel = self.state.channels.get(channel_id)
        if channel is None or channel.is_im:
            raise SandboxInputError(f"unknown channel {channel_id!r}")
        return channel

    def view(self, view_id: str) -> JSON:
        view = self.state.views.get(view_id)
        if view is None:
            raise SandboxInputError(f"unknown view {view_id!r}")
        return view

    # -- sending -------------------------------------------------------------------------------

    def _trigger(self, user_id: str) -> str:
        trigger_id = new_trigger_id()
        self.transcript.triggers[trigger_id] = user_id
        return trigger_id

    def _response_urls(self, view: JSON, values: JSON, user_id: str) -> list[JSON]:
        """One per conversation picker with `response_url_enabled`, as Slack adds them."""
        urls = []
        for block in view.get("blocks", []):
            element = block.get("element") or {}
            if block.get("type") != "input" or not element.get("response_url_enabled"):
                continue
            block_id, action_id = block.get("block_id"), element.get("action_id")
            picked = (values.get(block_id) or {}).get(action_id) or {}
            channel = picked.get("selected_conversation")
            if channel in self.state.channels:
                url = self.transcript.response_url(self.state, Origin(channel, user_id))
                urls.append(
                    {
                        "block_id": block_id,
                        "action_id": action_id,
                        "channel_id": channel,
                        "response_url": url,
                    }
                )
        return urls

    async def _post(self, body: bytes, *, ack_origin: Origin | None = None) -> BotReply:
        headers = signed_headers(self._secret, body)
        async with self._http.post(self._events_url, data=body, headers=headers) as response:
            raw = await response.read()
            parsed = json.loads(raw) if raw.lstrip().startswith(b"{") else None
        if ack_origin is not None and response.status == 200 and isinstance(parsed, dict):
            self.transcript.add_ack(
                self.state, ack_origin, parsed, self.state.workspace.bot_user_id
            )
        return BotReply(response.status, parsed)


def _channel_name(channel: Channel) -> str:
    # Slack's channel_name for a private channel in a slash command is "privategroup".
    return "privategroup" if channel.is_private else channel.name


def _clicked(action: JSON) -> JSON:
    """The `actions[0]` Slack sends for a click: a button's text and value, or an overflow
    menu's picked option (no text of its own), as the block_actions reference shows."""
    common = {
        "action_id": str(action.get("action_id") or ""),
        "block_id": str(action.get("block_id") or ""),
    }
    picked = action.get("selected_option")
    if action.get("type") == "overflow" or picked is not None:
        if not isinstance(picked, dict) or not isinstance(picked.get("value"), str):
            raise SandboxInputError("an overflow click needs the picked option")
        option = {"text": picked.get("text") or {"type": "plain_text", "text": ""}}
        return {
            "type": "overflow",
            **common,
            "selected_option": {**option, "value": picked["value"]},
        }
    clicked: JSON = {
        "type": "button",
        **common,
        "text": action.get("text") or {"type": "plain_text", "text": ""},
    }
    for name in ("value", "url"):
        if isinstance(action.get(name), str):
            clicked[name] = action[name]
    return clicked
