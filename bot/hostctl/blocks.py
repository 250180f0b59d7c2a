"""Block Kit of the host controls: the host's "someone is waiting" DM, the Extend modal (and
reading its submission back), and the private replies. Pure."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.domain.meeting import Meeting
from bot.domain.message import Message
from bot.hostctl.actions import HostAction
from bot.meet.blocks import MAX_LISTED_PEOPLE, clip, context, escape, plain, section
from bot.meet.timefmt import slack_date

EXTEND_CALLBACK_ID = "extend_room_modal"
UNTIL_BLOCK, UNTIL_ACTION = "extend_until", "extend_until_date"
_NAME_MAX = 80


def _title(meeting: Meeting) -> str:
    return escape(clip(meeting.title, 200))


def waiting_dm(meeting: Meeting) -> Message:
    """Who is waiting in the lobby now, or that nobody is (the same DM, edited)."""
    title, where = _title(meeting), f"<#{meeting.channel_id}>"
    waiting = meeting.waiting_now
    if not waiting:
        text = f":white_check_mark: Nobody is waiting to join *{title}* in {where} now."
        return Message(text=text, blocks=[section(text)])
    names = [escape(clip(w.name.strip() or "A guest", _NAME_MAX)) for w in waiting]
    shown = names[:MAX_LISTED_PEOPLE]
    more = len(names) - len(shown)
    who = ", ".join(shown) + (f" and {more} more" if more else "")
    count = "1 person is" if len(names) == 1 else f"{len(names)} people are"
    text = f":bell: {count} waiting to join *{title}* in {where}: {who}"
    blocks = [
        section(text),
        context("Admit or refuse them in the call · this message updates as they come and go"),
    ]
    return Message(text=text, blocks=blocks)


def done_text(action: HostAction, meeting: Meeting, *, new_links: bool = False) -> str:
    """The private confirmation once the action is applied."""
    title = _title(meeting)
    if action is HostAction.END:
        return f":stop_sign: *{title}* has ended: everyone was removed and the room is closed."
    if action.extends and meeting.expires_at is not None:
        text = (
            f":white_check_mark: *{title}* is now available until {slack_date(meeting.expires_at)}."
        )
        if new_links:
            text += " Its links changed with the new end: your host link is in meetbot's Home tab."
        return text
    if action is HostAction.LOBBY_ON:
        return (
            f":white_check_mark: The lobby of *{title}* is on: guests wait until a host admits"
            " them in the call."
        )
    return f":white_check_mark: The lobby of *{title}* is off: guests join directly."


def reply(text: str) -> Message:
    return Message(text=text, blocks=[section(text)])


def extend_modal(meeting: Meeting, *, initial: date, response_url: str | None) -> dict[str, Any]:
    """Pick the room's new last day (it ends at the end of that day, UTC)."""
    until = slack_date(meeting.expires_at) if meeting.expires_at else "no set end"
    return {
        "type": "modal",
        "callback_id": EXTEND_CALLBACK_ID,
        "private_metadata": json.dumps(
            {"meeting_id": meeting.id, "response_url": response_url}, separators=(",", ":")
        ),
        "title": plain("Extend the room", 24),
        "submit": plain("Extend", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            section(f"*{_title(meeting)}* is available until {until}."),
            {
                "type": "input",
                "block_id": UNTIL_BLOCK,
                "label": plain("Available until the end of"),
                "element": {
                    "type": "datepicker",
                    "action_id": UNTIL_ACTION,
                    "initial_date": initial.isoformat(),
                },
                "hint": plain("The end of that day in UTC; at most a year from today."),
            },
        ],
    }


def read_extend(view: dict[str, Any]) -> tuple[str, str | None, date | None]:
    """(meeting id, response_url, picked day or None) of a submitted Extend modal."""
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
    return meeting_id, response_url if isinstance(response_url, str) else None, day
