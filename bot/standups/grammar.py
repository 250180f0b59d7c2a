"""The standup forms of `/meet`, recognised before the meeting grammar (`bot.slack.grammar`).

    /meet standup [title] <schedule> <time> [title] [--here]   (see bot.standups.recurrence.EXAMPLES)
    /meet schedules
    /meet cancel <id>

Pure. `parse_standup_command` returns None for anything else, so `/meet standup notes review`
(no day, no time) still starts an instant meeting by that name; `/meet standup` alone asks when
the standup repeats (it used to make a room called "standup", which nobody meant).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UsageError
from bot.i18n import N_
from bot.slack import limits
from bot.slack.grammar import plain_text
from bot.standups.recurrence import (
    EXAMPLES,
    SAY_WHEN,
    Recurrence,
    is_schedule_phrase,
    parse_schedule,
)

_DASHES = ("--", "\u2014", "\u2013")
_FLAG = re.compile(rf"^(?:{'|'.join(_DASHES)})(\S+)$")
_QUOTES = "\"“”'"


@dataclass(frozen=True)
class StandupOptions:
    title: str | None
    recurrence: Recurrence
    here: bool = False
    notes: bool = False  # each run's room is transcribed (issue 16; the modal's "Take notes")


@dataclass(frozen=True)
class ListSchedules:
    """`/meet schedules`: this channel's schedules."""


@dataclass(frozen=True)
class CancelSchedule:
    schedule_id: str


StandupCommand = StandupOptions | ListSchedules | CancelSchedule


def parse_standup_command(text: str) -> StandupCommand | None:
    """The standup command in `text`, or None when it is not one.

    Raises:
        UsageError: a standup command with a mistake (with examples).
    """
    words = text.split()
    if not words:
        return None
    first = words[0].lower()
    if first == "schedules" and len(words) == 1:
        return ListSchedules()
    if first == "cancel" and len(words) <= 2:
        if len(words) == 1:
            raise UsageError(
                N_("Which standup? `/meet cancel &lt;id&gt;`; `/meet schedules` lists the ids.")
            )
        return CancelSchedule(words[1].strip("`").lower())
    if first != "standup":
        return None
    if len(words) == 1:
        raise UsageError(SAY_WHEN, usage=EXAMPLES)
    rest, here = [], False
    for word in words[1:]:
        flag = _FLAG.match(word)
        if flag is None:
            rest.append(word)
        elif flag.group(1).lower() == "here":
            here = True
        else:
            raise UsageError(
                N_("A standup takes only `--here`, not `%(word)s`."),
                usage=EXAMPLES,
                params={"word": word},
            )
    if not is_schedule_phrase(rest):
        if here:
            raise UsageError(SAY_WHEN, usage=EXAMPLES)
        return None
    recurrence, title_words = parse_schedule(rest)
    title = plain_text(" ".join(title_words)).strip(_QUOTES + " ") or None
    if title and (problem := limits.title_problem(title)):
        raise UsageError(problem, usage=EXAMPLES)
    return StandupOptions(title=title, recurrence=recurrence, here=here)
