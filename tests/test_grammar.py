"""`/meet` as people type it (escaped by Slack: manifest `should_escape: true`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.rooms import RoomKind
from bot.errors import UsageError
from bot.slack.grammar import USAGE, HelpRequest, MeetOptions, parse_meet, plain_text

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
END_OF_2026 = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)


def long_term(expires_at: datetime) -> MeetOptions:
    return MeetOptions(title=None, kind=RoomKind.LONG_TERM, expires_at=expires_at)


STORIES = [
    ("", MeetOptions(title=None), "bare `/meet` is an instant room named after the channel"),
    (
        "Design review <@U1|ana> --record",
        MeetOptions(title="Design review", invitees=("U1",), record=True),
        "`/meet Design review <@U1|ana> --record` invites ana and records",
    ),
    (
        "Sync <@U1|ana> <@U2> with <@U1|ana>",
        MeetOptions(title="Sync with", invitees=("U1", "U2")),
        "people are invited once each, in the order they were mentioned",
    ),
    (
        "Sync with <@U1|ana>, <@U2|li>",
        MeetOptions(title="Sync with", invitees=("U1", "U2")),
        "the commas between mentions are not part of the title",
    ),
    (
        "<@W9ABC|li>",
        MeetOptions(title=None, invitees=("W9ABC",)),
        "Enterprise Grid user ids (W…) are people too",
    ),
    (
        "Q4 planning --until 2026-12-31",
        MeetOptions(title="Q4 planning", kind=RoomKind.LONG_TERM, expires_at=END_OF_2026),
        "`--until` means the end of that day, UTC",
    ),
    ("--until=2026-12-31", long_term(END_OF_2026), "`--until=date` works too"),
    ("\u2014until 2026-12-31", long_term(END_OF_2026), "an autocorrected em dash still works"),
    ("\u2013until 2026-12-31", long_term(END_OF_2026), "so does an en dash"),
    ("--for 30d", long_term(NOW + timedelta(days=30)), "`--for 30d` is thirty days from now"),
    ("--for 2w", long_term(NOW + timedelta(weeks=2)), "weeks"),
    ("--for 12h", long_term(NOW + timedelta(hours=12)), "hours"),
    ("--for 365d", long_term(NOW + timedelta(days=365)), "a full year is allowed"),
    (
        "Retro --for 2w --expire-after-use",
        MeetOptions(
            title="Retro",
            kind=RoomKind.LONG_TERM,
            expires_at=NOW + timedelta(weeks=2),
            expire_after_use=True,
        ),
        "a long-term room can close after its first use",
    ),
    ('"Design review" --record', MeetOptions(title="Design review", record=True), "quoted"),
    ("\u201cDesign review\u201d", MeetOptions(title="Design review"), "smart quotes"),
    ('"--record" demo', MeetOptions(title="--record demo"), "a quoted flag is just a title"),
    (
        "Sync in <#C123|general> &amp; <#C9>",
        MeetOptions(title="Sync in #general & #C9"),
        "channel mentions stay in the title as #name",
    ),
    ("Planning \u2014 Q4 - 2026", MeetOptions(title="Planning \u2014 Q4 - 2026"), "lone dashes"),
    ("Ana's 1:1 @ 3pm", MeetOptions(title="Ana's 1:1 @ 3pm"), "apostrophes and a lone @"),
    ("--RECORD", MeetOptions(title=None, record=True), "flags ignore case"),
]


@pytest.mark.parametrize(("text", "expected", "story"), STORIES, ids=[s[2] for s in STORIES])
def test_meet_reads_what_people_type(text: str, expected: MeetOptions, story: str) -> None:
    assert parse_meet(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["help", " HELP ", "--help", "-h", "?", "Design --help"])
def test_help_asks_for_help(text: str) -> None:
    assert parse_meet(text, now=NOW) == HelpRequest()


MISTAKES = [
    ("@bob hi", "I can't find `@bob` in Slack"),
    ("@bob <@U1|ana> @eve", "I can't find `@bob` or `@eve` in Slack"),
    ("<!here> standup", "`@here` can't be invited: mention people one by one."),
    ("<!subteam^S1|@eng> sync", "User groups like `@eng` can't be invited"),
    ("--recrod", "Unknown option `--recrod`: did you mean `--record`?"),
    ("--expire-after", "did you mean `--expire-after-use`?"),
    ("--zzz", "Unknown option `--zzz`. Options are `--record`"),
    ("--record=yes", "`--record` takes no value."),
    ("--record --record", "`--record` is given twice."),
    ("--until 2026-12-30 --until 2026-12-31", "`--until` is given twice."),
    ("--until 2026-12-31 --for 30d", "Use either `--until` or `--for`, not both."),
    ("--until", "`--until` needs a value, like `--until 2026-12-31`."),
    ("--until --record", "`--until` needs a value"),
    ("--for", "`--for` needs a value, like `--for 30d`."),
    ("--for=", "`--for` needs a value"),
    ("--for <@U1|ana>", "`--for` needs a value"),
    ("--until 2026-13-01", "`--until 2026-13-01` is not a valid date: month must be in 1..12."),
    ("--until 2026-02-30", "`--until 2026-02-30` is not a valid date: day is out of range"),
    ("--until 31/12/2026", "`--until 31/12/2026` is not a date: use YYYY-MM-DD"),
    ("--until 2025-01-01", "`--until 2025-01-01` is in the past."),
    ("--until 2027-05-02", "`--until 2027-05-02` is too far away: a room lasts at most a year"),
    ("--for 53w", "`--for 53w` is too far away"),
    ("--for 8761h", "`--for 8761h` is too far away"),
    ("--for 0d", "`--for 0d` is too soon: a room must last more than 10 minutes."),
    ("--for 30x", "`--for 30x` is not a duration: use hours, days or weeks"),
    ("--for 30", "`--for 30` is not a duration"),
    ("--expire-after-use", "`--expire-after-use` is only for long-term rooms"),
    ("x" * 201, "The title is 201 characters long; the limit is 200."),
    (" ".join(f"<@U{i}>" for i in range(31)), "That's 31 people; you can invite at most 30"),
]


@pytest.mark.parametrize(("text", "message"), MISTAKES, ids=[m[0][:40] for m in MISTAKES])
def test_every_mistake_names_the_problem_and_shows_usage(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_meet(text, now=NOW)
    assert message in caught.value.message
    assert caught.value.usage == USAGE


def test_until_today_is_refused_in_the_last_ten_minutes_of_the_utc_day() -> None:
    late = datetime(2026, 5, 1, 23, 50, tzinfo=UTC)
    with pytest.raises(UsageError, match="too soon"):
        parse_meet("--until 2026-05-01", now=late)
    assert parse_meet("--until 2026-05-01", now=late - timedelta(seconds=2)) == long_term(
        datetime(2026, 5, 1, 23, 59, 59, tzinfo=UTC)
    )


def test_the_last_day_a_year_ahead_is_allowed() -> None:
    midnight = datetime(2026, 5, 1, 0, 0, 0, tzinfo=UTC)
    assert parse_meet("--until 2027-04-30", now=midnight) == long_term(
        datetime(2027, 4, 30, 23, 59, 59, tzinfo=UTC)
    )


def test_exactly_thirty_people_can_be_invited() -> None:
    options = parse_meet(" ".join(f"<@U{i}|p{i}>" for i in range(30)), now=NOW)
    assert isinstance(options, MeetOptions) and len(options.invitees) == 30


def test_usage_is_one_line() -> None:
    assert "\n" not in USAGE and "/meet" in USAGE


@pytest.mark.parametrize(
    ("escaped", "readable"),
    [
        ("Ship &lt;v2&gt; &amp; party", "Ship <v2> & party"),
        ("<@U1|ana> in <#C1|general>", "@ana in #general"),
        ("see <https://example.com|example.com>", "see example.com"),
        ("<!here> <!subteam^S1|@eng>", "@here @eng"),
    ],
)
def test_slack_escaped_text_reads_plainly(escaped: str, readable: str) -> None:
    assert plain_text(escaped) == readable
