"""Compile and check the translation catalogues without GNU gettext (polib).

    python -m cooperation.i18n compile   # locale/*/LC_MESSAGES/django.po -> .mo
    python -m cooperation.i18n check     # fail if a catalogue has untranslated or fuzzy entries

The compiled .mo files are committed, so installing the portal needs no gettext tools.

``thirdparty_locale/`` holds the portal's translations of third-party apps' strings that their
own packages leave out (no Spanish or Catalan catalogue, or one older than the code). It is in
``LOCALE_PATHS`` after ``locale/`` and is not named ``locale``, so ``makemessages`` never writes
to it; ``manage.py thirdparty_messages`` (run by ``make messages``) adds the strings a new
version brings, untranslated, so that the checks here fail until they are translated.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib  # type: ignore[import-untyped]  # a development dependency

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
THIRD_PARTY_LOCALE_DIR = LOCALE_DIR.parent / "thirdparty_locale"
LANGUAGES = ("es", "ca", "en")
# Third-party apps whose strings the admin (or the portal's filters) shows and whose packages
# lack a complete Spanish or Catalan catalogue; the vendored catalogue completes them.
# Django's own admin too: its Catalan catalogue lacks its newest strings, which then showed in
# Spanish (the default language is Catalan's fallback).
VENDORED_APPS = (
    "django.contrib.admin",
    "django_celery_beat",
    "django_filters",
    "oauth2_provider",
    "simple_history",
)
# The languages the vendored catalogue translates: the apps' source strings are English.
VENDORED_LANGUAGES = ("es", "ca")


def catalogues() -> list[Path]:
    """Return the project's catalogue and each app's (``<app>/locale/``), for every language."""
    roots = [LOCALE_DIR, *sorted(LOCALE_DIR.parent.glob("*/locale"))]
    found = [root / lang / "LC_MESSAGES" / "django.po" for root in roots for lang in LANGUAGES]
    return found + [vendored_catalogue(lang) for lang in VENDORED_LANGUAGES]


def vendored_catalogue(language: str) -> Path:
    return THIRD_PARTY_LOCALE_DIR / language / "LC_MESSAGES" / "django.po"


_EXTRACT = """
import sys
import django
from django.conf import settings
settings.configure(USE_I18N=True)
django.setup()
from django.core.management import call_command
call_command("makemessages", locale=["xx"], no_location=True, no_obsolete=True, verbosity=0)
"""


def extract_messages(package_dir: Path) -> list[polib.POEntry]:
    """Return the translatable strings of an installed package's code and templates.

    Django's ``makemessages`` (GNU xgettext) runs on a copy of the package, with settings of its
    own, so that it can write to nothing but the copy.
    """
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / package_dir.name
        shutil.copytree(
            package_dir,
            copy,
            ignore=shutil.ignore_patterns("locale", "tests", "migrations", "__pycache__", "*.mo"),
        )
        (copy / "locale").mkdir()
        # -P: the copy's modules (an ``http.py``) must not hide the standard library's.
        subprocess.run([sys.executable, "-P", "-c", _EXTRACT], cwd=copy, check=True)  # noqa: S603 - our own code
        return [e for e in polib.pofile(str(copy / "locale/xx/LC_MESSAGES/django.po")) if e.msgid]


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
