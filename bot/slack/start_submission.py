"""A submitted "Start a meeting" modal read back: the meeting, the standup, or field errors. Pure.

The modal is the form twin of `/meet`: a submission becomes the same `MeetOptions`, checked
against the same limits (`bot.slack.limits`), and each problem is mapped onto its block for
`response_action: errors`. With a repeat (`bot.standups.modal_repeat`) it is the twin of
`/meet standup` instead, and becomes the same `StandupOptions`. Errors are catalog messages in
English (a `Text` or an `N_` constant): the listener shows them in the modal's language
(`Translator.text`), the one the modal was opened in (`language_of_modal`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.rooms import RoomKind
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, Text
from bot.meet.replies import NOTES_WITH_EXPIRE_AFTER_USE
from bot.slack import limits
from bot.slack.grammar import MeetOptions
from bot.standups.grammar import StandupOptions
from bot.standups.modal_repeat import parse_repeat, wants_repeat

START_MEETING_CALLBACK_ID = "start_meeting_modal"
TITLE_BLOCK_ID, TITLE_ACTION_ID = "title", "title_input"
CONVERSATION_BLOCK_ID, CONVERSATION_ACTION_ID = "conversation", "conversation_select"
INVITEES_BLOCK_ID, INVITEES_ACTION_ID = "invitees", "invitees_select"
RECORD_BLOCK_ID, RECORD_ACTION_ID = "record", "record_checkbox"
NOTES_BLOCK_ID, NOTES_ACTION_ID = "notes", "notes_checkbox"
KIND_BLOCK_ID, KIND_ACTION_ID = "room_kind", "room_kind_radio"
EXPIRES_BLOCK_ID, EXPIRES_ACTION_ID = "expires_on", "expires_on_datepicker"
EXPIRE_AFTER_USE_BLOCK_ID, EXPIRE_AFTER_USE_ACTION_ID = (
    "expire_after_use",
    "expire_after_use_checkbox",
)
# How the date picker's day is named in a limit's message ("That day is in the past.").
THAT_DAY = Text(N_("That day"))

# What a one-off field says when it is filled in beside a repeat.
_NOT_FOR_REPEATS = {
    INVITEES_BLOCK_ID: N_(
        "A repeating meeting's card goes to the whole channel: clear the invitees."
    ),
    RECORD_BLOCK_ID: N_("Recording is for one-off meetings: untick it to repeat."),
    EXPIRES_BLOCK_ID: N_("A repeating meeting's room lasts as long as it repeats: clear the date."),
    EXPIRE_AFTER_USE_BLOCK_ID: N_("A repeating meeting reuses its room: untick this."),
}


@dataclass(frozen=True)
class StartFromModal:
    options: MeetOptions
    channel_id: str
    thread_ts: str | None = None
    # Settings the modal was prefilled with from the channel's defaults and still holds
    # (bot.settings.model names): the card says they came from a default.
    defaulted: tuple[str, ...] = ()


@dataclass(frozen=True)
class StandupFromModal:
    """A submission with a repeat: schedule it as `/meet standup` would."""

    options: StandupOptions
    channel_id: str


def parse_start_meeting_submission(
    view: Mapping[str, Any], *, now: datetime
) -> StartFromModal | StandupFromModal | dict[str, str]:
    """Read a submitted modal back: the meeting to start or the standup to schedule, or
    Slack's {block_id: message} errors (English catalog messages: see the module docstring)."""
    values: Mapping[str, Any] = (view.get("state") or {}).get("values") or {}

    def field(block_id: str, action_id: str) -> Mapping[str, Any]:
        return (values.get(block_id) or {}).get(action_id) or {}

    errors: dict[str, str] = {}
    title = (field(TITLE_BLOCK_ID, TITLE_ACTION_ID).get("value") or "").strip()
    if problem := (N_("Give the meeting a title.") if not title else limits.title_problem(title)):
        errors[TITLE_BLOCK_ID] = problem
    thread = _thread(view.get("private_metadata"))
    channel_id = (
        thread[0]
        if thread
        else field(CONVERSATION_BLOCK_ID, CONVERSATION_ACTION_ID).get("selected_conversation")
    )
    if not channel_id:
        errors[CONVERSATION_BLOCK_ID] = N_("Choose where to post the meeting card.")
    invitees = tuple(
        dict.fromkeys(field(INVITEES_BLOCK_ID, INVITEES_ACTION_ID).get("selected_users") or ())
    )
    if problem := limits.invitees_problem(len(invitees)):
        errors[INVITEES_BLOCK_ID] = problem
    repeating = thread is None and wants_repeat(field)
    repeat = None if thread else parse_repeat(field, errors)
    kind = (field(KIND_BLOCK_ID, KIND_ACTION_ID).get("selected_option") or {}).get("value")
    day = field(EXPIRES_BLOCK_ID, EXPIRES_ACTION_ID).get("selected_date")
    after_use = bool(
        field(EXPIRE_AFTER_USE_BLOCK_ID, EXPIRE_AFTER_USE_ACTION_ID).get("selected_options")
    )
    record = bool(field(RECORD_BLOCK_ID, RECORD_ACTION_ID).get("selected_options"))
    notes = bool(field(NOTES_BLOCK_ID, NOTES_ACTION_ID).get("selected_options"))
    if notes and after_use:
        errors[NOTES_BLOCK_ID] = NOTES_WITH_EXPIRE_AFTER_USE
    expires_at = None
    if repeating:
        # Room: Long-term is fine (a standup's room is one); the rest a schedule cannot carry.
        given = {
            INVITEES_BLOCK_ID: bool(invitees),
            RECORD_BLOCK_ID: record,
            EXPIRES_BLOCK_ID: bool(day),
            EXPIRE_AFTER_USE_BLOCK_ID: after_use,
        }
        for block_id in (block_id for block_id, is_set in given.items() if is_set):
            errors.setdefault(block_id, _NOT_FOR_REPEATS[block_id])
    elif kind == RoomKind.LONG_TERM.value:
        try:
            expires_at = limits.end_of_day_utc(date.fromisoformat(day)) if day else None
        except ValueError:
            errors[EXPIRES_BLOCK_ID] = N_("That is not a date.")
        if expires_at is None:
            errors.setdefault(EXPIRES_BLOCK_ID, N_("Pick the last day of a long-term room."))
        elif problem := limits.expiry_problem(expires_at, now=now, given=THAT_DAY):
            errors[EXPIRES_BLOCK_ID] = problem
    else:
        if day:
            errors[EXPIRES_BLOCK_ID] = N_(
                "Only long-term rooms have a last day: choose Long-term, or clear the date."
            )
        if after_use:
            errors[EXPIRE_AFTER_USE_BLOCK_ID] = N_(
                "Only long-term rooms can close after use: choose Long-term."
            )
    if errors:
        return errors
    if repeat is not None:
        standup = StandupOptions(
            title=title, recurrence=repeat.recurrence, here=repeat.here, notes=notes
        )
        return StandupFromModal(options=standup, channel_id=str(channel_id))
    options = MeetOptions(
        title=title,
        invitees=invitees,
        record=record,
        kind=RoomKind.INSTANT if expires_at is None else RoomKind.LONG_TERM,
        expires_at=expires_at,
        expire_after_use=after_use,
        notes=notes,
    )
    still = {
        "record": options.record,
        "long_term": options.kind is RoomKind.LONG_TERM,
        "notes": options.notes,
    }
    return StartFromModal(
        options=options,
        channel_id=str(channel_id),
        thread_ts=thread[1] if thread else None,
        defaulted=tuple(
            name for name in _prefilled(view.get("private_metadata")) if still.get(name)
        ),
    )


def metadata(thread: tuple[str, str] | None, defaulted: list[str], language: str) -> str:
    """The modal's private_metadata: what the submission needs that its fields do not hold."""
    return json.dumps(
        ({"thread": list(thread)} if thread else {})
        | ({"defaulted": defaulted} if defaulted else {})
        | ({"lang": language} if language != DEFAULT_LANGUAGE else {})
    )


def language_of_modal(view: Mapping[str, Any]) -> str:
    """The language the modal was shown in, so its errors read the same (English if unsaid)."""
    language = _metadata(view.get("private_metadata")).get("lang")
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _metadata(raw: object) -> dict[str, Any]:
    try:
        data = json.loads(str(raw or "{}"))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _prefilled(raw: object) -> list[str]:
    """The defaults a modal was prefilled with (its private_metadata)."""
    names = _metadata(raw).get("defaulted") or []
    return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def _thread(raw: object) -> tuple[str, str] | None:
    """The (channel, message ts) a "Meet about this" modal carries in its private_metadata."""
    try:
        channel, ts = _metadata(raw)["thread"]
    except (KeyError, TypeError, ValueError):
        return None
    return (channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None
