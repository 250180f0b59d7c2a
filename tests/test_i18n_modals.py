"""The "Start a meeting" modal, "Meet about this" and its cannot-post modal in the reader's
language: end to end through HTTP (the fake Slack answers users.info with locale de-DE), and
every language against Block Kit's limits.

The modal opens before any Slack call can say who is asking (a trigger_id lasts 3 s), so it
speaks what Redis knows: the person's last known Slack locale, else the channel's language
("Meet about this"), else English; its errors speak the language it was opened in.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from meetbot_sandbox.slack.payloads import (
    global_shortcut_payload,
    message_shortcut_payload,
    view_submission_payload,
)

from bot.errors import UsageError, user_message
from bot.i18n import LANGUAGES, translator
from bot.settings.model import WorkspacePolicy
from bot.slack.grammar import parse_meet
from bot.slack.shortcuts import _refused_by_policy, _shown
from bot.slack.start_submission import (
    StartFromModal,
    language_of_modal,
    parse_start_meeting_submission,
)
from bot.slack.views import Prefill, cannot_post_here_modal, start_meeting_modal
from bot.standups.modal_repeat import REPEAT_BLOCK_ID, REPEAT_TIME_BLOCK_ID
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.settings_helpers import as_admin_set
from tests.test_blocks import NOW
from tests.test_i18n_meet import _card, _dm, _dump, _german
from tests.test_i18n_surfaces import assert_unclipped
from tests.test_views import assert_valid_view, submit

PRIVATE = "C0SECRET"


async def _known_to_meetbot(bot: RunningBot) -> None:
    """A `/meet` once: the worker asks Slack who they are and Redis keeps their locale."""
    await bot.command("Planung")
    await _card(bot)
    await _dm(bot, CREATOR)


def _shown_text(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def _submission(view: dict[str, Any], **answers: Any) -> dict[str, Any]:
    """What Slack sends when the person submits `view` with `answers` (block id -> value)."""
    values = submit(view, **answers)["state"]["values"]
    return view_submission_payload(
        view["callback_id"],
        values,
        private_metadata=view["private_metadata"],
        view_id=f"V{uuid.uuid4().hex[:10].upper()}",
    )


async def test_a_german_person_fills_in_the_modal_in_german(bot: RunningBot) -> None:
    _german(bot)
    await _known_to_meetbot(bot)

    view = await bot.opened_view(global_shortcut_payload("start_meeting", user_id=CREATOR))

    shown = _shown_text(view)
    assert view["title"]["text"] == "Meeting starten" and view["close"]["text"] == "Abbrechen"
    assert "Karte posten in" in shown and "Dauerraum" in shown and "Notizen machen" in shown
    mistakes = await bot.interact(
        _submission(view, title="", room_kind="long_term", conversation=GENERAL)
    )
    assert mistakes.body is not None and mistakes.body["response_action"] == "errors"
    assert mistakes.body["errors"]["title"] == "Gib dem Meeting einen Titel."
    assert mistakes.body["errors"]["expires_on"] == "Wähle den letzten Tag des Dauerraums."

    started = await bot.interact(_submission(view, title="Retro", conversation=GENERAL))
    assert started.body is None, "an empty ack closes the modal"
    card = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and "Retro" in json.dumps(c.params), timeout=10
    )
    assert "Beitreten" in _dump(card)


async def test_meet_about_this_speaks_the_channel_language_to_someone_new(
    bot: RunningBot,
) -> None:
    """Nobody has told meetbot this person's locale yet: the channel's language it is; the
    card follows the channel's language whatever the modal's (as for `/meet`)."""
    await as_admin_set(bot, {"default_language": "de"})
    message = bot.slack.state.add_user_message(GENERAL, "Release blockiert", user="U0BOB")
    shortcut = message_shortcut_payload(
        "meet_about_message", channel_id=GENERAL, message_ts=message.ts, message_text=message.text
    )

    view = await bot.opened_view(shortcut)

    assert "Die Karte wird im Thread dieser Nachricht gepostet." in _shown_text(view)
    assert view["submit"]["text"] == "Starten"
    await bot.interact(_submission(view))
    card = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and c.params.get("thread_ts") == message.ts, timeout=10
    )
    assert "Beitreten" in _dump(card)


async def test_a_modal_in_english_still_posts_a_german_channel_card(bot: RunningBot) -> None:
    """The channel's default language reaches a card started from the modal, as from `/meet`."""
    await as_admin_set(bot, {"default_language": "de"})
    view = await bot.opened_view(global_shortcut_payload("start_meeting", user_id=CREATOR))
    assert view["title"]["text"] == "Start a meeting", "no locale known, no channel: English"

    await bot.interact(_submission(view, title="Roadmap", conversation=GENERAL))

    card = await bot.slack.state.wait_for(
        "chat.postMessage", lambda c: c.ok and "Roadmap" in json.dumps(c.params), timeout=10
    )
    assert "Beitreten" in _dump(card) and "Gestartet von" in _dump(card)
    assert "You're the host of *Roadmap*" in _dump(await _dm(bot, CREATOR))


