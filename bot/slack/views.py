"""The start-meeting modal, built and then read back. Pure. (App Home lives in `bot.home.view`.)

The modal is the form twin of `/meet`: a submission becomes the same `MeetOptions`, checked
against the same limits (`bot.slack.limits`), and each problem is mapped onto its block for
`response_action: errors`. With a repeat (`bot.standups.modal_repeat`) it is the twin of
`/meet standup` instead, and becomes the same `StandupOptions`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.message import Block
from bot.domain.rooms import RoomKind
from bot.meet.blocks import context, escape, plain, section
from bot.meet.replies import NOTES_WITH_EXPIRE_AFTER_USE
from bot.slack import limits
from bot.slack.grammar import MeetOptions, plain_text
from bot.standups.grammar import StandupOptions
from bot.standups.modal_repeat import parse_repeat, repeat_blocks, wants_repeat

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

# What a one-off field says when it is filled in beside a repeat.
_NOT_FOR_REPEATS = {
    INVITEES_BLOCK_ID: "A repeating meeting's card goes to the whole channel: clear the invitees.",
    RECORD_BLOCK_ID: "Recording is for one-off meetings: untick it to repeat.",
    EXPIRES_BLOCK_ID: "A repeating meeting's room lasts as long as it repeats: clear the date.",
    EXPIRE_AFTER_USE_BLOCK_ID: "A repeating meeting reuses its room: untick this.",
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
class Prefill:
    """What a channel's defaults put in the modal before anyone touches it (bot.settings)."""

    record: bool = False
    expires_on: date | None = None  # a long-term room ending that day (UTC)
    notes: bool = False

    @property
    def names(self) -> list[str]:
        chosen = (
            ("record", self.record),
            ("long_term", bool(self.expires_on)),
            ("notes", self.notes),
        )
        return [name for name, on in chosen if on]


@dataclass(frozen=True)
class StandupFromModal:
    """A submission with a repeat: schedule it as `/meet standup` would."""

    options: StandupOptions
    channel_id: str


def _option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": plain(text), "value": value}
    if description:
        option["description"] = plain(description)
    return option


def _input(block_id: str, label: str, element: Block, *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label),
        "element": element,
        "optional": optional,
    }


def clip_utf16(text: str, limit: int) -> str:
    """`text` clipped to `limit` UTF-16 code units, as Slack measures an input's `max_length`
    (JavaScript string length: a character outside the BMP, like most emoji, counts 2). Never
    splits such a character; a clipped text ends in "…"."""
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    kept, used = [], 0
    for char in text:
        units = 2 if ord(char) > 0xFFFF else 1
        if used + units > limit - 1:  # room for the "…", itself one unit
            break
        kept.append(char)
        used += units
    return "".join(kept) + "…"


