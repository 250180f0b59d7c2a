"""Recurrence for standups, pure: a schedule phrase in, an RFC 5545 RRULE out, and the next run.

`parse_schedule` reads "every weekday 09:30", "every 2 weeks on friday 16:00", "daily 9:00",
"monthly on the last friday 17:00" (and a few more) and leaves the other words to the caller
as a title. `next_occurrence` expands the rule (python-dateutil) in *local wall time* from a
local start date and only then converts to UTC, so 09:30 stays 09:30 across DST changes. A
local time that does not exist (a spring-forward gap) runs at the same UTC offset as before
the gap (zoneinfo's fold=0), i.e. an hour later on the wall clock; a repeated one runs once.
No I/O here: the loop that fires occurrences lives in `bot.standups.scheduler`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bot.errors import UsageError
from bot.i18n import N_
from bot.standups.describe import DAYS as _DAYS
from bot.standups.describe import describe

# The phrases stay English in every language (README "Languages"): only "Examples" is translated.
EXAMPLES = N_(
    "Examples: `/meet standup every weekday 09:30`, `/meet standup every monday 14:00`,"
    " `/meet standup every 2 weeks on friday 16:00`, `/meet standup daily 9:00`,"
    " `/meet standup monthly on the last friday 17:00 Retro --here`"
)
SAY_WHEN = N_("Say when the standup repeats.")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_ORDINALS |= {"fourth": 4, "4th": 4, "last": -1}
_STARTERS = frozenset({"every", "each", "daily", "weekly", "monthly", "weekdays"})
_FILLER = frozenset({"on", "the", "at", "and", "of", "month", "week", "weeks"})
_TIME = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?$")
_MONTH_DAY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")


@dataclass(frozen=True)
class Recurrence:
    """A parsed schedule: `rule` is an RRULE body (no DTSTART), at `hour`:`minute` local time."""

    rule: str
    hour: int
    minute: int
    description: str  # "every weekday at 09:30"


def _day(word: str) -> int | None:
    word = word.rstrip("s") if word.endswith("days") else word
    for index, name in enumerate(_DAY_NAMES):
        if len(word) >= 3 and name.startswith(word):
            return index
    return None


def _time(words: list[str], i: int) -> tuple[int, int, int] | None:
    """(hour, minute, words used) for a time at `words[i]` ("9:30", "9am", "9 pm"), or None."""
    match = _TIME.match(words[i])
    if not match:
        return None
    hour, minute, used = int(match.group(1)), int(match.group(2) or 0), 1
    half = match.group(3)
    if half is None and i + 1 < len(words) and words[i + 1] in ("am", "pm"):
        half, used = words[i + 1], 2
    if match.group(2) is None and half is None:
        return None  # a bare number is a month day or a count, not a time
    if half is not None:
        if not 1 <= hour <= 12:
            raise UsageError(
                N_("`%(time)s` is not a time of day."), usage=EXAMPLES, params={"time": words[i]}
            )
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise UsageError(
            N_("`%(time)s` is not a time of day: use 24-hour `HH:MM`."),
            usage=EXAMPLES,
            params={"time": words[i]},
        )
    return hour, minute, used


def is_schedule_phrase(words: list[str]) -> bool:
    """Whether the words after `standup` try to be a schedule (a day word or a time)."""
    lowered = [w.lower() for w in words]
    return any(w in _STARTERS or _time(lowered, i) for i, w in enumerate(lowered))


def parse_schedule(words: list[str]) -> tuple[Recurrence, list[str]]:
    """The recurrence in `words` and the words left over (the title, in their order).

    Raises:
        UsageError: with `EXAMPLES`, when there is no day, no time, or a day we cannot read.
    """
    lowered = [w.lower().strip(",") for w in words]
    at = next((i for i, w in enumerate(lowered) if _time(lowered, i)), None)
    # The schedule is the last one before the time: "Daily sync every weekday 9:30" is titled.
    starts = [i for i, w in enumerate(lowered[:at]) if w in _STARTERS]
    start = starts[-1] if starts else None
    while start and lowered[start - 1] in ("every", "each"):
        start -= 1
    if start is None:
        if at is not None:
            raise UsageError(
                N_("`%(time)s` needs days: say when it repeats, like `every weekday %(time)s`."),
                usage=EXAMPLES,
                params={"time": words[at]},
            )
        raise UsageError(SAY_WHEN, usage=EXAMPLES)
    if at is None or at < start:
        raise UsageError(N_("Add the time it starts, like `every monday 14:00`."), usage=EXAMPLES)
    hour, minute, used = _time(lowered, at) or (0, 0, 1)
    body = _days(lowered[start:at], " ".join(words[start:at]))
    rule = f"{body};BYHOUR={hour};BYMINUTE={minute};BYSECOND=0"
    title = words[:start] + words[at + used :]
    # The English words for the rule (bot.standups.describe words it in any language).
    described = describe(rule)
    assert described is not None, f"every rule made here is worded: {rule}"
    return Recurrence(rule, hour, minute, described), title


def _days(phrase: list[str], given: str) -> str:
    """RRULE FREQ/INTERVAL/BY* parts from the words between start and time."""
    words = [w for w in phrase if w]
    unreadable = UsageError(
        N_("I can't read `%(phrase)s` as a schedule."), usage=EXAMPLES, params={"phrase": given}
    )
    head, rest = words[0], words[1:]
    interval = 1
    if head in ("every", "each") and rest and rest[0].isdigit():
        interval, rest = int(rest[0]), rest[1:]
        if not 1 <= interval <= 52:
            raise unreadable
    elif head in ("every", "each") and rest and rest[0] == "other":
        interval, rest = 2, rest[1:]
    unit = head if head in ("daily", "weekly", "monthly", "weekdays") else None
    if unit is None and rest and rest[0] in ("day", "days", "weekday", "weekdays"):
        unit, rest = ("weekdays" if rest[0].startswith("weekday") else "daily"), rest[1:]
    elif unit is None and rest and rest[0] in ("week", "weeks", "month", "months"):
        unit = "weekly" if rest[0].startswith("week") else "monthly"
    if unit in ("daily", "weekdays") and not [w for w in rest if w not in _FILLER]:
        if unit == "weekdays":
            return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY=MO,TU,WE,TH,FR"
        return f"FREQ=DAILY;INTERVAL={interval}"
    if unit == "monthly":
        return _monthly([w for w in rest if w not in _FILLER], interval, unreadable)
    days = [_day(w) for w in rest if w not in _FILLER and w != "weekly"]
    if not days or None in days or unit not in (None, "weekly"):
        raise unreadable
    picked = sorted({d for d in days if d is not None})
    by_day = ",".join(_DAYS[d] for d in picked)
    return f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={by_day}"


def _monthly(words: list[str], interval: int, unreadable: UsageError) -> str:
    base = f"FREQ=MONTHLY;INTERVAL={interval}"
    if len(words) == 2 and words[0] in _ORDINALS and (day := _day(words[1])) is not None:
        return f"{base};BYDAY={_ORDINALS[words[0]]}{_DAYS[day]}"
    if words in (["last", "day"], ["last"]):
        return f"{base};BYMONTHDAY=-1"
    if len(words) in (1, 2) and (match := _MONTH_DAY.match(words[-1])):
        if len(words) == 2 and words[0] != "day":
            raise unreadable
        day = int(match.group(1))
        if not 1 <= day <= 31:
            raise unreadable
        # RFC 5545: a month without that day is skipped (no 31st in April).
        return f"{base};BYMONTHDAY={day}"
    raise unreadable


@lru_cache(maxsize=4096)
def _rule(rule: str, dtstart: datetime) -> rrule:
    parsed = rrulestr(rule, dtstart=dtstart)
    assert isinstance(parsed, rrule)
    return parsed


def next_occurrence(rule: str, *, tz: str, dtstart: datetime, after: datetime) -> datetime | None:
    """The first occurrence strictly after `after`, in UTC; None when the rule has ended.

    Args:
        rule: an RRULE body from `Recurrence.rule`.
        tz: the IANA zone the schedule lives in (its creator's Slack `tz`).
        dtstart: the naive local date-time the schedule counts from (its INTERVAL anchor).
        after: an aware moment.
    """
    zone = ZoneInfo(tz)
    local_after = after.astimezone(zone).replace(tzinfo=None)
    # Start a day early: wall time and UTC order can differ by the DST shift near `after`.
    for candidate in _rule(rule, dtstart).xafter(local_after - timedelta(days=1), inc=True):
        moment = candidate.replace(tzinfo=zone).astimezone(UTC)
        if moment > after:
            return moment
    return None


def local_start(now: datetime, tz: str) -> datetime:
    """The naive local midnight of `now`'s day in `tz`: where a new schedule's rule starts."""
    local = now.astimezone(ZoneInfo(tz))
    return local.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
