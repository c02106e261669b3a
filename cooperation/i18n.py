"""Compile and check the translation catalogues without GNU gettext (polib).

    python -m cooperation.i18n compile   # locale/*/LC_MESSAGES/django.po -> .mo
    python -m cooperation.i18n check     # fail if a catalogue has untranslated or fuzzy entries

The compiled .mo files are committed, so installing the portal needs no gettext tools.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib  # type: ignore[import-untyped]  # a development dependency

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
LANGUAGES = ("es", "ca", "en")


def catalogues() -> list[Path]:
    """Return the project's catalogue and each app's (``<app>/locale/``), for every language."""
    roots = [LOCALE_DIR, *sorted(LOCALE_DIR.parent.glob("*/locale"))]
    return [root / lang / "LC_MESSAGES" / "django.po" for root in roots for lang in LANGUAGES]


def problems(path: Path) -> list[str]:
    """Return one line per entry that is untranslated or fuzzy."""
    catalogue = polib.pofile(str(path))
    found = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    return found


def compile_all() -> None:
    for path in catalogues():
        polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")


def main(argv: list[str]) -> int:
    if argv[:1] == ["compile"]:
        compile_all()
        return 0
    if argv[:1] == ["check"]:
        failed = False
        for path in catalogues():
            for problem in problems(path):
                failed = True
                print(f"{path.relative_to(LOCALE_DIR.parent)}: {problem}")
        return 1 if failed else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
