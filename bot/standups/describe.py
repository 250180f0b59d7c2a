"""A schedule in words, in the reader's language: "every weekday at 09:30". Pure.

Worded from the stored RRULE (`bot.standups.recurrence.parse_schedule` makes it), not from
the phrase the creator typed: the phrase is English keywords (README "Languages"), the rule is
what runs, and a schedule stored before translations existed reads in any language too.
English is the catalog's source, and `parse_schedule` keeps it as the schedule's
`description`. Day names are CLDR's (Babel), joined as the language lists things
("Montag, Mittwoch und Freitag"); English keeps its house style ("Monday, Wednesday, Friday").
"""

from __future__ import annotations

from babel.dates import get_day_names
from babel.lists import format_list

from bot.i18n import ENGLISH, Translator

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAYS = ",".join(DAYS[:5])
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day_name(index: int, t: Translator = ENGLISH) -> str:
    """Monday is 0, as in `datetime.weekday()`."""
    if t.language == ENGLISH.language:
        return _DAY_NAMES[index]
    return str(get_day_names("wide", locale=t.language)[index])


def _days(indexes: list[int], t: Translator) -> str:
    names = [day_name(i, t) for i in indexes]
    if t.language == ENGLISH.language:
        return ", ".join(names)
    return format_list(names, locale=t.language)


def _nth_day(nth: int, day: str, t: Translator) -> str:
    """The day of the month of a "monthly on the last friday" rule ("on the last Friday")."""
    if nth == 1:
        return t.gettext("on the first %(day)s", day=day)
    if nth == 2:
        return t.gettext("on the second %(day)s", day=day)
    if nth == 3:
        return t.gettext("on the third %(day)s", day=day)
    if nth == 4:
        return t.gettext("on the fourth %(day)s", day=day)
    return t.gettext("on the last %(day)s", day=day)


def describe(rule: str, t: Translator = ENGLISH) -> str | None:
    """`rule` (an RRULE body with BYHOUR and BYMINUTE) in words; None for a shape
    `parse_schedule` never makes (the caller shows the stored description instead)."""
    try:
        parts = dict(part.split("=", 1) for part in rule.split(";"))
        num = int(parts.get("INTERVAL", "1"))
        time = f"{int(parts['BYHOUR']):02d}:{int(parts['BYMINUTE']):02d}"
        return _worded(parts, num, time, t)
    except (KeyError, ValueError, IndexError):
        return None


def _worded(parts: dict[str, str], num: int, time: str, t: Translator) -> str | None:
    frequency, by_day = parts.get("FREQ"), parts.get("BYDAY", "")
    if frequency == "DAILY":
        if num == 1:
            return t.gettext("every day at %(time)s", time=time)
        return t.ngettext(
            "every %(num)s day at %(time)s", "every %(num)s days at %(time)s", num, time=time
        )
    if frequency == "WEEKLY" and by_day == _WEEKDAYS:
        if num == 1:
            return t.gettext("every weekday at %(time)s", time=time)
        return t.ngettext(
            "every %(num)s week on weekdays at %(time)s",
            "every %(num)s weeks on weekdays at %(time)s",
            num,
            time=time,
        )
    if frequency == "WEEKLY":
        days = _days([DAYS.index(day) for day in by_day.split(",")], t)
        if num == 1:
            return t.gettext("every %(days)s at %(time)s", days=days, time=time)
        return t.ngettext(
            "every %(num)s week on %(days)s at %(time)s",
            "every %(num)s weeks on %(days)s at %(time)s",
            num,
            days=days,
            time=time,
        )
    if frequency != "MONTHLY":
        return None
    if by_day:
        nth, day = int(by_day[:-2]), DAYS.index(by_day[-2:])
        when = _nth_day(nth, day_name(day, t), t)
    elif parts.get("BYMONTHDAY") == "-1":
        when = t.gettext("on its last day")
    else:
        when = t.gettext("on day %(day)s", day=int(parts["BYMONTHDAY"]))
    if num == 1:
        return t.gettext("every month %(when)s at %(time)s", when=when, time=time)
    return t.ngettext(
        "every %(num)s month %(when)s at %(time)s",
        "every %(num)s months %(when)s at %(time)s",
        num,
        when=when,
        time=time,
    )
