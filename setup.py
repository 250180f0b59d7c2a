"""Compiles the gettext catalogs while building, so a wheel (`pip install .`) ships the .mo
files next to the .po files (bot/i18n/locale). Everything else is in pyproject.toml; an
editable install gets them from `make` (the `catalogs` target) instead."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

LOCALE_DIR = Path(__file__).parent / "bot" / "i18n" / "locale"


def compile_catalogs() -> list[Path]:
    """Each bot/i18n/locale/<lang>/LC_MESSAGES/*.po compiled beside itself, as
    `pybabel compile` does; a fuzzy or untranslated entry is left out of the .mo (English)."""
    written = []
    for po in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as fp:
            write_mo(fp, catalog)
        written.append(mo)
    return written


class BuildWithCatalogs(build_py):
    def run(self) -> None:
        compile_catalogs()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogs})
