"""Translation catalogues are complete and compiled for Spanish, Catalan and English."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from cooperation.i18n import catalogues, problems

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_has_no_untranslated_or_fuzzy_entries(path):
    assert path.exists()
    assert problems(path) == []


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalogue_matches_its_source(path):
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(mo))}
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural
        for e in polib.pofile(str(path)).translated_entries()
    }
    assert compiled == source, "the .mo file is stale: run make messages"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_every_source_string_is_in_the_catalogues(tmp_path):
    """Extract the strings from the source again; the catalogues must already hold them all."""
    work = tmp_path / "src"
    shutil.copytree(
        ROOT,
        work,
        ignore=shutil.ignore_patterns(
            ".venv", "var", ".git", "*.mo", "node_modules", "__pycache__"
        ),
    )
    env = {
        "DEBUG": "1",
        "DATABASE_URL": "postgres://x@localhost/x",
        "REDIS_URL": "redis://localhost:6379/0",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--all", "--no-location", "-i", "tests/*"],
        cwd=work,
        env=env,
        check=True,
        capture_output=True,
    )
    for path in catalogues():
        fresh = polib.pofile(str(work / path.relative_to(ROOT)))
        # New strings come out untranslated, or fuzzy when msgmerge guessed from a similar one.
        missing = [e.msgid for e in fresh if not e.obsolete and (e.fuzzy or not e.translated())]
        assert missing == [], f"{path.parent.parent.name}: run make messages and translate"
