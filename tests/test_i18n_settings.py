"""`/meet settings` in the language of the person who opened it: the modal's labels, options,
hints and buttons, the read-only summaries and their reasons, the field errors of a
submission (in the language the modal was shown in, kept in its private_metadata) and the DM
that says a save was refused. End to end for a German admin and member (the fake Slack answers
users.info with `locale: de-DE`), then every language against Block Kit's limits."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.i18n import ENGLISH, LANGUAGES, translator
from bot.settings.modal import modal_language, parse_settings_submission, settings_modal
from bot.settings.modal_fields import (
    LENGTH_BLOCK,
    LONGEST_BLOCK,
    NOTES_ALLOWED_BLOCK,
    NOTES_BLOCK,
    RECORD_BLOCK,
    RECORDING_BLOCK,
    WHO_BLOCK,
)
from bot.settings.model import Change, ChannelDefaults, StartRule, WorkspacePolicy
from tests.plugins.bot import CREATOR, GENERAL, RunningBot
from tests.settings_helpers import (
    ADMIN,
    as_admin_set,
    make_admin,
    open_settings,
    saved,
    submit_settings,
)
from tests.test_i18n_surfaces import assert_unclipped
from tests.test_settings_policy import refused_privately
from tests.test_views import assert_valid_view, submit

CHANGED = Change(by="U0ANA", at=datetime(2025, 12, 3, 9, 0, tzinfo=UTC))
# Every switch the other way from the defaults, so each hint and summary line shows.
TURNED = ChannelDefaults(
    record=True, long_term=True, length_days=90, home_only=True, lobby=True, notes=True
)
STRICT = WorkspacePolicy(
    who_may_start=StartRule.MEMBERS,
    recording_allowed=False,
    notes_allowed=False,
    max_length_days=30,
    partners_may_start=True,
)


def _shown(view: dict[str, Any]) -> str:
    return json.dumps(view, ensure_ascii=False)


def _german(bot: RunningBot, user_id: str = CREATOR) -> None:
    bot.slack.state.users[user_id].locale = "de-DE"


async def test_a_german_admin_reads_the_whole_modal_in_german(bot: RunningBot) -> None:
    _german(bot)
    await make_admin(bot)

    view = await open_settings(bot)

    shown = _shown(view)
    assert view["title"]["text"] == "Meeting-Einstellungen"
    assert (view["submit"]["text"], view["close"]["text"]) == ("Speichern", "Abbrechen")
    assert f"*Standards für <#{GENERAL}>*" in shown
    assert "Nie geändert: Das sind die Standardwerte von meetbot." in shown
    assert "Meetings aufzeichnen" in shown and "Sofortraum" in shown and "Warteraum" in shown
    assert "Wer Meetings starten darf" in shown and "Nur Vollmitglieder (keine Gäste)" in shown
    assert "Person, die das Meeting startet: ihre Slack-Sprache" in shown
    assert "日本語" in shown, "each language is named in itself"
    assert "Recording" not in shown and "Save" not in shown


async def test_a_german_admins_mistakes_are_field_errors_in_german(bot: RunningBot) -> None:
    _german(bot)
    await make_admin(bot)
    view = await open_settings(bot)

    reply = await submit_settings(bot, view, {LENGTH_BLOCK: "400"})
    assert reply.body is not None and reply.body["response_action"] == "errors"
    assert reply.body["errors"] == {
        LENGTH_BLOCK: "Gib eine ganze Zahl von Tagen zwischen 1 und 365 an."
    }
    reply = await submit_settings(bot, view, {LONGEST_BLOCK: "30", LENGTH_BLOCK: "60"})
    assert reply.body is not None
    error = reply.body["errors"][LENGTH_BLOCK]
    assert error.startswith("Höchstens 30 Tage: Workspace-Richtlinie *Längster Dauerraum*.")
    assert "können das mit `/meet settings` ändern" in error


async def test_the_errors_speak_the_modals_language_not_the_channels(bot: RunningBot) -> None:
    """The channel's cards are Japanese; the German admin who opened the modal reads German."""
    await as_admin_set(bot, {"default_language": "ja"})
    _german(bot)
    await make_admin(bot)
    view = await open_settings(bot)

    reply = await submit_settings(bot, view, {RECORDING_BLOCK: False, RECORD_BLOCK: True})

    assert reply.body is not None
    assert reply.body["errors"][RECORD_BLOCK] == (
        "Aufzeichnen ist in diesem Workspace aus (Workspace-Richtlinie *Aufzeichnung erlauben*):"
        " Entferne das Häkchen oder erlaube unten das Aufzeichnen."
    )


async def test_a_german_member_reads_the_settings_and_why_they_are_locked(
    bot: RunningBot,
) -> None:
    _german(bot)
    bot.slack.state.channels[GENERAL].creator = "U0CARLA"
    await as_admin_set(bot, {LONGEST_BLOCK: "30"})

    view = await open_settings(bot)

    shown = _shown(view)
    assert view.get("submit") is None and view["close"]["text"] == "Schließen"
    assert "• Aufzeichnung: aus" in shown and "• Raum: Sofortraum" in shown
    assert "die Slack-Sprache der Person, die startet" in shown
    assert "• Längster Dauerraum: 30 Tage" in shown and "• Aufzeichnung erlaubt: ja" in shown
    assert "Person, die den Channel erstellt hat (<@U0CARLA>)" in shown
    assert ":lock: Nur Workspace-Admins und -Inhaber können die Workspace-Richtlinie" in shown
    assert f"Zuletzt geändert von <@{ADMIN}> am <!date^" in shown


