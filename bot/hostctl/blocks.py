"""Block Kit of the host controls: the host's "someone is waiting" DM, the Extend modal (and
reading its submission back), and the private replies. Pure; each speaks the `Translator` its
caller passes (the reader's: the host's for the DM, the clicker's for the rest)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain.meeting import Meeting
from bot.domain.message import Message
from bot.hostctl.actions import HostAction
from bot.i18n import DEFAULT_LANGUAGE, ENGLISH, LANGUAGES, Translator
from bot.meet.blocks import (
    MAX_LISTED_PEOPLE,
    clip,
    context,
    escape,
    input_block,
    plain,
    section,
)
from bot.meet.timefmt import slack_date

EXTEND_CALLBACK_ID = "extend_room_modal"
UNTIL_BLOCK, UNTIL_ACTION = "extend_until", "extend_until_date"
_NAME_MAX = 80
MODAL_TEXT_MAX = 24  # a modal's title, submit and close (Block Kit view object)


def _title(meeting: Meeting) -> str:
    return escape(clip(meeting.title, 200))


def waiting_dm(meeting: Meeting, t: Translator = ENGLISH) -> Message:
    """Who is waiting in the lobby now, or that nobody is (the same DM, edited), in the
    host's language."""
    title, where = _title(meeting), f"<#{meeting.channel_id}>"
    waiting = meeting.waiting_now
    if not waiting:
        text = t.gettext(
            ":white_check_mark: Nobody is waiting to join *%(title)s* in %(channel)s now.",
            title=title,
            channel=where,
        )
        return Message(text=text, blocks=[section(text)])
    guest = t.gettext("A guest")
    names = [escape(clip(w.name.strip() or guest, _NAME_MAX)) for w in waiting]
    shown = names[:MAX_LISTED_PEOPLE]
    more = len(names) - len(shown)
    who = ", ".join(shown)
    if more:
        who = t.ngettext(
            "%(names)s and %(num)s more", "%(names)s and %(num)s more", more, names=who
        )
    text = t.ngettext(
        ":bell: %(num)s person is waiting to join *%(title)s* in %(channel)s: %(names)s",
        ":bell: %(num)s people are waiting to join *%(title)s* in %(channel)s: %(names)s",
        len(names),
        title=title,
        channel=where,
        names=who,
    )
    hint = t.gettext("Admit or refuse them in the call · this message updates as they come and go")
    return Message(text=text, blocks=[section(text), context(hint)])


def done_text(
    action: HostAction, meeting: Meeting, t: Translator = ENGLISH, *, new_links: bool = False
) -> str:
    """The private confirmation once the action is applied, in the clicker's language."""
    title = _title(meeting)
    if action is HostAction.END:
        return t.gettext(
            ":stop_sign: *%(title)s* has ended: everyone was removed and the room is closed.",
            title=title,
        )
    if action.extends and meeting.expires_at is not None:
        text = t.gettext(
            ":white_check_mark: *%(title)s* is now available until %(date)s.",
            title=title,
            date=slack_date(meeting.expires_at, t=t),
        )
        if new_links:
            text += " " + t.gettext(
                "Its links changed with the new end: your host link is in meetbot's Home tab."
            )
        return text
    if action is HostAction.LOBBY_ON:
        return t.gettext(
            ":white_check_mark: The lobby of *%(title)s* is on: guests wait until a host admits"
            " them in the call.",
            title=title,
        )
    return t.gettext(
        ":white_check_mark: The lobby of *%(title)s* is off: guests join directly.", title=title
    )


def reply(text: str) -> Message:
    return Message(text=text, blocks=[section(text)])


def extend_modal(
    meeting: Meeting, *, initial: date, response_url: str | None, t: Translator = ENGLISH
) -> dict[str, Any]:
    """Pick the room's new last day (it ends at the end of that day, UTC). The modal keeps
    its language in `private_metadata`: the submission's field errors are answered before
    any Slack call, in the language the modal was drawn in."""
    title = _title(meeting)
    if meeting.expires_at is not None:
        until = slack_date(meeting.expires_at, t=t)
        lasts = t.gettext("*%(title)s* is available until %(date)s.", title=title, date=until)
    else:  # one whole sentence: "until" + "no set end" would not translate
        lasts = t.gettext("*%(title)s* has no set end.", title=title)
    meta = {"meeting_id": meeting.id, "response_url": response_url, "language": t.language}
    return {
        "type": "modal",
        "callback_id": EXTEND_CALLBACK_ID,
        "private_metadata": json.dumps(meta, separators=(",", ":")),
        "title": plain(t.gettext("Extend the room"), MODAL_TEXT_MAX),
        "submit": plain(t.gettext("Extend"), MODAL_TEXT_MAX),
        "close": plain(t.gettext("Cancel"), MODAL_TEXT_MAX),
        "blocks": [
            section(lasts),
            input_block(
                UNTIL_BLOCK,
                t.gettext("Available until the end of"),
                {
                    "type": "datepicker",
                    "action_id": UNTIL_ACTION,
                    "initial_date": initial.isoformat(),
                },
                hint=t.gettext("The end of that day in UTC; at most a year from today."),
            ),
        ],
    }


@dataclass(frozen=True)
class ExtendSubmission:
    """What a submitted Extend modal carries back."""

    meeting_id: str
    response_url: str | None
    day: date | None  # None: no date picked, or not one we can read
    language: str  # the modal's (its opener's), for the field errors


def read_extend(view: dict[str, Any]) -> ExtendSubmission:
    """What a submitted Extend modal asks for; English where its metadata names no language
    we have (a modal opened before the metadata carried one)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    meta = meta if isinstance(meta, dict) else {}
    meeting_id, response_url = str(meta.get("meeting_id") or ""), meta.get("response_url")
    picked: object = view.get("state")
    for key in ("values", UNTIL_BLOCK, UNTIL_ACTION, "selected_date"):
        picked = picked.get(key) if isinstance(picked, dict) else None
    try:
        day = date.fromisoformat(picked) if isinstance(picked, str) else None
    except ValueError:
        day = None
    language = meta.get("language")
    return ExtendSubmission(
        meeting_id=meeting_id,
        response_url=response_url if isinstance(response_url, str) else None,
        day=day,
        language=language if language in LANGUAGES else DEFAULT_LANGUAGE,
    )
