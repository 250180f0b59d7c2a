"""The /meet command: parse, validate, enqueue, ack. No Slack or provider call before the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.inputs import StartMeeting, default_title
from bot.domain.message import Message
from bot.errors import Unavailable, UsageError, user_message
from bot.meet import blocks
from bot.slack import standup_commands
from bot.slack.deps import ListenerDeps, workspace_of
from bot.slack.grammar import HelpRequest, parse_meet
from bot.standups.grammar import parse_standup_command

# Slack's channel_name for conversations that have no name of their own.


def register(app: AsyncApp, deps: ListenerDeps) -> None:
    @app.command("/meet")
    async def meet(ack: AsyncAck, command: dict[str, Any], body: dict[str, Any]) -> None:
        try:
            standup = parse_standup_command(command.get("text", ""))
        except UsageError as exc:
            await _ack_message(ack, blocks.ephemeral_error(user_message(exc)))
            return
        if standup is not None:
            await standup_commands.handle(standup, ack, command, body, deps)
            return
        try:
            parsed = parse_meet(command.get("text", ""), now=deps.clock())
        except UsageError as exc:
            await _ack_message(ack, blocks.ephemeral_error(user_message(exc)))
            return
        if isinstance(parsed, HelpRequest):
            await _ack_message(ack, blocks.help_message())
            return
        request = StartMeeting(
            key=command["trigger_id"],
            workspace=workspace_of(body),
            user_id=command["user_id"],
            channel_id=command["channel_id"],
            title=parsed.title or default_title(command.get("channel_name", "")),
            invitees=parsed.invitees,
            record=parsed.record,
            kind=parsed.kind,
            expires_at=parsed.expires_at,
            expire_after_use=parsed.expire_after_use,
            response_url=command.get("response_url"),
        )
        try:
            await deps.jobs.start_meeting(request)
        except Unavailable:
            await _ack_message(ack, blocks.unavailable_message())
            return
        starting = blocks.meeting_starting_ack(
            request.title, invitees=request.invitees, record=request.record
        )
        await _ack_message(ack, starting)


async def _ack_message(ack: AsyncAck, message: Message) -> None:
    await ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
