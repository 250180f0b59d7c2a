"""The start-meeting modal's optional "Repeat" section: its blocks, and reading it back. Pure.

A repeat turns the modal into `/meet standup`. Each choice's value is the phrase the command
would take ("every 2 weeks on friday"); the picked time is appended and the whole goes through
`bot.standups.recurrence.parse_schedule`, so the modal and the command cannot disagree on a schedule.
The time is the creator's Slack wall time (the worker looks the zone up, as for the command),
which is why the timepicker carries no `timezone` of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.message import Block
from bot.errors import UsageError
from bot.meet.blocks import plain
from bot.standups.recurrence import Recurrence, parse_schedule

REPEAT_BLOCK_ID, REPEAT_ACTION_ID = "repeat", "repeat_select"
REPEAT_TIME_BLOCK_ID, REPEAT_TIME_ACTION_ID = "repeat_time", "repeat_timepicker"
HERE_BLOCK_ID, HERE_ACTION_ID = "repeat_here", "repeat_here_checkbox"
NO_REPEAT = "none"

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# (what the menu shows, the phrase `/meet standup` would take). One flat list of 24: Slack's
# select filters as you type, and every label reads on its own once chosen.
CHOICES: tuple[tuple[str, str], ...] = (
    ("Does not repeat", NO_REPEAT),
    ("Every weekday (Monday to Friday)", "every weekday"),
    ("Every day", "daily"),
    *((f"Weekly on {day}", f"every {day.lower()}") for day in _DAYS),
    *((f"Every 2 weeks on {day}", f"every 2 weeks on {day.lower()}") for day in _DAYS),
    *((f"Monthly on the last {day}", f"monthly on the last {day.lower()}") for day in _DAYS),
)
_PHRASES = frozenset(phrase for _, phrase in CHOICES)
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")  # the timepicker's `selected_time` format

Field = Callable[[str, str], Mapping[str, Any]]


@dataclass(frozen=True)
class Repeat:
    recurrence: Recurrence
    here: bool


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def repeat_blocks() -> list[Block]:
    """Three optional inputs: how it repeats, at what time, and whether to mention @here."""
    never = _option(*CHOICES[0])
    return [
        {
            "type": "input",
            "block_id": REPEAT_BLOCK_ID,
            "label": plain("Repeat"),
            "optional": True,
            "element": {
                "type": "static_select",
                "action_id": REPEAT_ACTION_ID,
                "options": [_option(text, value) for text, value in CHOICES],
                "initial_option": never,
            },
            "hint": plain(
                "A repeating meeting is a standup: a fresh card in the channel at each run,"
                " all in one room of its own. Invite, Recording and the room fields above are"
                " for one-off meetings."
            ),
        },
        {
            "type": "input",
            "block_id": REPEAT_TIME_BLOCK_ID,
            "label": plain("At"),
            "optional": True,
            "element": {
                "type": "timepicker",
                "action_id": REPEAT_TIME_ACTION_ID,
                "placeholder": plain("09:30"),
            },
            "hint": plain("In your Slack time zone: 09:30 stays 09:30 when the clocks change."),
        },
        {
            "type": "input",
            "block_id": HERE_BLOCK_ID,
            "label": plain("Notify"),
            "optional": True,
            "element": {
                "type": "checkboxes",
                "action_id": HERE_ACTION_ID,
                "options": [_option("Mention @here in each run's card", "yes")],
            },
        },
    ]


def _chosen(field: Field) -> str | None:
    chosen = (field(REPEAT_BLOCK_ID, REPEAT_ACTION_ID).get("selected_option") or {}).get("value")
    return None if chosen in (None, NO_REPEAT) else str(chosen)


def wants_repeat(field: Field) -> bool:
    """Whether the submission asks for a repeat (even one with mistakes)."""
    return _chosen(field) is not None


def parse_repeat(field: Field, errors: dict[str, str]) -> Repeat | None:
    """The repeat asked for; None for a one-off meeting or a mistake (put into `errors`)."""
    phrase = _chosen(field)
    at = field(REPEAT_TIME_BLOCK_ID, REPEAT_TIME_ACTION_ID).get("selected_time")
    here = bool(field(HERE_BLOCK_ID, HERE_ACTION_ID).get("selected_options"))
    if phrase is None:
        if at:
            errors[REPEAT_BLOCK_ID] = (
                "A time is for a repeating meeting: choose how it repeats, or clear the time."
            )
        if here:
            errors[HERE_BLOCK_ID] = (
                "@here is for repeating meetings: choose how it repeats, or untick it."
            )
        return None
    if phrase not in _PHRASES:
        errors[REPEAT_BLOCK_ID] = "Choose one of the listed repeats."
        return None
    if not at:
        errors[REPEAT_TIME_BLOCK_ID] = "Pick the time it starts."
        return None
    if not _HH_MM.match(str(at)):
        errors[REPEAT_TIME_BLOCK_ID] = "That is not a time of day."
        return None
    try:
        recurrence, leftover = parse_schedule([*phrase.split(), str(at)])
    except UsageError as exc:  # not for the listed phrases (tests parse each); kept honest
        errors[REPEAT_BLOCK_ID] = exc.message
        return None
    if leftover:
        errors[REPEAT_BLOCK_ID] = "Choose one of the listed repeats."
        return None
    return Repeat(recurrence=recurrence, here=here)
