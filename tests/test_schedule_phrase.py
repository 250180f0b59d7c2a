"""The standup forms of `/meet`, pure: the phrase becomes an RRULE, mistakes get examples."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from bot.standups.grammar import (
    CancelSchedule,
    ListSchedules,
    StandupOptions,
    parse_standup_command,
)
from bot.standups.recurrence import EXAMPLES


@pytest.mark.parametrize(
    ("text", "rrule", "description"),
    [
        (
            "standup every weekday 09:30",
            "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=30;BYSECOND=0",
            "every weekday at 09:30",
        ),
        (
            "standup every monday 14:00",
            "FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;BYHOUR=14;BYMINUTE=0;BYSECOND=0",
            "every Monday at 14:00",
        ),
        (
            "standup every 2 weeks on friday 16:00",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR;BYHOUR=16;BYMINUTE=0;BYSECOND=0",
            "every 2 weeks on Friday at 16:00",
        ),
        (
            "standup daily 9:00",
            "FREQ=DAILY;INTERVAL=1;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
            "every day at 09:00",
        ),
        (
            "standup monthly on the last friday 17:00",
            "FREQ=MONTHLY;INTERVAL=1;BYDAY=-1FR;BYHOUR=17;BYMINUTE=0;BYSECOND=0",
            "every month on the last Friday at 17:00",
        ),
        (
            "standup every other week on tue at 2pm",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;BYHOUR=14;BYMINUTE=0;BYSECOND=0",
            "every 2 weeks on Tuesday at 14:00",
        ),
    ],
)
def test_the_documented_phrases(text: str, rrule: str, description: str) -> None:
    parsed = parse_standup_command(text)
    assert isinstance(parsed, StandupOptions)
    assert parsed.recurrence.rule == rrule
    assert parsed.recurrence.description == description
    assert parsed.title is None and parsed.here is False


def test_title_and_here() -> None:
    parsed = parse_standup_command("standup Team sync every mon, wed and fri 9:15 --here")
    assert isinstance(parsed, StandupOptions)
    assert parsed.title == "Team sync" and parsed.here is True
    assert "BYDAY=MO,WE,FR" in parsed.recurrence.rule

    daily = parse_standup_command("standup Daily sync every weekday 9:15")
    assert isinstance(daily, StandupOptions) and daily.title == "Daily sync"
    assert "BYDAY=MO,TU,WE,TH,FR" in daily.recurrence.rule

    after = parse_standup_command('standup daily 9:00 "Ops check-in"')
    assert isinstance(after, StandupOptions) and after.title == "Ops check-in"


def test_schedules_and_cancel() -> None:
    assert parse_standup_command("schedules") == ListSchedules()
    assert parse_standup_command("cancel AB12CD34") == CancelSchedule("ab12cd34")


@pytest.mark.parametrize("text", ["", "Design review", "standup notes review", "schedules for Q4"])
def test_anything_else_is_a_meeting(text: str) -> None:
    assert parse_standup_command(text) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("standup 09:30", "needs days"),
        ("standup every monday", "Add the time"),
        ("standup every funday 10:00", "can't read"),
        ("standup monthly on the 40th 10:00", "can't read"),
        ("standup daily 25:00", "not a time"),
        ("standup daily 13pm", "not a time"),
        ("standup daily 9:00 --record", "only `--here`"),
        ("standup --here", "repeats"),
        ("standup", "repeats"),  # alone: not a room called "standup" (issue 18)
        ("cancel", "Which standup"),
    ],
)
def test_mistakes_name_the_problem_and_show_examples(text: str, problem: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_standup_command(text)
    assert problem in caught.value.message
    if text != "cancel":
        assert caught.value.usage == EXAMPLES