async def test_a_refused_save_is_told_in_german(bot: RunningBot) -> None:
    _german(bot)
    await make_admin(bot)
    view = await open_settings(bot)
    bot.slack.state.users[CREATOR].is_admin = False  # demoted while the modal was open

    await submit_settings(bot, view, {RECORD_BLOCK: True, WHO_BLOCK: "admins"})

    assert await saved(bot, view) == "refused"
    [notice] = bot.slack.state.history(bot.slack.state.dm_channel(CREATOR).id)
    assert notice.text.startswith(
        f":no_entry: Deine Änderungen an den Meeting-Einstellungen von <#{GENERAL}> wurden"
        " nicht gespeichert: Nur Workspace-Admins und -Inhaber können die Workspace-Richtlinie"
    )
    assert notice.text.endswith("Es wurde nichts geändert.")


async def test_the_workspace_policy_refuses_a_german_member_in_german(bot: RunningBot) -> None:
    """Who may start is checked by the worker (Slack says who is asking): its private refusal
    names the policy and who can change it, in the member's language."""
    _german(bot)
    await as_admin_set(bot, {WHO_BLOCK: "admins"})

    text = await refused_privately(bot, "Sync")

    assert text.startswith(":no_entry: Hier dürfen nur Workspace-Admins und -Inhaber Meetings")
    assert "*Wer Meetings starten darf*" in text
    assert text.endswith("Workspace-Admins und -Inhaber können das mit `/meet settings` ändern.")
    # Their locale is known in Redis now: a policy refusal at the ack speaks German too.
    await as_admin_set(bot, {WHO_BLOCK: "everyone", RECORDING_BLOCK: False})
    taped = await bot.command("Taped --record")
    assert taped.text.startswith(":no_entry: Aufzeichnen ist in diesem Workspace aus: Die")


def _modals(language: str) -> list[dict[str, Any]]:
    """Both sections editable, the defaults only, neither (with and without a channel creator):
    with meetbot's defaults, and with every switch turned and the strictest policy."""
    t = translator(language)
    views = []
    for defaults, policy in (
        (ChannelDefaults(), WorkspacePolicy()),
        (
            dataclasses.replace(TURNED, changed=CHANGED),
            dataclasses.replace(STRICT, changed=CHANGED),
        ),
    ):
        for edit_defaults, edit_policy, creator in (
            (True, True, None),
            (True, False, "U1"),
            (False, False, "U1"),
            (False, False, None),
        ):
            views.append(
                settings_modal(
                    "C1",
                    defaults,
                    policy,
                    edit_defaults=edit_defaults,
                    edit_policy=edit_policy,
                    creator_id=creator,
                    t=t,
                )
            )
    return views


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_settings_modal_fits_slack_in_every_language(language: str) -> None:
    for view in _modals(language):
        assert_valid_view(view)
        assert_unclipped(view["blocks"])
        for key in ("title", "submit", "close"):
            assert not view.get(key, {"text": ""})["text"].endswith("…"), "cut to 24"
        assert modal_language(view) == language
    if language != ENGLISH.language:
        shown, english = _modals(language), _modals(ENGLISH.language)
        assert shown[0]["title"] != english[0]["title"], "translated, not English"
        assert shown[-1]["blocks"] != english[-1]["blocks"]


def _field_errors(language: str) -> list[str]:
    """Every field error a submission can get, in `language`."""
    t = translator(language)
    both, defaults_only, *_ = _modals(language)
    cases = [
        (
            submit(
                both,
                **{
                    LENGTH_BLOCK: "400",
                    LONGEST_BLOCK: "x",
                    RECORD_BLOCK: True,
                    NOTES_BLOCK: True,
                    RECORDING_BLOCK: False,
                    NOTES_ALLOWED_BLOCK: False,
                },
            ),
            WorkspacePolicy(),
        ),
        (
            submit(defaults_only, **{LENGTH_BLOCK: "", RECORD_BLOCK: True, NOTES_BLOCK: True}),
            STRICT,
        ),
        (submit(defaults_only, **{LENGTH_BLOCK: "60"}), STRICT),
        ({**submit(both), "private_metadata": json.dumps({"defaults": True})}, STRICT),
    ]
    errors = []
    for view, policy in cases:
        result = parse_settings_submission(view, current_policy=policy, t=t)
        assert isinstance(result, dict)
        errors += [result[block] for block in sorted(result)]
    return errors


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_field_error_is_translated_and_filled(language: str) -> None:
    errors, english = _field_errors(language), _field_errors(ENGLISH.language)

    assert len(errors) == len(english) == 9
    assert any(e.startswith("At most 30 days: the workspace policy *Longest") for e in english)
    for text, source in zip(errors, english, strict=True):
        assert "%(" not in text and len(text) < 2000
        assert text != source or language == ENGLISH.language


def test_a_modal_opened_before_its_language_was_kept_reads_english() -> None:
    assert modal_language({"private_metadata": json.dumps({"channel": "C1"})}) == "en"
    assert modal_language({"private_metadata": json.dumps({"language": "xx"})}) == "en"
    assert modal_language({"private_metadata": "not json"}) == "en"
