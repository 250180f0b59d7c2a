"""Recurrence, pure: when the next standup runs, in the creator's zone, across DST and month ends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.standups.recurrence import local_start, next_occurrence, parse_schedule


def rule(phrase: str) -> str:
    recurrence, _ = parse_schedule(phrase.split())
    return recurrence.rule


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def nxt(phrase: str, tz: str, after: str, *, since: str = "2026-01-01") -> datetime | None:
    start = local_start(utc(f"{since}T12:00"), tz)
    return next_occurrence(rule(phrase), tz=tz, dtstart=start, after=utc(after))


@pytest.mark.parametrize(
    ("tz", "after", "expected"),
    [
        # Europe/Berlin springs forward on 2026-03-29 and falls back on 2026-10-25.
        ("Europe/Berlin", "2026-03-28T08:30", "2026-03-29T07:30"),
        ("Europe/Berlin", "2026-10-24T07:30", "2026-10-25T08:30"),
        # America/New_York springs forward on 2026-03-08 and falls back on 2026-11-01.
        ("America/New_York", "2026-03-07T14:30", "2026-03-08T13:30"),
        ("America/New_York", "2026-10-31T13:30", "2026-11-01T14:30"),
        # Australia/Sydney leaves DST on 2026-04-05 and enters it on 2026-10-04.
        ("Australia/Sydney", "2026-04-03T22:30", "2026-04-04T23:30"),
        ("Australia/Sydney", "2026-10-02T23:30", "2026-10-03T22:30"),
    ],
)
def test_half_past_nine_stays_half_past_nine_across_dst(tz: str, after: str, expected: str) -> None:
    assert nxt("daily 09:30", tz, after) == utc(expected)


def test_a_time_in_the_spring_gap_runs_once_an_hour_later_on_the_wall_clock() -> None:
    # 02:30 does not exist in Berlin on 2026-03-29: it runs at 01:30 UTC (03:30 CEST).
    assert nxt("daily 02:30", "Europe/Berlin", "2026-03-28T01:31") == utc("2026-03-29T01:30")
    assert nxt("daily 02:30", "Europe/Berlin", "2026-03-29T01:30") == utc("2026-03-30T00:30")


def test_a_time_repeated_in_autumn_runs_once() -> None:
    # 02:30 happens twice in Berlin on 2026-10-25: the first one (CEST) only.
    first = nxt("daily 02:30", "Europe/Berlin", "2026-10-24T23:00")
    assert first == utc("2026-10-25T00:30")
    assert nxt("daily 02:30", "Europe/Berlin", "2026-10-25T00:30") == utc("2026-10-26T01:30")


@pytest.mark.parametrize(
    ("phrase", "after", "expected"),
    [
        ("every weekday 09:30", "2026-01-09T10:00", "2026-01-12T09:30"),  # Friday -> Monday
        ("every monday 14:00", "2026-01-05T14:00", "2026-01-12T14:00"),  # strictly after
        ("every mon, wed and fri 9am", "2026-01-05T10:00", "2026-01-07T09:00"),
        ("monthly on the last friday 17:00", "2026-01-01T00:00", "2026-01-30T17:00"),
        ("monthly on the last friday 17:00", "2026-01-30T17:00", "2026-02-27T17:00"),
        ("monthly on the first monday 10:00", "2026-02-01T00:00", "2026-02-02T10:00"),
        # Month ends: a month without the 31st is skipped (RFC 5545), "last day" never is.
        ("monthly on the 31st 10:00", "2026-01-31T10:00", "2026-03-31T10:00"),
        ("monthly on the 31st 10:00", "2026-03-31T10:00", "2026-05-31T10:00"),
        ("monthly on the last day 10:00", "2026-01-31T10:00", "2026-02-28T10:00"),
        # Leap years: February 29 exists in 2028, not in 2027.
        ("monthly on the last day 10:00", "2028-01-31T10:00", "2028-02-29T10:00"),
        ("monthly on the 29th 10:00", "2027-01-29T10:00", "2027-03-29T10:00"),
        ("monthly on the 29th 10:00", "2028-01-29T10:00", "2028-02-29T10:00"),
        ("daily 23:59", "2028-02-28T23:59", "2028-02-29T23:59"),
    ],
)
def test_next_occurrence_table(phrase: str, after: str, expected: str) -> None:
    assert nxt(phrase, "UTC", after) == utc(expected)


def test_every_two_weeks_counts_from_the_week_it_was_created() -> None:
    # Created on Wednesday 2026-01-07: that week's Friday, then every other Friday.
    runs, after = [], utc("2026-01-07T12:00")
    for _ in range(3):
        found = nxt(
            "every 2 weeks on friday 16:00", "UTC", after.isoformat()[:16], since="2026-01-07"
        )
        assert found is not None
        runs.append(found)
        after = found
    assert runs == [utc("2026-01-09T16:00"), utc("2026-01-23T16:00"), utc("2026-02-06T16:00")]


def test_the_first_run_may_be_later_today() -> None:
    assert nxt("daily 9:00", "UTC", "2026-01-01T08:59", since="2026-01-01") == utc(
        "2026-01-01T09:00"
    )
