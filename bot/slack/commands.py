"""The /meet command: parse, validate, enqueue, ack. No Slack or provider call before the ack.

The ack speaks the person's language as Redis knows it without asking Slack: the Slack locale
their last users.info answer left (`SettingsStore.defaults_and_locale`). Someone meetbot never
looked up gets an empty ack instead, and the same reply (starting note, mistake, help) comes
through the command's response_url from a job that asked Slack (`bot.meet.late_reply`). Without
Redis the ack answers what it can in English (the channel's language is in Redis too).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.inputs import StartMeeting, Workspace, default_title
from bot.errors import Unavailable, UsageError, user_message
from bot.i18n import DEFAULT_LANGUAGE, N_, Text, answer_language, translator
from bot.meet import late_reply, replies
from bot.settings.model import ChannelDefaults, WorkspacePolicy
from bot.settings.policy import Effective, ask_within_policy
from bot.slack import settings_listeners, standup_commands
from bot.slack.deps import ListenerDeps
from bot.slack.grammar import HelpRequest, MeetOptions, parse_meet
from bot.slack.identity import workspace_of
from bot.slack.late_ack import Later, ack_message, reply
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
            await standup_commands.refuse(exc, ack, command, body, deps)
            return
        if standup is not None:
            await standup_commands.handle(standup, ack, command, body, deps)
            return
        ws = workspace_of(body)
        known: _Known | None = None
        # Redis down: help and mistakes are still answered (in English); a start is not.
        with contextlib.suppress(Unavailable):
            known = await _known(ws, command["channel_id"], command["user_id"], deps)
        t = translator(known.language if known else DEFAULT_LANGUAGE)
        # Someone Redis has no locale for: the ack says nothing, a job says it in their language.
        later = (
            None
            if known is None
            else Later.unless_known(deps, command, ws, locale_known=known.locale_known)
        )
        late = later is not None
        try:
            parsed = parse_meet(command.get("text", ""), now=deps.clock())
        except UsageError as exc:
            error = replies.ephemeral_error(user_message(exc, t))
            await reply(ack, error, later, late_reply.error_reply(exc))
            return
        if isinstance(parsed, HelpRequest):
            await reply(ack, replies.help_message(t), later, late_reply.help_reply())
            return
        if known is None:
            await ack_message(ack, replies.unavailable_message(t))
            return
        try:
            asked = _within_settings(parsed, known, deps)
            if isinstance(asked, str):
                refused = replies.ephemeral_error(t.text(asked))
                await reply(ack, refused, later, late_reply.refusal_reply(asked))
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
                language=known.defaults.language,
                notes=asked.notes,
                reply_late=late,
            )
            await deps.jobs.start_meeting(request)
        except Unavailable:
            await ack_message(ack, replies.unavailable_message(t))
            return
        if late:
            await ack()  # the start job sends the starting note (bot.meet.late_reply)
            return
        starting = replies.meeting_starting_ack(
            request.title,
            invitees=request.invitees,
            record=request.record,
            home_only=request.home_only,
            t=t,
            notes=request.notes,
        )
        await ack_message(ack, starting)


@dataclass(frozen=True)
class _Known:
    """What Redis knows before the ack: the channel's defaults, the workspace policy, and the
    language to answer in."""

    defaults: ChannelDefaults
    policy: WorkspacePolicy
    language: str
    locale_known: bool = True  # False: users.info was never asked about them (or long ago)


async def _known(ws: Workspace, channel_id: str, user_id: str, deps: ListenerDeps) -> _Known:
    if deps.settings is None:
        return _Known(ChannelDefaults(), WorkspacePolicy(), DEFAULT_LANGUAGE)
    defaults, policy, locale = await deps.settings.store.defaults_and_locale(
        ws.team_id, channel_id, user_id
    )
    language = answer_language(locale, defaults.language)
    return _Known(defaults, policy, language, locale_known=locale is not None)


def _within_settings(parsed: MeetOptions, known: _Known, deps: ListenerDeps) -> Effective | str:
    """The request with the channel's defaults, or why the workspace policy refuses it: only
    what Redis knows (who is asking is the worker's to check: that needs Slack)."""
    return ask_within_policy(
        record=parsed.record,
        kind=parsed.kind,
        expires_at=parsed.expires_at,
        defaults=known.defaults,
        policy=known.policy,
        now=deps.clock(),
        given=Text(N_("The room's end date")),
        notes=parsed.notes,
    )
