"""Fuzzing the /meet grammar: whatever the text, a valid request or a UsageError naming the
problem with the usage line; never another exception, never a request past the limits.

Fixed seed and bounded examples (`make test`); bench/fuzz.py runs the same properties longer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.rooms import RoomKind
from bot.errors import UsageError
from bot.slack import limits
from bot.slack.grammar import USAGE, HelpRequest, MeetOptions, parse_meet
from tests.fuzzing import fuzz_settings

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # a DST switch night in Europe, for good measure
FAST = fuzz_settings(300)

# Pieces Slack can send (should_escape: true) and people type, to build texts that get deep
# into the grammar rather than stopping at the first unknown word.
PIECES = st.sampled_from(
    [
        "--record",
        "--until",
        "--for",
        "--expire-after-use",
        "--help",
        "help",
        "\u2014record",
        "\u2013for",
        "--until=2026-04-30",
        "--for=30d",
        "--bogus",
        "--Record",
        "2026-12-31",
        "2026-02-30",
        "9999-99-99",
        "30d",
        "2w",
        "12h",
        "0d",
        "366d",
        "1000000w",
        "<@U0ANA|ana>",
        "<@U0LI>",
        "<@W0GRID|grid>",
        "<!here>",
        "<!channel|channel>",
        "<!subteam^S0TEAM|@team>",
        "<#C0GEN|general>",
        "@nobody",
        "&amp;",
        "&lt;",
        "&gt;",
        "<",
        ">",
        '"quoted title"',
        "“curly”",
        '"',
        "Design",
        "review",
        "ünïcödé",
        "🎉",
        "=",
        "--",
        "\u200b",
        "\t",
        "\n",
    ]
)
BUILT = st.lists(PIECES | st.text(max_size=12), max_size=12).map(" ".join)


def check(text: str) -> None:
    try:
        parsed = parse_meet(text, now=NOW)
    except UsageError as exc:
        assert exc.message.strip(), "a message naming the problem"
        assert exc.usage == USAGE or exc.usage is None
        return
    if isinstance(parsed, HelpRequest):
        return
    assert isinstance(parsed, MeetOptions)
    assert parsed.title is None or 0 < len(parsed.title) <= limits.TITLE_MAX_CHARS
    assert len(parsed.invitees) <= limits.MAX_INVITEES
    assert all(i.startswith(("U", "W")) for i in parsed.invitees)
    if parsed.kind is RoomKind.LONG_TERM:
        assert parsed.expires_at is not None
        assert NOW + limits.MIN_LIFETIME < parsed.expires_at <= NOW + timedelta(days=365)
    else:
        assert parsed.expires_at is None


@FAST
@given(st.text())
def test_any_text_is_a_request_or_a_usage_error(text: str) -> None:
    check(text)


@FAST
@given(BUILT)
def test_texts_made_of_flags_mentions_and_dates_are_requests_or_usage_errors(text: str) -> None:
    check(text)


@fuzz_settings(50)
@given(st.integers(min_value=1, max_value=20_000))
def test_long_texts_are_refused_or_clipped_not_crashed(size: int) -> None:
    check("x" * size)
    check("<@U0ANA> " * (size // 9 + 1))
