"""Every notes and recording surface in every language against Block Kit's limits
(tests/test_i18n_surfaces.py explains `assert_unclipped`): the notes reply in each of its
states, what replaces it, the retention texts, the host's failure DMs, the Delete refusal and
App Home's notes list; and the words around a refusal's provider name."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.domain.message import Message
from bot.domain.rooms import Capability
from bot.home.view import home_view
from bot.i18n import LANGUAGES, Translator, translator
from bot.notes import blocks
from bot.notes.home import home_blocks
from bot.notes.model import Notes, Removal, Stage
from bot.notes.refusals import DM_REFUSAL, provider_refusal
from bot.notes.summary_text import SummaryParts, member_names
from bot.recordings.route import browser_translator
from tests.test_blocks import NOW, RECORDING_LINK, assert_valid, make_meeting
from tests.test_i18n_surfaces import assert_unclipped
from tests.test_views import assert_valid_view

LONG_TITLE = "Quarterly planning and budget review " * 6  # clipped to 200 by the builders
NOTES = Notes(
    transcript_id="0f9b2c4e-7a1d-4c3b-9e8f-2d6a1b0c9e7f",
    meeting_id="m1",
    transcript=Stage.READY,
    ready_at=NOW,
    reply_channel="C1",
    reply_ts="1.5",
)
SUMMARY = SummaryParts(
    overview="We agreed on the plan. " * 60,
    key_points=tuple(f"Point {n}: " + "detail " * 40 for n in range(12)),
    action_items=tuple(f"Ana Lopez will do task {n} " + "soon " * 40 for n in range(12)),
)
MEMBERS = [member_names("U0ANA", real_name="Ana Lopez")]
REMOVED = (
    NOTES.replace(removed=Removal.BY_PERSON, removed_by="U0HOST", removed_at=NOW),
    NOTES.replace(removed=Removal.BY_RETENTION, removed_at=NOW),
    NOTES.replace(removed=Removal.BY_PERSON, removed_by="U0HOST"),
)


def _messages(t: Translator) -> Iterator[Message]:
    for title in ("Design review", LONG_TITLE):
        meeting = make_meeting(title=title, language=t.language, notes=True)
        for stage in Stage:
            yield blocks.notes_reply(meeting, NOTES.replace(summary=stage), summary=None)
        ready = NOTES.replace(summary=Stage.READY)
        yield blocks.notes_reply(meeting, ready, summary=SUMMARY, members=MEMBERS)
        yield blocks.notes_reply(meeting, ready, summary=SUMMARY, t=t)
        for removed in REMOVED:
            yield blocks.removed_reply(meeting, removed)
        yield blocks.recording_removed(meeting, NOW)
        for what in ("transcript", "summary"):
            yield blocks.failure_dm(meeting, what, "x" * 500, t)
            yield blocks.failure_dm(meeting, what, None, t)
    yield blocks.delete_refused(t)


@pytest.mark.parametrize("language", LANGUAGES)
def test_notes_messages_fit_slack_in_every_language(language: str) -> None:
    t = translator(language)
    for message in _messages(t):
        assert_valid(message)
        assert_unclipped(message.blocks)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_delete_confirmation_fits_its_dialog_in_every_language(language: str) -> None:
    """Slack's confirmation dialog: title 100, text 300, buttons 30 characters."""
    meeting = make_meeting(language=language)
    reply = blocks.notes_reply(meeting, NOTES, summary=None)
    (button,) = [b["elements"][0] for b in reply.blocks if b["type"] == "actions"]
    confirm = button["confirm"]
    assert len(confirm["title"]["text"]) < 100 and len(confirm["text"]["text"]) < 300
    assert len(confirm["confirm"]["text"]) < 30 and len(confirm["deny"]["text"]) < 30
    assert len(button["text"]["text"]) < 75


@pytest.mark.parametrize("language", LANGUAGES)
def test_app_home_lists_notes_in_every_language(language: str) -> None:
    t = translator(language)
    found = []
    for n, stage in enumerate(Stage):
        for card_ts in ("1.2", None):
            meeting = make_meeting(id=f"m{n}{card_ts}", title=LONG_TITLE, card_ts=card_ts)
            found.append((meeting, NOTES.replace(summary=stage, ready_at=NOW + timedelta(n))))
    found += [(make_meeting(id=f"r{n}"), removed) for n, removed in enumerate(REMOVED)]
    notes = home_blocks(found, t)
    assert len(notes) == 1 + 10, "a header, then the newest ten"
    view = home_view(
        meetings=[], now=NOW, recording_link=lambda _: RECORDING_LINK, notes=notes, t=t
    )
    assert_valid_view(view)
    assert_unclipped(view["blocks"])


def test_the_words_around_the_summary_are_translated_and_the_summary_is_not() -> None:
    meeting = make_meeting(language="fr")
    reply = blocks.notes_reply(
        meeting,
        NOTES.replace(summary=Stage.READY),
        summary=SummaryParts("We agreed.", ("Ship it",), ("Ana Lopez will follow up",)),
        members=MEMBERS,
    )
    shown = [b["text"]["text"] for b in reply.blocks if b["type"] == "section"]
    assert shown == [
        ":memo: *Notes de réunion : Design review*",
        "We agreed.",
        "*Points clés*\n• Ship it",
        "*Actions à mener*\n• <@U0ANA> will follow up",
    ]


def test_more_items_than_shown_are_counted_in_the_language() -> None:
    meeting = make_meeting(language="de")
    summary = SummaryParts("", key_points=tuple(f"p{n}" for n in range(9)))
    reply = blocks.notes_reply(meeting, NOTES.replace(summary=Stage.READY), summary=summary)
    assert "_…und 1 weiterer Punkt im Transkript_" in reply.blocks[1]["text"]["text"]


def test_the_refusals_name_the_provider_in_the_readers_language() -> None:
    class Meetings:
        name = "meetings"
        capabilities: frozenset[Capability] = frozenset()

    refusal = provider_refusal(Meetings())  # type: ignore[arg-type]
    assert refusal is not None and refusal.startswith(":no_entry: The Vonage Meetings API, the")
    german, japanese = translator("de"), translator("ja")
    assert german.text(refusal).startswith(":no_entry: Die Vonage Meetings API, der Videoanbieter")
    assert "Vonage Meetings API はミーティング" in japanese.text(refusal)
    assert german.text(DM_REFUSAL).startswith(":no_entry: In dieser Unterhaltung")


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("de-CH", "de"),
        ("pt-BR,pt;q=0.9", "pt_BR"),
        ("pt-PT", "en"),
        ("*", "en"),
        ("fr;q=abc, ja;q=0.1", "ja"),
        ("es;q=0.2, fr;q=0.8, de;q=0.5", "fr"),
        ("en, de", "en"),
        ("," * 5000 + "de", "en"),  # only the first entries are looked at
        ("", "en"),
    ],
)
def test_a_browser_language_picks_ours(header: str, language: str) -> None:
    assert browser_translator(header).language == language
