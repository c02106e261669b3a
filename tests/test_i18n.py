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


# The admin in three languages: every label it shows, the portal's and third-party apps'.


def test_every_admin_label_is_translated_in_spanish_and_catalan():
    """Walk the admin's registry: app and model names, fields, choices, columns, actions."""
    from cooperation.admin_labels import untranslated_labels

    assert untranslated_labels() == []


def test_the_admin_walk_reaches_third_party_and_history_models():
    from cooperation.admin_labels import admin_labels

    places = {where for where, _label in admin_labels()}
    for expected in (
        "django_celery_beat.PeriodicTask.task",  # "Task Name", a plain string in its package
        "django_celery_beat.PeriodicTask column scheduler",
        "oauth2_provider.AccessToken action revoke_tokens",
        "mfa.Authenticator verbose_name",
        "projects.HistoricalParticipation verbose_name_plural",
        "projects.HistoricalJointProject.history_type choice",
        "projects.HistoricalParticipation.history_date",
        "app oauth2_provider",
    ):
        assert expected in places


def test_the_check_finds_english_left_in_a_label():
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    from cooperation.admin_labels import is_untranslated
    from projects.models import Participation

    participation = Participation._meta.verbose_name  # translated in every language
    nowhere = "a label that no catalogue holds"  # a variable: makemessages must not extract it
    assert is_untranslated("task name", "ca")  # a plain string: no catalogue can translate it
    assert is_untranslated(gettext_lazy(nowhere), "es")
    # simple-history's own naming: a translated model name behind an English word.
    assert is_untranslated(format_lazy("historical {}", participation), "ca")
    assert not is_untranslated(participation, "ca")
    assert not is_untranslated(format_lazy("{} [ca]", participation), "es")
    assert not is_untranslated("ID", "es")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize(
    "app", ["django_celery_beat", "django_filters", "oauth2_provider", "simple_history"]
)
def test_third_party_apps_strings_are_translated_in_spanish_and_catalan(app):
    """Each string of the app's installed code: a new version's new strings fail here."""
    import importlib

    from django.utils.translation import trans_real

    from cooperation.i18n import VENDORED_APPS, extract_messages
    from cooperation.management.commands.thirdparty_messages import _key

    assert app in VENDORED_APPS
    entries = extract_messages(Path(importlib.import_module(app).__file__).parent)
    assert entries
    for language in ("es", "ca"):
        catalogue = trans_real.translation(language)._catalog
        missing = [e.msgid for e in entries if _key(e) not in catalogue]
        assert missing == [], f"{language}: run make messages and translate thirdparty_locale/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "english"),
    [
        (
            "ca",
            ["Participacions (historial)", "Tasques periòdiques", "Canviar el tema"],
            # Django's admin strings missing from its Catalan catalogue showed in Spanish.
            ["Historical", "Django OAuth Toolkit", "Cambiar tema"],
        ),
        (
            "es",
            ["Participaciones (historial)", "Tareas periódicas"],
            ["Historical", "Django OAuth Toolkit"],
        ),
    ],
)
def test_the_admin_index_names_history_and_third_party_models_in_the_language(
    login, programme_admin, language, shown, english
):
    page = login(programme_admin, language=language).get("/admin/").content.decode()
    for text in shown:
        assert text in page
    for text in english:
        assert text not in page


@pytest.mark.django_db
def test_periodic_tasks_list_and_form_in_catalan(login, programme_admin):
    client = login(programme_admin, language="ca")
    listing = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "Programació" in listing and "Scheduler" not in listing
    form = client.get("/admin/django_celery_beat/periodictask/add/").content.decode()
    assert "Tasca (registrada)" in form and "Task Name" not in form


@pytest.mark.django_db
def test_a_part_s_history_in_catalan(login, programme_admin, institution_cdmx):
    from tests.projects.factories import ProjectFactory

    ProjectFactory(institutions=[institution_cdmx])  # its participation's first version
    page = login(programme_admin, language="ca").get("/admin/projects/historicalparticipation/")
    content = page.content.decode()
    assert "Data del canvi" in content and "Canviat per" in content and "Operació" in content
    assert "Creació" in content  # the kind of change of the row
    assert "Mostrar els recomptes" in content and "Mostrar recuentos" not in content
    assert "History date" not in content and "Historical" not in content
