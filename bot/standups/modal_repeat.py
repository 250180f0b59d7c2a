"""The start-meeting modal's optional "Repeat" section: its blocks, and reading it back. Pure.

A repeat turns the modal into `/meet standup`. Each choice's value is the phrase the command
would take ("every 2 weeks on friday"); the picked time is appended and the whole goes through
`bot.standups.recurrence.parse_schedule`, so the modal and the command cannot disagree on a schedule.
The time is the creator's Slack wall time (the worker looks the zone up, as for the command),
which is why the timepicker carries no `timezone` of its own. Labels and hints are in the
reader's language (`t`, the person who opened the modal); the values stay the English phrases,
so a submission reads the same whoever sent it. Errors are English catalog messages, as every
field error of the modal (bot.slack.start_submission): the listener shows them translated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.message import Block
from bot.errors import UsageError
from bot.i18n import ENGLISH, N_, Text, Translator
from bot.meet.blocks import input_block, plain
from bot.standups.describe import day_name
from bot.standups.recurrence import Recurrence, parse_schedule

REPEAT_BLOCK_ID, REPEAT_ACTION_ID = "repeat", "repeat_select"
REPEAT_TIME_BLOCK_ID, REPEAT_TIME_ACTION_ID = "repeat_time", "repeat_timepicker"
HERE_BLOCK_ID, HERE_ACTION_ID = "repeat_here", "repeat_here_checkbox"
NO_REPEAT = "none"

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# (what the menu shows, the phrase `/meet standup` would take). One flat list of 24: Slack's
# select filters as you type, and every label reads on its own once chosen. A label with a
# `%(day)s` is shown once per day of the week, in the reader's language.
_LABELS: tuple[tuple[str, str], ...] = (
    (N_("Does not repeat"), NO_REPEAT),
    (N_("Every weekday (Monday to Friday)"), "every weekday"),
    (N_("Every day"), "daily"),
    (N_("Weekly on %(day)s"), "every %s"),
    (N_("Every 2 weeks on %(day)s"), "every 2 weeks on %s"),
    (N_("Monthly on the last %(day)s"), "monthly on the last %s"),
)


def choices(t: Translator = ENGLISH) -> tuple[tuple[str, str], ...]:
    """The menu: (label in `t`'s language, the English phrase it stands for)."""
    found: list[tuple[str, str]] = []
    for label, phrase in _LABELS:
        if "%s" not in phrase:
            found.append((t.gettext(label), phrase))
            continue
        found += [
            (t.gettext(label, day=day_name(index, t)), phrase % day)
            for index, day in enumerate(_DAYS)
        ]
    return tuple(found)


CHOICES = choices()
_PHRASES = frozenset(phrase for _, phrase in CHOICES)
_HH_MM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")  # the timepicker's `selected_time` format

Field = Callable[[str, str], Mapping[str, Any]]


@dataclass(frozen=True)
class Repeat:
    recurrence: Recurrence
    here: bool


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def repeat_blocks(t: Translator = ENGLISH) -> list[Block]:
    """Three optional inputs: how it repeats, at what time, and whether to mention @here."""
    menu = choices(t)
    return [
        input_block(
            REPEAT_BLOCK_ID,
            t.gettext("Repeat"),
            {
                "type": "static_select",
                "action_id": REPEAT_ACTION_ID,
                "options": [_option(text, value) for text, value in menu],
                "initial_option": _option(*menu[0]),
            },
            optional=True,
            hint=t.gettext(
                "A repeating meeting is a standup: a fresh card in the channel at each run,"
                " all in one room of its own. Invite, Recording and the room fields above are"
                " for one-off meetings."
            ),
        ),
        input_block(
            REPEAT_TIME_BLOCK_ID,
            t.gettext("At"),
            {
                "type": "timepicker",
                "action_id": REPEAT_TIME_ACTION_ID,
                "placeholder": plain("09:30"),
            },
            optional=True,
            hint=t.gettext("In your Slack time zone: 09:30 stays 09:30 when the clocks change."),
        ),
        input_block(
            HERE_BLOCK_ID,
            t.gettext("Notify"),
            {
                "type": "checkboxes",
                "action_id": HERE_ACTION_ID,
                "options": [_option(t.gettext("Mention @here in each run's card"), "yes")],
            },
            optional=True,
        ),
    ]


def _chosen(field: Field) -> str | None:
    chosen = (field(REPEAT_BLOCK_ID, REPEAT_ACTION_ID).get("selected_option") or {}).get("value")
    return None if chosen in (None, NO_REPEAT) else str(chosen)


def wants_repeat(field: Field) -> bool:
    """Whether the submission asks for a repeat (even one with mistakes)."""
    return _chosen(field) is not None


def parse_repeat(field: Field, errors: dict[str, str]) -> Repeat | None:
    """The repeat asked for; None for a one-off meeting or a mistake (put into `errors`, as
    English catalog messages: `Translator.text` shows them in the reader's language)."""
    phrase = _chosen(field)
    at = field(REPEAT_TIME_BLOCK_ID, REPEAT_TIME_ACTION_ID).get("selected_time")
    here = bool(field(HERE_BLOCK_ID, HERE_ACTION_ID).get("selected_options"))
    unlisted = N_("Choose one of the listed repeats.")
    if phrase is None:
        if at:
            errors[REPEAT_BLOCK_ID] = N_(
                "A time is for a repeating meeting: choose how it repeats, or clear the time."
            )
        if here:
            errors[HERE_BLOCK_ID] = N_(
                "@here is for repeating meetings: choose how it repeats, or untick it."
            )
        return None
    if phrase not in _PHRASES:
        errors[REPEAT_BLOCK_ID] = unlisted
        return None
    if not at:
        errors[REPEAT_TIME_BLOCK_ID] = N_("Pick the time it starts.")
        return None
    if not _HH_MM.match(str(at)):
        errors[REPEAT_TIME_BLOCK_ID] = N_("That is not a time of day.")
        return None
    try:
        recurrence, leftover = parse_schedule([*phrase.split(), str(at)])
    except UsageError as exc:  # not for the listed phrases (tests parse each); kept honest
        errors[REPEAT_BLOCK_ID] = Text(exc.template, **exc.params)
        return None
    if leftover:
        errors[REPEAT_BLOCK_ID] = unlisted
        return None
    return Repeat(recurrence=recurrence, here=here)