async def test_cannot_post_here_is_explained_in_german(bot: RunningBot) -> None:
    _german(bot)
    await _known_to_meetbot(bot)
    bot.slack.state.add_channel(PRIVATE, "leadership", private=True, member=False)
    message = bot.slack.state.add_user_message(PRIVATE, "Q3-Zahlen", user="U0BOB")

    view = await bot.opened_view(
        message_shortcut_payload(
            "meet_about_message",
            channel_id=PRIVATE,
            channel_name="leadership",
            message_ts=message.ts,
            message_text=message.text,
        ),
    )

    shown = _shown_text(view)
    assert "Ich bin kein Mitglied von *leadership*" in shown and "/invite @meetbot" in shown
    assert "*Meet about this*" in shown, "the shortcut keeps the name Slack's menu shows"
    assert "Es wurde nichts erstellt." in shown and "submit" not in view


async def test_without_redis_a_german_modal_says_why_in_german(
    bot_without_redis: RunningBot,
) -> None:
    """The modal carries its language: its errors need no Redis to speak it."""
    german = start_meeting_modal(t=translator("de"))
    reply = await bot_without_redis.interact(
        _submission(german, title="Retro", conversation=GENERAL)
    )
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert reply.body["errors"] == {
        "title": "Meetings sind gerade nicht verfügbar. Versuch es bitte in einer Minute noch einmal."
    }


def _every_modal(language: str) -> list[dict[str, Any]]:
    t = translator(language)
    full = Prefill(record=True, expires_on=NOW.date() + timedelta(days=30), notes=True)
    return [
        start_meeting_modal(t=t),
        start_meeting_modal(title="x" * 300, prefill=full, invitees=("U1", "U2"), t=t),
        start_meeting_modal(
            title="Incident", conversation_id="C1", thread=("C1", "1.2"), prefill=full, t=t
        ),
        cannot_post_here_modal("leadership", t),
        cannot_post_here_modal("", t),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_modals_fit_slack_in_every_language(language: str) -> None:
    for view in _every_modal(language):
        assert_valid_view(view)
        assert_unclipped(view["blocks"])
        if "submit" in view:
            assert language_of_modal(view) == language, "its errors will speak the same"


def _every_error(language: str) -> dict[str, str]:
    """Each field error the modal can show, as its reader reads it."""
    t = translator(language)
    modal = start_meeting_modal(t=t)
    # A valid repeat: the repeat section's own errors are the standups' (bot.standups).
    repeat = {REPEAT_BLOCK_ID: "every weekday", REPEAT_TIME_BLOCK_ID: "09:30"}
    cases: list[dict[str, Any]] = [
        {"title": "", "conversation": None, "room_kind": "long_term"},
        {"title": "x" * 201, "expires_on": "2026-12-31", "expire_after_use": True},
        {
            "room_kind": "long_term",
            "expires_on": "2020-01-01",
            "notes": True,
            "expire_after_use": True,
        },
        {"room_kind": "long_term", "expires_on": "not-a-date"},
        {"invitees": [f"U{i}" for i in range(31)]},
        {**repeat, "invitees": ["U1"], "record": True},
        {**repeat, "expires_on": "2026-12-31", "expire_after_use": True},
    ]
    shown: dict[str, str] = {}
    for answers in cases:
        view = submit(modal, **{"title": "Sync", "conversation": "C1", **answers})
        errors = parse_start_meeting_submission(view, now=NOW)
        assert isinstance(errors, dict), answers
        shown |= {f"{len(shown)}:{k}": v for k, v in _shown(errors, t).items()}
    ok = parse_start_meeting_submission(
        submit(
            modal,
            title="Sync",
            conversation="C1",
            room_kind="long_term",
            expires_on=(NOW.date() + timedelta(days=300)).isoformat(),
            record=True,
            notes=True,
        ),
        now=NOW,
    )
    assert isinstance(ok, StartFromModal)
    policy = WorkspacePolicy(recording_allowed=False, notes_allowed=False, max_length_days=30)
    refused = _refused_by_policy(ok, policy, NOW) or {}
    return shown | {f"policy:{k}": v for k, v in _shown(refused, t).items()}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_modal_error_is_translated(language: str) -> None:
    english, shown = _every_error("en"), _every_error(language)
    assert english.keys() == shown.keys() and len(shown) >= 14
    untranslated = {k: v for k, v in shown.items() if v == english[k]}
    assert untranslated == {}


def test_a_modal_error_names_the_day_in_german() -> None:
    errors = _every_error("de")
    assert "Dieser Tag liegt in der Vergangenheit." in errors.values()
    assert any(v.startswith(":no_entry: Dieser Tag liegt nach dem Ende") for v in errors.values())
    assert "That day" not in "".join(errors.values())


@pytest.mark.parametrize(
    ("text", "german"),
    [
        ("--until 2026-02-30", "diesen Tag gibt es in dem Monat nicht"),
        ("--until 2026-13-01", "der Monat muss zwischen 1 und 12 liegen"),
        ("--until 0000-01-01", "das Jahr 0 liegt außerhalb des gültigen Bereichs"),
    ],
)
def test_a_date_that_is_not_in_the_calendar_is_explained_in_german(text: str, german: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_meet(text, now=NOW)
    assert german in user_message(raised.value, translator("de"))
    # Python's own words, kept in English so existing replies do not change.
    with pytest.raises(ValueError, match=raised.value.params["reason"]):
        date(*(int(part) for part in text.split()[1].split("-")))
