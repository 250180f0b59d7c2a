"""`/meet standup|schedules|cancel`: answered from Redis, or enqueued; no Slack call before the ack.

Creating needs the creator's time zone (users.info), and a cancel by someone other than the
owner needs to know whether they are a workspace admin: both go to the worker, which answers
through the command's response_url. The ack speaks the person's language as far as Redis knows
it (as `/meet` does, bot.slack.commands): their last known Slack locale. For someone meetbot never
looked up it says nothing (bot.slack.late_ack): a mistake comes through the response_url from a
job that asks Slack, and a new standup's confirmation comes from the job creating it, both in
their language. Without Redis: English.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck

from bot.domain.inputs import CreateStandup, default_title
from bot.domain.message import Message
from bot.errors import Unavailable, UsageError, user_message
from bot.i18n import DEFAULT_LANGUAGE, Translator, answer_language, translator
from bot.meet import late_reply, replies
from bot.slack.deps import ListenerDeps, workspace_of
from bot.slack.late_ack import Later, ack_message, reply
from bot.standups import blocks as standup_blocks
from bot.standups.grammar import CancelSchedule, ListSchedules, StandupCommand
from bot.storage.jobs import JobName


async def handle(
    parsed: StandupCommand,
    ack: AsyncAck,
    command: dict[str, Any],
    body: dict[str, Any],
    deps: ListenerDeps,
) -> None:
    t, later = await _reader(command, body, deps)
    try:
        message = await _answer(parsed, command, body, deps, t)
    except Unavailable:
        message = replies.unavailable_message(t)
    else:
        if later is not None and not isinstance(parsed, ListSchedules | CancelSchedule):
            await ack()  # the create_standup job confirms through the response_url, in theirs
            return
    await ack_message(ack, message)


async def refuse(
    exc: UsageError,
    ack: AsyncAck,
    command: dict[str, Any],
    body: dict[str, Any],
    deps: ListenerDeps,
) -> None:
    """A standup command with a mistake: what is wrong and the examples, in their language."""
    t, later = await _reader(command, body, deps)
    message = replies.ephemeral_error(user_message(exc, t))
    await reply(ack, message, later, late_reply.error_reply(exc))


async def _reader(
    command: dict[str, Any], body: dict[str, Any], deps: ListenerDeps
) -> tuple[Translator, Later | None]:
    """The asker's language from what Redis knows (English when Redis is down), and where a
    late reply goes for someone it has no locale for."""
    if deps.settings is None:
        return translator(DEFAULT_LANGUAGE), None
    ws = workspace_of(body)
    try:
        defaults, _, locale = await deps.settings.store.defaults_and_locale(
            ws.team_id, command["channel_id"], command["user_id"]
        )
    except Unavailable:
        return translator(DEFAULT_LANGUAGE), None
    language = answer_language(locale, defaults.language)
    later = Later.unless_known(deps, command, ws, locale_known=locale is not None)
    return translator(language), later


async def _answer(
    parsed: StandupCommand,
    command: dict[str, Any],
    body: dict[str, Any],
    deps: ListenerDeps,
    t: Translator,
) -> Message:
    assert deps.standups is not None, "standups are wired in bot.app.build"
    ws, user_id = workspace_of(body), command["user_id"]
    store = deps.standups.store
    if isinstance(parsed, ListSchedules):
        schedules = await store.channel_schedules(ws.team_id, command["channel_id"])
        next_due = await store.next_due([s.id for s in schedules])
        return standup_blocks.schedules_list(schedules, next_due, t)
    if isinstance(parsed, CancelSchedule):
        schedule = await store.get(parsed.schedule_id)
        if schedule is None or schedule.team_id != ws.team_id:
            return standup_blocks.unknown_schedule(parsed.schedule_id, t)
        if schedule.owner_id == user_id:
            await deps.standups.cancel(schedule)
            return standup_blocks.cancelled(schedule, t)
        await deps.jobs.enqueue(
            JobName.CANCEL_STANDUP,
            f"standup-cancel:{command['trigger_id']}",
            team_id=ws.team_id,
            enterprise_id=ws.enterprise_id,
            schedule_id=schedule.id,
            user_id=user_id,
            response_url=command.get("response_url"),
        )
        return standup_blocks.cancel_checking(schedule, t)
    request = CreateStandup(
        key=command["trigger_id"],
        workspace=ws,
        user_id=user_id,
        channel_id=command["channel_id"],
        title=parsed.title or default_title(command.get("channel_name", ""), kind="standup"),
        rule=parsed.recurrence.rule,
        description=parsed.recurrence.description,
        here=parsed.here,
        response_url=command.get("response_url"),
    )
    await deps.jobs.create_standup(request)
    when = standup_blocks.described(request.rule, request.description, t)
    return standup_blocks.scheduling_ack(request.title, when, t)
