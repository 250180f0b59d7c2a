"""Every word a person reads, in their language: gettext catalogs through Babel.

A `Translator` is one locale's catalog and formats; callers are handed one (the person's
locale for private replies and DMs, the channel's for cards) and never consult global state.
Messages use named placeholders only (`%(title)s`): word order differs between languages, and
tests/test_i18n_catalogs.py checks every translation keeps the English one's placeholders.
Catalogs live in bot/i18n/locale/<lang>/LC_MESSAGES/meetbot.po, compiled to .mo at build time
(setup.py, `make`); a source checkout without .mo files compiles them in memory on first use.
"""

from bot.i18n.locales import DEFAULT_LANGUAGE, LANGUAGES, answer_language, language_of
from bot.i18n.translator import ENGLISH, N_, Text, Translator, translator

__all__ = [
    "DEFAULT_LANGUAGE",
    "ENGLISH",
    "LANGUAGES",
    "N_",
    "Text",
    "Translator",
    "answer_language",
    "language_of",
    "translator",
]
