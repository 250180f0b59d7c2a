"""Shortcuts and the start-meeting modal.

Opening a modal must use the trigger_id within 3 s, so it cannot wait in the job queue:
the listener acks at once and views.open runs right after the ack (`ListenerDeps.after_ack`).
The modal speaks its opener's language as far as Redis knows it (no Slack call before it is
open, as for `/meet`'s ack): their last known Slack locale, else the channel's default language
("Meet about this"), else English; its errors on submission speak the same (`language_of_modal`).
The submission is validated in the modal (`response_action: errors`) and then enqueued:
a meeting as `start_meeting`, a repeating one as the `create_standup` job `/meet standup`
enqueues, so the worker looks up the creator's time zone and confirms the same way.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.domain.inputs import CreateStandup, StartMeeting, Workspace
from bot.errors import Unavailable
from bot.home.view import HOME_START_MEETING_ACTION_ID
from bot.i18n import DEFAULT_LANGUAGE, N_, Translator, answer_language, language_of, translator
from bot.settings.model import HOME_ONLY, LOBBY, ChannelDefaults, WorkspacePolicy
from bot.settings.policy import length_refusal, notes_refusal, recording_refusal
from bot.slack.deps import ListenerDeps
from bot.slack.identity import workspace_of
from bot.slack.limits import end_of_day_utc, latest_expiry
from bot.slack.start_submission import (
    EXPIRES_BLOCK_ID,
    NOTES_BLOCK_ID,
    RECORD_BLOCK_ID,
    START_MEETING_CALLBACK_ID,
    THAT_DAY,
    TITLE_BLOCK_ID,
    StandupFromModal,
    StartFromModal,
    language_of_modal,
    parse_start_meeting_submission,
)
from bot.slack.views import Prefill, cannot_post_here_modal, start_meeting_modal, title_from_message

GLOBAL_SHORTCUT = "start_meeting"
MESSAGE_SHORTCUT = "meet_about_message"
HOME_BUTTON = HOME_START_MEETING_ACTION_ID  # the App Home "Start a meeting" button
# A field error (plain text, no emoji): Redis could not take the submission.
UNAVAILABLE_IN_MODAL = N_("Meetings are temporarily unavailable. Please try again in a minute.")


def register(app: AsyncApp, deps: ListenerDeps) -> None:
    @app.shortcut(GLOBAL_SHORTCUT)
    @app.action(HOME_BUTTON)
    async def start_blank(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        deps.after_ack(_open_blank(deps, workspace_of(body), body))

    @app.shortcut(MESSAGE_SHORTCUT)
    async def start_about_message(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        message = body.get("message", {})
        channel_id = body["channel"]["id"]
        # Reply in the message's own thread; a reply inside a thread joins that thread.
        thread_ts = message.get("thread_ts") or message["ts"]

        def view(prefill: Prefill, t: Translator) -> dict[str, Any]:
            return start_meeting_modal(
                title=title_from_message(message.get("text", "")),
                conversation_id=channel_id,
                thread=(channel_id, thread_ts),
                prefill=prefill,
                t=t,
            )

        deps.after_ack(_open_if_reachable(deps, workspace_of(body), body, channel_id, view))

    @app.view(START_MEETING_CALLBACK_ID)
    async def submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        t = translator(language_of_modal(view))
        result = parse_start_meeting_submission(view, now=deps.clock())
        if isinstance(result, dict):
            await ack(response_action="errors", errors=_shown(result, t))
            return
        try:
            settings = await _channel_settings(deps, workspace_of(body), result.channel_id)
            refused = (
                _refused_by_policy(result, settings[1], deps.clock())
                if isinstance(result, StartFromModal)
                else None
            )
            if refused:
                await ack(response_action="errors", errors=_shown(refused, t))
                return
            await _enqueue(result, body, view, deps, settings[0])
        except Unavailable:
            await ack(
                response_action="errors",
                errors={TITLE_BLOCK_ID: t.gettext(UNAVAILABLE_IN_MODAL)},
            )
            return
        await ack()


def _shown(errors: dict[str, str], t: Translator) -> dict[str, str]:
    """Field errors (catalog messages in English) as the modal's reader reads them."""
    return {block_id: t.text(message) for block_id, message in errors.items()}


