"""The start-meeting modal, built in its reader's language. Pure. (App Home lives in
`bot.home.view`; reading a submission back, in `bot.slack.start_submission`, re-exported here.)

Every word is a catalog message shown through the `Translator` of the person who opened the
modal; the language goes into its private_metadata, so the submission's errors read the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.message import Block
from bot.domain.rooms import RoomKind
from bot.i18n import ENGLISH, Translator
from bot.meet.blocks import context, escape, input_block, plain, section
from bot.slack import limits
from bot.slack.grammar import plain_text
from bot.slack.start_submission import (
    CONVERSATION_ACTION_ID,
    CONVERSATION_BLOCK_ID,
    EXPIRE_AFTER_USE_ACTION_ID,
    EXPIRE_AFTER_USE_BLOCK_ID,
    EXPIRES_ACTION_ID,
    EXPIRES_BLOCK_ID,
    INVITEES_ACTION_ID,
    INVITEES_BLOCK_ID,
    KIND_ACTION_ID,
    KIND_BLOCK_ID,
    NOTES_ACTION_ID,
    NOTES_BLOCK_ID,
    RECORD_ACTION_ID,
    RECORD_BLOCK_ID,
    START_MEETING_CALLBACK_ID,
    TITLE_ACTION_ID,
    TITLE_BLOCK_ID,
    metadata,
)
from bot.standups.modal_repeat import repeat_blocks


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


def _option(text: str, value: str, description: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": plain(text), "value": value}
    if description:
        option["description"] = plain(description)
    return option


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
    t: Translator = ENGLISH,
) -> dict[str, Any]:
    """The "Start a meeting" modal in `t`'s language. With `thread=(channel_id, message_ts)`
    the card goes there; `prefill`: the channel's defaults."""
    prefill = prefill or Prefill()
    title_element: Block = {
        "type": "plain_text_input",
        "action_id": TITLE_ACTION_ID,
        "max_length": limits.TITLE_MAX_CHARS,
        "placeholder": plain(t.gettext("Design review")),
    }
    if title:
        title_element["initial_value"] = clip_utf16(title, limits.TITLE_MAX_CHARS)
    blocks = [input_block(TITLE_BLOCK_ID, t.gettext("Title"), title_element)]
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
        blocks.append(input_block(CONVERSATION_BLOCK_ID, t.gettext("Post the card in"), select))
    else:
        blocks.append(
            context(t.gettext(":thread: The card will be posted in the thread of that message."))
        )
    users: Block = {
        "type": "multi_users_select",
        "action_id": INVITEES_ACTION_ID,
        "max_selected_items": limits.MAX_INVITEES,
        "placeholder": plain(t.gettext("They get the guest link by DM")),
    }
    if invitees:
        users["initial_users"] = list(dict.fromkeys(invitees))[: limits.MAX_INVITEES]
    instant = _option(
        t.gettext("Instant"),
        RoomKind.INSTANT.value,
        t.gettext("For now; closes if nobody joins soon"),
    )
    long_term = _option(
        t.gettext("Long-term"), RoomKind.LONG_TERM.value, t.gettext("Reusable until the day below")
    )
    blocks += [
        input_block(INVITEES_BLOCK_ID, t.gettext("Invite"), users, optional=True),
        input_block(
            RECORD_BLOCK_ID,
            t.gettext("Recording"),
            _checkbox(RECORD_ACTION_ID, t.gettext("Record this meeting"), on=prefill.record),
            optional=True,
        ),
        {
            **input_block(
                NOTES_BLOCK_ID,
                t.gettext("Notes"),
                _checkbox(NOTES_ACTION_ID, t.gettext("Take notes"), on=prefill.notes),
                optional=True,
            ),
            "hint": plain(
                t.gettext(
                    "Transcribed; a summary and the transcript go to the card's thread"
                    " afterwards. Everyone is told before joining."
                )
            ),
        },
        input_block(
            KIND_BLOCK_ID,
            t.gettext("Room"),
            {
                "type": "radio_buttons",
                "action_id": KIND_ACTION_ID,
                "options": [instant, long_term],
                "initial_option": long_term if prefill.expires_on else instant,
            },
        ),
        {
            **input_block(
                EXPIRES_BLOCK_ID,
                t.gettext("Last day (long-term rooms)"),
                _datepicker(prefill.expires_on),
                optional=True,
            ),
            "hint": plain(
                t.gettext("The room lasts until the end of this day (UTC), at most a year.")
            ),
        },
        input_block(
            EXPIRE_AFTER_USE_BLOCK_ID,
            t.gettext("After use"),
            _checkbox(
                EXPIRE_AFTER_USE_ACTION_ID, t.gettext("Close the room after its first meeting")
            ),
            optional=True,
        ),
    ]
    if thread is None:
        # No Repeat under "Meet about this": a schedule posts each run as a new channel
        # message (Schedule has no thread), so the runs would not follow the message the
        # modal was opened on, and a series buried in one thread is one nobody sees.
        blocks += repeat_blocks(t)
    return {
        "type": "modal",
        "callback_id": START_MEETING_CALLBACK_ID,
        "title": plain(t.gettext("Start a meeting")),
        "submit": plain(t.gettext("Start")),
        "close": plain(t.gettext("Cancel")),
        "private_metadata": metadata(thread, prefill.names, t.language),
        "blocks": blocks,
    }


def cannot_post_here_modal(channel_name: str, t: Translator = ENGLISH) -> dict[str, Any]:
    """ "Meet about this" where meetbot cannot post (a private channel or DM it is not in): what
    to do instead, before any room exists. Slack gives such a conversation's name, not a link.
    The shortcuts keep their English names: manifest.yml names them for Slack's menus."""
    if channel_name:
        not_member = t.gettext(
            ":information_source: I'm not a member of %(channel)s, so I can't post a meeting"
            " in this message's thread.",
            channel=f"*{escape(channel_name)}*",
        )
    else:
        not_member = t.gettext(
            ":information_source: I'm not a member of this conversation, so I can't post a"
            " meeting in this message's thread."
        )
    what_to_do = t.gettext(
        "Add me with `/invite @meetbot` there and use %(message_shortcut)s again, or start the"
        " meeting from the %(global_shortcut)s shortcut and pick a channel I'm in.",
        message_shortcut="*Meet about this*",
        global_shortcut="*Start a meeting*",
    )
    return {
        "type": "modal",
        "title": plain(t.gettext("Start a meeting")),
        "close": plain(t.gettext("OK")),
        "blocks": [
            section(not_member),
            section(what_to_do),
            context(t.gettext("Nothing was created.")),
        ],
    }


def _checkbox(action_id: str, text: str, *, on: bool = False) -> Block:
    option = _option(text, "yes")
    box: Block = {"type": "checkboxes", "action_id": action_id, "options": [option]}
    return {**box, "initial_options": [option]} if on else box


def _datepicker(initial: date | None) -> Block:
    picker: Block = {"type": "datepicker", "action_id": EXPIRES_ACTION_ID}
    return {**picker, "initial_date": initial.isoformat()} if initial else picker
