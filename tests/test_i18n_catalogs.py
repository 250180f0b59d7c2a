"""The catalogs: every message the code marks is in every language's .po, translated, not
fuzzy, with the English placeholders, emoji codes and `--flags` intact (flags stay English).

This is the check `make test` runs on a translation (README "Languages"); it reads the .po
files with Babel, as `pybabel compile` would, and extracts the messages from the source the way
`make messages` does, so a newly marked string fails here until it is translated everywhere.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LANGUAGES, language_of, translator
from bot.i18n.translator import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
# The keywords `make messages` passes to pybabel extract (Makefile).
KEYWORDS = {"N_": None, "gettext": None, "ngettext": (1, 2)}

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_FLAG = re.compile(r"--[a-z][a-z-]*")


def _catalog(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as fp:
        return read_po(fp, locale=language, domain=DOMAIN)


def _source_ids() -> set[str]:
    found = extract_from_dir(
        str(ROOT / "bot"),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=(),
    )
    return {msgid if isinstance(msgid, str) else msgid[0] for _, _, msgid, _, _ in found}


def _ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def _forms(message: Message) -> list[str]:
    string = message.string
    forms = list(string) if isinstance(string, tuple | list) else [string]
    return [form or "" for form in forms]


def _english(message: Message) -> str:
    return message.id if isinstance(message.id, str) else message.id[0]


def _marks(text: str) -> tuple[set[str], Counter[str], set[str]]:
    """What a translation must keep: placeholders, emoji codes, flags."""
    return set(_PLACEHOLDER.findall(text)), Counter(_EMOJI.findall(text)), set(_FLAG.findall(text))


def test_the_template_holds_every_message_the_code_marks() -> None:
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as fp:
        template = read_po(fp)
    assert _source_ids() == _ids(template), "run `make messages` and translate what is new"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_language_translates_every_message(language: str) -> None:
    catalog = _catalog(language)
    assert _ids(catalog) == _source_ids(), "run `make messages` (pybabel update) and translate"
    untranslated = [_english(m) for m in catalog if m.id and not all(_forms(m))]
    fuzzy = [_english(m) for m in catalog if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert [str(e) for m, errors in catalog.check() for e in errors] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_emoji_and_flags(language: str) -> None:
    wrong = []
    for message in _catalog(language):
        if not message.id:
            continue
        english = _marks(_english(message))
        for form in _forms(message):
            if _marks(form) != english:
                wrong.append((_english(message), form))
    assert wrong == []


@pytest.mark.parametrize(
    ("slack_locale", "language"),
    [
        ("de-DE", "de"),
        ("pt-BR", "pt_BR"),
        ("ja-JP", "ja"),
        ("fr-CA", "fr"),
        ("es-LA", "es"),
        ("en-GB", "en"),
        ("pt-PT", "en"),  # Brazilian Portuguese only: no catalog for Portugal
        ("ko-KR", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_a_slack_locale_picks_our_language(slack_locale: str | None, language: str) -> None:
    assert language_of(slack_locale) == language


def test_an_unknown_locale_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    language_of.cache_clear()
    with caplog.at_level(logging.DEBUG, logger="bot.i18n.locales"):
        for _ in range(3):
            language_of("zz-ZZ")
    assert [r.levelno for r in caplog.records if "zz-ZZ" in r.getMessage()] == [logging.DEBUG]


def test_numbers_and_plurals_follow_the_language() -> None:
    german, japanese, french = translator("de"), translator("ja"), translator("fr")
    assert german.ngettext("%(num)s day", "%(num)s days", 1) == "1 Tag"
    assert german.ngettext("%(num)s day", "%(num)s days", 1000) == "1.000 Tage"
    assert japanese.ngettext("%(num)s day", "%(num)s days", 3) == "3 日"
    assert french.ngettext("%(num)s day", "%(num)s days", 0) == "0 jour"
    assert (
        french.unit(48.25, "digital-megabyte", decimals=1) == "48,2\u202fMo"
    )  # CLDR: a narrow no-break space