async def _open_blank(deps: ListenerDeps, ws: Workspace, body: dict[str, Any]) -> None:
    """The empty modal (global shortcut, App Home button: no channel yet) in the opener's
    language; without Redis it still opens, in English (its submission will say why not)."""
    language = DEFAULT_LANGUAGE
    if deps.settings is not None:
        with contextlib.suppress(Unavailable):
            locale = await deps.settings.store.cached_locale(ws.team_id, body["user"]["id"])
            language = language_of(locale)
    await deps.open_view(ws, body["trigger_id"], start_meeting_modal(t=translator(language)))


async def _open_if_reachable(
    deps: ListenerDeps,
    ws: Workspace,
    body: dict[str, Any],
    channel_id: str,
    view: Callable[[Prefill, Translator], dict[str, Any]],
) -> None:
    """The modal, prefilled with the channel's defaults, or, where meetbot cannot post (a
    private channel or DM it is not in), a private note saying what to do: nothing is
    created, so nothing is half made (issue 18). Both in the opener's language."""
    defaults, policy, locale = ChannelDefaults(), WorkspacePolicy(), None
    if deps.settings is not None:
        defaults, policy, locale = await deps.settings.store.defaults_and_locale(
            ws.team_id, channel_id, body["user"]["id"]
        )
    t = translator(answer_language(locale, defaults.language))
    if not await deps.can_post(ws, channel_id):
        name = str((body.get("channel") or {}).get("name") or "")
        modal = cannot_post_here_modal(name, t)
    else:
        modal = view(_prefill(defaults, policy, deps.clock()), t)
    await deps.open_view(ws, body["trigger_id"], modal)


async def _channel_settings(
    deps: ListenerDeps, ws: Workspace, channel_id: str
) -> tuple[ChannelDefaults, WorkspacePolicy]:
    if deps.settings is None:
        return ChannelDefaults(), WorkspacePolicy()
    return await deps.settings.store.for_channel(ws.team_id, channel_id)


def _prefill(defaults: ChannelDefaults, policy: WorkspacePolicy, now: datetime) -> Prefill:
    """The modal's starting values from a channel's defaults, within the policy: a long-term
    default ends on the last day that is still within both the default and a year."""
    expires_on = None
    if defaults.long_term:
        days = min(defaults.length_days, policy.longest_days)
        expires_on = (now + timedelta(days=days)).date()
        if end_of_day_utc(expires_on) > latest_expiry(now):
            expires_on -= timedelta(days=1)
    return Prefill(
        record=defaults.record and policy.recording_allowed,
        expires_on=expires_on,
        notes=defaults.notes and policy.notes_allowed,
    )


def _refused_by_policy(
    result: StartFromModal, policy: WorkspacePolicy, now: datetime
) -> dict[str, str] | None:
    """The workspace policy's refusals of this submission, on the fields that asked for it."""
    errors: dict[str, str] = {}
    if result.options.record and (refusal := recording_refusal(policy)):
        errors[RECORD_BLOCK_ID] = refusal
    if result.options.notes and (refusal := notes_refusal(policy)):
        errors[NOTES_BLOCK_ID] = refusal
    expires_at = result.options.expires_at
    if expires_at is not None and (
        refusal := length_refusal(policy, expires_at, now=now, given=THAT_DAY)
    ):
        errors[EXPIRES_BLOCK_ID] = refusal
    return errors or None


async def _enqueue(
    result: StartFromModal | StandupFromModal,
    body: dict[str, Any],
    view: dict[str, Any],
    deps: ListenerDeps,
    defaults: ChannelDefaults,
) -> None:
    """Hand the submission to the worker. Raises Unavailable when Redis is down.

    The modal showed recording and the room as chosen: the channel's defaults add only what
    it does not show (the host link to App Home only, the lobby)."""
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
            notes=result.options.notes,
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
        home_only=defaults.home_only,
        lobby=defaults.lobby,
        # The card speaks the channel's default language, as for `/meet` (None: the creator's).
        language=defaults.language,
        notes=options.notes,
        defaulted=result.defaulted
        + ((HOME_ONLY,) if defaults.home_only else ())
        + ((LOBBY,) if defaults.lobby else ()),
    )
    await deps.jobs.start_meeting(request)


def _response_url(body: dict[str, Any]) -> str | None:
    """The conversation picker's response_url (set when the select has response_url_enabled)."""
    for item in body.get("response_urls") or []:
        url = item.get("response_url")
        if url:
            return str(url)
    return None
