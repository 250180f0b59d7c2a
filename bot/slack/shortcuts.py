"""Shortcuts and the start-meeting modal.

Opening a modal must use the trigger_id within 3 s, so it cannot wait in the job queue:
the listener acks at once and views.open runs right after the ack (`ListenerDeps.after_ack`).
The submission is validated in the modal (`response_action: errors`) and then enqueued:
a meeting as `start_meeting`, a repeating one as the `create_standup` job `/meet standup`
enqueues, so the worker looks up the creator's time zone and confirms the same way.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.inputs import CreateStandup, StartMeeting
from bot.errors import Unavailable
from bot.home.view import HOME_START_MEETING_ACTION_ID
from bot.slack.deps import ListenerDeps, workspace_of
from bot.slack.views import (
    START_MEETING_CALLBACK_ID,
    TITLE_BLOCK_ID,
    StandupFromModal,
    StartFromModal,
    parse_start_meeting_submission,
    start_meeting_modal,
    title_from_message,
)

GLOBAL_SHORTCUT = "start_meeting"
MESSAGE_SHORTCUT = "meet_about_message"
HOME_BUTTON = HOME_START_MEETING_ACTION_ID  # the App Home "Start a meeting" button


def register(app: AsyncApp, deps: ListenerDeps) -> None:
    @app.shortcut(GLOBAL_SHORTCUT)
    @app.action(HOME_BUTTON)
    async def start_blank(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        deps.after_ack(
            deps.open_view(workspace_of(body), body["trigger_id"], start_meeting_modal())
        )

    @app.shortcut(MESSAGE_SHORTCUT)
    async def start_about_message(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        message = body.get("message", {})
        channel_id = body["channel"]["id"]
        # Reply in the message's own thread; a reply inside a thread joins that thread.
        thread_ts = message.get("thread_ts") or message["ts"]
        view = start_meeting_modal(
            title=title_from_message(message.get("text", "")),
            conversation_id=channel_id,
            thread=(channel_id, thread_ts),
        )
        deps.after_ack(deps.open_view(workspace_of(body), body["trigger_id"], view))

    @app.view(START_MEETING_CALLBACK_ID)
    async def submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        result = parse_start_meeting_submission(view, now=deps.clock())
        if isinstance(result, dict):
            await ack(response_action="errors", errors=result)
            return
        try:
            await _enqueue(result, body, view, deps)
        except Unavailable:
            await ack(
                response_action="errors",
                errors={
                    TITLE_BLOCK_ID: "Meetings are temporarily unavailable. Please try again in a minute."
                },
            )
            return
        await ack()


async def _enqueue(
    result: StartFromModal | StandupFromModal,
    body: dict[str, Any],
    view: dict[str, Any],
    deps: ListenerDeps,
) -> None:
    """Hand the submission to the worker. Raises Unavailable when Redis is down."""
    # The view id is the idempotency key: a resubmitted view finds what it made.
    key, ws, user_id = f"view:{view['id']}", workspace_of(body), body["user"]["id"]
    if isinstance(result, StandupFromModal):
        # A channel the bot cannot post in is found by the worker, as for `/meet standup`
        # (checking here would be a Slack call before the 3 s ack); it answers through the
        # picker's response_url, or by DM without one.
        standup = CreateStandup(
            key=key,
            workspace=ws,
            user_id=user_id,
            channel_id=result.channel_id,
            title=result.options.title or "Standup",
            rule=result.options.recurrence.rule,
            description=result.options.recurrence.description,
            here=result.options.here,
            response_url=_response_url(body),
        )
        await deps.jobs.create_standup(standup)
        return
    options = result.options
    request = StartMeeting(
        key=key,
        workspace=ws,
        user_id=user_id,
        channel_id=result.channel_id,
        title=options.title or "Quick meeting",
        invitees=options.invitees,
        record=options.record,
        kind=options.kind,
        expires_at=options.expires_at,
        expire_after_use=options.expire_after_use,
        thread_ts=result.thread_ts,
        response_url=_response_url(body),
    )
    await deps.jobs.start_meeting(request)


def _response_url(body: dict[str, Any]) -> str | None:
    """The conversation picker's response_url (set when the select has response_url_enabled)."""
    for item in body.get("response_urls") or []:
        url = item.get("response_url")
        if url:
            return str(url)
    return None
