"""Refresh the vendored catalogue of third-party apps' strings (``thirdparty_locale/``).

    manage.py thirdparty_messages

For Spanish and Catalan it lists every string of ``cooperation.i18n.VENDORED_APPS`` (their
code and templates) and every plain third-party admin label that the portal makes translatable
(``cooperation.admin_labels``) that no other catalogue translates. Translations already made
are kept; a string new in an app comes in untranslated, and strings the apps no longer have
leave. ``make messages`` runs it; ``tests/test_i18n.py`` then fails until each is translated.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, cast

import polib  # type: ignore[import-untyped]  # a development dependency
from django.core.management.base import BaseCommand
from django.utils.translation import trans_real

from cooperation.admin_labels import plain_third_party_labels
from cooperation.i18n import VENDORED_APPS, VENDORED_LANGUAGES, extract_messages, vendored_catalogue


def _key(entry: polib.POEntry) -> Any:
    """The entry's key in Django's merged catalogue."""
    key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return (key, 0) if entry.msgid_plural else key


def wanted_entries() -> list[polib.POEntry]:
    """Return the strings of the vendored apps and the third-party labels, one entry each."""
    entries: dict[Any, polib.POEntry] = {}
    for app in VENDORED_APPS:
        package = Path(importlib.import_module(app).__file__ or "").parent
        for entry in extract_messages(package):
            entries.setdefault(_key(entry), entry)
    for text in plain_third_party_labels():
        entries.setdefault(text, polib.POEntry(msgid=text, msgstr=""))
    return list(entries.values())


class Command(BaseCommand):
    help = "Refresh thirdparty_locale/ with the third-party strings no catalogue translates."

    def handle(self, *args: Any, **options: Any) -> None:
        wanted = wanted_entries()
        for language in VENDORED_LANGUAGES:
            path = vendored_catalogue(language)
            old = {_key(e): e for e in polib.pofile(str(path))} if path.exists() else {}
            merged = cast(Any, trans_real.translation(language))._catalog
            catalogue = polib.POFile()
            catalogue.metadata = {
                "Content-Type": "text/plain; charset=UTF-8",
                "Language": language,
                "Plural-Forms": "nplurals=2; plural=(n != 1);",
            }
            for entry in wanted:
                kept = old.get(_key(entry))
                if kept is not None and not kept.fuzzy and kept.translated():
                    catalogue.append(kept)
                elif _key(entry) not in merged:
                    fresh = polib.POEntry(
                        msgctxt=entry.msgctxt,
                        msgid=entry.msgid,
                        msgid_plural=entry.msgid_plural,
                        msgstr="",
                        msgstr_plural={0: "", 1: ""} if entry.msgid_plural else {},
                        flags=[f for f in entry.flags if f != "fuzzy"],
                    )
                    catalogue.append(fresh)
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue.save(str(path))
            self.stdout.write(f"{path}: {len(catalogue)} strings")
