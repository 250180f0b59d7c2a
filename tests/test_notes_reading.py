"""The pure parts of notes: a summary text read into its parts, names in action items turned into
mentions only when they match exactly one member, `--notes` parsed, and the modal's "Take notes"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from meetbot_sandbox.meetings.keypair import KeyPair

from bot.config import ConfigError, Settings
from bot.errors import UsageError
from bot.notes.summary_text import Member, member_names, mention_names, read_summary
from bot.slack import views
from bot.slack.grammar import MeetOptions, parse_meet
from bot.slack.start_submission import (
    StandupFromModal,
    StartFromModal,
    parse_start_meeting_submission,
)
from bot.standups.modal_repeat import CHOICES
from tests.test_config import base_env
from tests.test_views import submit

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

# The shape Daily's emulator writes (sandbox daily/notes.py build_summary), and a markdown one.
PLAIN = """The meeting brought together Ana and Li. Each gave a short update; no blockers.

Key points:
- Ana reported that the work she owns is on track.
- Li reported the same.

Action items:
- Ana will follow up on the open questions by Friday.
- Li will send the notes.
"""
MARKDOWN = """## Summary
A short sync.

**Key takeaways**
1. Launch moved to May.

### Next steps
* [ ] Ana Lopez drafts the announcement
"""


def test_a_plain_summary_reads_as_paragraph_points_and_actions() -> None:
    parts = read_summary(PLAIN)
    assert parts.overview.startswith("The meeting brought together Ana and Li.")
    assert parts.key_points == (
        "Ana reported that the work she owns is on track.",
        "Li reported the same.",
    )
    assert parts.action_items[0] == "Ana will follow up on the open questions by Friday."


def test_markdown_headings_and_numbered_lists_read_the_same_way() -> None:
    parts = read_summary(MARKDOWN)
    assert parts.overview == "A short sync."
    assert parts.key_points == ("Launch moved to May.",)
    assert parts.action_items == ("Ana Lopez drafts the announcement",)


def test_prose_without_headings_is_the_overview() -> None:
    parts = read_summary("Just one paragraph about the meeting.")
    assert parts.overview == "Just one paragraph about the meeting."
    assert parts.key_points == parts.action_items == ()


MEMBERS = [
    member_names("U0ANA", real_name="Ana Lopez", name="ana"),
    member_names("U0LI1", real_name="Li Wang", name="li.wang"),
    member_names("U0LI2", real_name="Li Chen", display_name="lichen"),
]


@pytest.mark.parametrize(
    ("item", "shown"),
    [
        ("Ana will follow up", "<@U0ANA> will follow up"),
        ("ana lopez drafts it", "<@U0ANA> drafts it"),
        ("Li will send the notes", "Li will send the notes"),  # two Lis: nobody is guessed
        ("Li Wang will send the notes", "<@U0LI1> will send the notes"),
        ("Banana bread for Anabel", "Banana bread for Anabel"),  # whole words only
        ("Nobody we know", "Nobody we know"),
    ],
)
def test_a_name_becomes_a_mention_only_when_it_is_one_member(item: str, shown: str) -> None:
    assert mention_names(item, MEMBERS) == shown


def test_no_members_no_mentions() -> None:
    assert mention_names("Ana will do it", list[Member]()) == "Ana will do it"


def test_notes_flag() -> None:
    parsed = parse_meet("Design review --notes", now=NOW)
    assert isinstance(parsed, MeetOptions) and parsed.notes and parsed.title == "Design review"
    with pytest.raises(UsageError, match="--expire-after-use"):
        parse_meet("Retro --notes --for 2w --expire-after-use", now=NOW)
    with pytest.raises(UsageError, match="--notes"):
        parse_meet("--note", now=NOW)  # did you mean


def test_take_notes_in_the_modal_for_a_meeting_and_for_a_standup() -> None:
    meeting = parse_start_meeting_submission(
        submit(views.start_meeting_modal(title="Sync"), notes=True), now=NOW
    )
    assert isinstance(meeting, StartFromModal) and meeting.options.notes
    standup = parse_start_meeting_submission(
        submit(
            views.start_meeting_modal(title="Standup"),
            notes=True,
            repeat=CHOICES[1][1],
            repeat_time="09:30",
        ),
        now=NOW,
    )
    assert isinstance(standup, StandupFromModal) and standup.options.notes
    errors = parse_start_meeting_submission(
        submit(
            views.start_meeting_modal(title="Retro"),
            notes=True,
            room_kind="long_term",
            expires_on="2026-06-30",
            expire_after_use=True,
        ),
        now=NOW,
    )
    assert isinstance(errors, dict) and "--expire-after-use" in errors["notes"]


def test_retention_days_are_off_by_default_and_bad_values_are_reported(
    rsa_keypair: KeyPair,
) -> None:
    env = base_env(rsa_keypair)
    settings = Settings.from_env(env)
    assert settings.notes_retention_days is None and settings.recording_retention_days is None
    both = Settings.from_env(env | {"NOTES_RETENTION_DAYS": "30", "RECORDING_RETENTION_DAYS": "7"})
    assert (both.notes_retention_days, both.recording_retention_days) == (30, 7)
    off = Settings.from_env(env | {"NOTES_RETENTION_DAYS": "off", "RECORDING_RETENTION_DAYS": "0"})
    assert off.notes_retention_days is None and off.recording_retention_days is None
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(
            env | {"NOTES_RETENTION_DAYS": "a month", "RECORDING_RETENTION_DAYS": "999"}
        )
    problems = str(raised.value)
    assert "NOTES_RETENTION_DAYS: expected a whole number of days" in problems
    assert "RECORDING_RETENTION_DAYS: expected 1 to 365 days" in problems, "all reported at once"