def title_from_message(text: str) -> str | None:
    """A title prefilled from a message ("Meet about this"): its first line, readable, within
    the title input's max_length as Slack counts it."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return clip_utf16(plain_text(line), limits.TITLE_MAX_CHARS) or None


def start_meeting_modal(
    *,
    title: str | None = None,
    conversation_id: str | None = None,
    thread: tuple[str, str] | None = None,
    invitees: tuple[str, ...] = (),
    prefill: Prefill | None = None,
) -> dict[str, Any]:
    """The "Start a meeting" modal. With `thread=(channel_id, message_ts)` the card goes there;
    `prefill`: the channel's defaults."""
    prefill = prefill or Prefill()
    title_element: Block = {
        "type": "plain_text_input",
        "action_id": TITLE_ACTION_ID,
        "max_length": limits.TITLE_MAX_CHARS,
        "placeholder": plain("Design review"),
    }
    if title:
        title_element["initial_value"] = clip_utf16(title, limits.TITLE_MAX_CHARS)
    blocks = [_input(TITLE_BLOCK_ID, "Title", title_element)]
    if thread is None:
        select: Block = {
            "type": "conversations_select",
            "action_id": CONVERSATION_ACTION_ID,
            "filter": {"include": ["public", "private", "mpim"], "exclude_bot_users": True},
            # Hands the submission a response_url, so a card can reach a channel we're not in.
            "response_url_enabled": True,
        }
        if conversation_id:
            select["initial_conversation"] = conversation_id
        else:
            select["default_to_current_conversation"] = True
        blocks.append(_input(CONVERSATION_BLOCK_ID, "Post the card in", select))
    else:
        blocks.append(context(":thread: The card will be posted in the thread of that message."))
    users: Block = {
        "type": "multi_users_select",
        "action_id": INVITEES_ACTION_ID,
        "max_selected_items": limits.MAX_INVITEES,
        "placeholder": plain("They get the guest link by DM"),
    }
    if invitees:
        users["initial_users"] = list(dict.fromkeys(invitees))[: limits.MAX_INVITEES]
    instant = _option("Instant", RoomKind.INSTANT.value, "For now; closes if nobody joins soon")
    long_term = _option("Long-term", RoomKind.LONG_TERM.value, "Reusable until the day below")
    blocks += [
        _input(INVITEES_BLOCK_ID, "Invite", users, optional=True),
        _input(
            RECORD_BLOCK_ID,
            "Recording",
            _checkbox(RECORD_ACTION_ID, "Record this meeting", on=prefill.record),
            optional=True,
        ),
        {
            **_input(
                NOTES_BLOCK_ID,
                "Notes",
                _checkbox(NOTES_ACTION_ID, "Take notes", on=prefill.notes),
                optional=True,
            ),
            "hint": plain(
                "Transcribed; a summary and the transcript go to the card's thread afterwards."
                " Everyone is told before joining."
            ),
        },
        _input(
            KIND_BLOCK_ID,
            "Room",
            {
                "type": "radio_buttons",
                "action_id": KIND_ACTION_ID,
                "options": [instant, long_term],
                "initial_option": long_term if prefill.expires_on else instant,
            },
        ),
        {
            **_input(
                EXPIRES_BLOCK_ID,
                "Last day (long-term rooms)",
                _datepicker(prefill.expires_on),
                optional=True,
            ),
            "hint": plain("The room lasts until the end of this day (UTC), at most a year."),
        },
        _input(
            EXPIRE_AFTER_USE_BLOCK_ID,
            "After use",
            _checkbox(EXPIRE_AFTER_USE_ACTION_ID, "Close the room after its first meeting"),
            optional=True,
        ),
    ]
    if thread is None:
        # No Repeat under "Meet about this": a schedule posts each run as a new channel
        # message (Schedule has no thread), so the runs would not follow the message the
        # modal was opened on, and a series buried in one thread is one nobody sees.
        blocks += repeat_blocks()
    return {
        "type": "modal",
        "callback_id": START_MEETING_CALLBACK_ID,
        "title": plain("Start a meeting"),
        "submit": plain("Start"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps(
            ({"thread": list(thread)} if thread else {})
            | ({"defaulted": prefill.names} if prefill.names else {})
        ),
        "blocks": blocks,
    }


def cannot_post_here_modal(channel_name: str) -> dict[str, Any]:
    """ "Meet about this" where meetbot cannot post (a private channel or DM it is not in): what
    to do instead, before any room exists. Slack gives such a conversation's name, not a link."""
    where = f"*{escape(channel_name)}*" if channel_name else "this conversation"
    return {
        "type": "modal",
        "title": plain("Start a meeting"),
        "close": plain("OK"),
        "blocks": [
            section(
                f":information_source: I'm not a member of {where}, so I can't post a meeting"
                " in this message's thread."
            ),
            section(
                "Add me with `/invite @meetbot` there and use *Meet about this* again, or start"
                " the meeting from the *Start a meeting* shortcut and pick a channel I'm in."
            ),
            context("Nothing was created."),
        ],
    }


def _checkbox(action_id: str, text: str, *, on: bool = False) -> Block:
    option = _option(text, "yes")
    box: Block = {"type": "checkboxes", "action_id": action_id, "options": [option]}
    return {**box, "initial_options": [option]} if on else box


def _datepicker(initial: date | None) -> Block:
    picker: Block = {"type": "datepicker", "action_id": EXPIRES_ACTION_ID}
    return {**picker, "initial_date": initial.isoformat()} if initial else picker


def parse_start_meeting_submission(
    view: Mapping[str, Any], *, now: datetime
) -> StartFromModal | StandupFromModal | dict[str, str]:
    """Read a submitted modal back: the meeting to start or the standup to schedule, or
    Slack's {block_id: message} errors."""
    values: Mapping[str, Any] = (view.get("state") or {}).get("values") or {}

    def field(block_id: str, action_id: str) -> Mapping[str, Any]:
        return (values.get(block_id) or {}).get(action_id) or {}

    errors: dict[str, str] = {}
    title = (field(TITLE_BLOCK_ID, TITLE_ACTION_ID).get("value") or "").strip()
    if problem := ("Give the meeting a title." if not title else limits.title_problem(title)):
        errors[TITLE_BLOCK_ID] = problem
    thread = _thread(view.get("private_metadata"))
    channel_id = (
        thread[0]
        if thread
        else field(CONVERSATION_BLOCK_ID, CONVERSATION_ACTION_ID).get("selected_conversation")
    )
    if not channel_id:
        errors[CONVERSATION_BLOCK_ID] = "Choose where to post the meeting card."
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
            errors[EXPIRES_BLOCK_ID] = "That is not a date."
        if expires_at is None:
            errors.setdefault(EXPIRES_BLOCK_ID, "Pick the last day of a long-term room.")
        elif problem := limits.expiry_problem(expires_at, now=now, given="That day"):
            errors[EXPIRES_BLOCK_ID] = problem
    else:
        if day:
            errors[EXPIRES_BLOCK_ID] = (
                "Only long-term rooms have a last day: choose Long-term, or clear the date."
            )
        if after_use:
            errors[EXPIRE_AFTER_USE_BLOCK_ID] = (
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
    prefilled = _prefilled(view.get("private_metadata"))
    still = {
        "record": options.record,
        "long_term": options.kind is RoomKind.LONG_TERM,
        "notes": options.notes,
    }
    return StartFromModal(
        options=options,
        channel_id=str(channel_id),
        thread_ts=thread[1] if thread else None,
        defaulted=tuple(name for name in prefilled if still.get(name)),
    )


def _prefilled(metadata: object) -> list[str]:
    """The defaults a modal was prefilled with (its private_metadata)."""
    try:
        names = json.loads(str(metadata or "{}")).get("defaulted") or []
    except (ValueError, AttributeError):
        return []
    return [name for name in names if isinstance(name, str)] if isinstance(names, list) else []


def _thread(metadata: object) -> tuple[str, str] | None:
    """The (channel, message ts) a "Meet about this" modal carries in its private_metadata."""
    try:
        channel, ts = json.loads(str(metadata or "{}"))["thread"]
    except (ValueError, KeyError, TypeError):
        return None
    return (channel, ts) if isinstance(channel, str) and isinstance(ts, str) else None
