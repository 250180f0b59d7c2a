"""One locale's catalog and number formats: `Translator`, and `translator(lang)` to get one."""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from babel.units import format_unit

from bot.i18n.locales import DEFAULT_LANGUAGE, LANGUAGES

log = logging.getLogger(__name__)

DOMAIN = "meetbot"
LOCALE_DIR = Path(__file__).parent / "locale"


def N_(message: str) -> str:
    """Marks a constant for extraction; it is translated where it is shown (`Translator.gettext`)."""
    return message


class Text(str):
    """English text that remembers its catalog message and parameters, so code that made it
    without knowing the reader (a pure check) can be shown in any language later
    (`Translator.text`). It is a `str`: every caller that only needs English keeps working."""

    template: str
    params: dict[str, str]

    def __new__(cls, template: str, **params: str) -> Text:
        text = super().__new__(cls, template % params if params else template)
        text.template, text.params = template, params
        return text


@dataclass(frozen=True)
class Translator:
    """Messages and numbers in one language. `gettext`/`ngettext` fill named placeholders."""

    language: str
    catalog: NullTranslations

    def gettext(self, message: str, **params: object) -> str:
        """`message` translated, its placeholders filled (a `Text` value is translated too)."""
        text = self.catalog.gettext(message)
        if not params:
            return text
        return text % {k: self.text(v) if isinstance(v, Text) else v for k, v in params.items()}

    def text(self, message: str) -> str:
        """`message` in this language where it is a `Text` or a catalog message, else as is."""
        if isinstance(message, Text):
            return self.gettext(message.template, **message.params)
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        """`n` is also the placeholder `%(num)s`, formatted for the locale."""
        text = self.catalog.ngettext(singular, plural, n)
        return text % {"num": self.number(n), **params}

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.language)

    def unit(self, value: float, unit: str, *, decimals: int = 0) -> str:
        """e.g. unit(12, "duration-minute") → "12 min"; "12 Min." in German."""
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_unit(value, unit, length="short", format=pattern, locale=self.language)


@functools.cache  # catalogs are read-only files: one load per language per process
def translator(language: str) -> Translator:
    """The translator for one of `LANGUAGES` (anything else: English)."""
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        return Translator(DEFAULT_LANGUAGE, NullTranslations())
    return Translator(language, _load(language))


def _load(language: str) -> NullTranslations:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    mo, po = folder / f"{DOMAIN}.mo", folder / f"{DOMAIN}.po"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    # A source checkout before `make` compiled the catalogs (an editable install, a bare
    # pytest), or a .mo older than its .po: compile the .po in memory, as compile_catalog would.
    if not po.exists():
        log.warning("no catalog for %s: English", language)
        return NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


ENGLISH = translator(DEFAULT_LANGUAGE)
