"""The /meet command: parse, validate, enqueue, ack. No Slack or provider call before the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.inputs import StartMeeting, Workspace, default_title
from bot.domain.message import Message
from bot.errors import Unavailable, UsageError, user_message
from bot.meet import blocks
from bot.settings.model import ChannelDefaults, WorkspacePolicy
from bot.settings.policy import Effective, ask_within_policy
from bot.slack import settings_listeners, standup_commands
from bot.slack.deps import ListenerDeps
from bot.slack.grammar import HelpRequest, MeetOptions, parse_meet
from bot.slack.identity import workspace_of
from bot.standups.grammar import parse_standup_command


def register(app: AsyncApp, deps: ListenerDeps) -> None:
    @app.command("/meet")
    async def meet(ack: AsyncAck, command: dict[str, Any], body: dict[str, Any]) -> None:
        if settings_listeners.is_settings_command(command.get("text", "")):
            await settings_listeners.open_settings(ack, command, body, deps)
            return
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
        ws = workspace_of(body)
        try:
            asked = await _within_settings(parsed, ws, command["channel_id"], deps)
            if isinstance(asked, str):
                await _ack_message(ack, blocks.ephemeral_error(asked))
                return
            request = StartMeeting(
                key=command["trigger_id"],
                workspace=ws,
                user_id=command["user_id"],
                channel_id=command["channel_id"],
                title=parsed.title or default_title(command.get("channel_name", "")),
                invitees=parsed.invitees,
                record=asked.record,
                kind=asked.kind,
                expires_at=asked.expires_at,
                expire_after_use=parsed.expire_after_use,
                response_url=command.get("response_url"),
                home_only=asked.home_only,
                lobby=asked.lobby,
                defaulted=asked.defaulted,
                notes=asked.notes,
            )
            await deps.jobs.start_meeting(request)
        except Unavailable:
            await _ack_message(ack, blocks.unavailable_message())
            return
        starting = blocks.meeting_starting_ack(
            request.title,
            invitees=request.invitees,
            record=request.record,
            home_only=request.home_only,
            notes=request.notes,
        )
        await _ack_message(ack, starting)


async def _within_settings(
    parsed: MeetOptions, ws: Workspace, channel_id: str, deps: ListenerDeps
) -> Effective | str:
    """The request with the channel's defaults, or why the workspace policy refuses it: only
    what Redis knows (who is asking is the worker's to check: that needs Slack)."""
    defaults, policy = ChannelDefaults(), WorkspacePolicy()
    if deps.settings is not None:
        defaults, policy = await deps.settings.store.for_channel(ws.team_id, channel_id)
    return ask_within_policy(
        record=parsed.record,
        kind=parsed.kind,
        expires_at=parsed.expires_at,
        defaults=defaults,
        policy=policy,
        now=deps.clock(),
        given="The room's end date",
        notes=parsed.notes,
    )


async def _ack_message(ack: AsyncAck, message: Message) -> None:
    await ack(response_type="ephemeral", text=message.text, blocks=message.blocks)
