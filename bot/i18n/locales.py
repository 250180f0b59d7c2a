"""Which of our languages a Slack locale means (users.info `locale`, e.g. "de-DE", "pt-BR")."""

from __future__ import annotations

import functools
import logging

log = logging.getLogger(__name__)

DEFAULT_LANGUAGE = "en"
# The catalogs in bot/i18n/locale/; English is the source language (the msgids themselves).
LANGUAGES = ("en", "de", "fr", "es", "ja", "pt_BR")
# Shown in the settings modal's language menu, each in its own language.
LANGUAGE_NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "ja": "日本語",
    "pt_BR": "Português (Brasil)",
}


@functools.cache  # the set of locales is small and fixed by Slack; also logs each one once
def language_of(slack_locale: str | None) -> str:
    """Our language for a Slack locale: the exact region where we have it ("pt-BR" → "pt_BR"),
    else the bare language ("de-DE" → "de"), else English."""
    if not slack_locale:
        return DEFAULT_LANGUAGE
    tag = slack_locale.strip().replace("-", "_")
    lang, _, region = tag.partition("_")
    for candidate in (f"{lang.lower()}_{region.upper()}", lang.lower()):
        if candidate in LANGUAGES:
            return candidate
    log.debug("no catalog for Slack locale %r: English", slack_locale)
    return DEFAULT_LANGUAGE


def answer_language(slack_locale: str | None, channel_language: str | None) -> str:
    """The language to answer someone in from what Redis knows, before any Slack call: their
    Slack locale once users.info has told it ("" when Slack gave none: English, not the
    channel's), else the channel's language, else English."""
    if slack_locale is not None:
        return language_of(slack_locale)
    return channel_language or DEFAULT_LANGUAGE
