"""Content shown in another language than the page's carries its lang and a visible mark."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.projects.factories import joint_project

pytestmark = pytest.mark.django_db


def test_a_spanish_summary_on_the_catalan_page_is_marked(db):
    project = joint_project(
        title="Gestión hídrica", summary="Resumen en castellano.", title_ca="Gestió hídrica"
    )
    html = Client(HTTP_ACCEPT_LANGUAGE="ca").get(project.get_absolute_url()).content.decode()
    # The title has its Catalan text: no mark. The summary falls back to Spanish: marked.
    assert "<h1>Gestió hídrica</h1>" in html
    assert (
        '<span lang="es">Resumen en castellano.</span> <span class="lang-mark">(en castellà)</span>'
        in html
    )


def test_the_english_catalogue_marks_spanish_titles(db):
    project = joint_project(title="Movilidad urbana", summary="Resumen.")
    # Only the Spanish text exists (the factory wrote the active language's too).
    type(project).objects.filter(pk=project.pk).update(title_en=None, title_ca=None)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/projects/").content.decode()
    assert (
        '<span lang="es">Movilidad urbana</span> <span class="lang-mark">(in Spanish)</span>'
        in html
    )


def test_the_spanish_page_marks_nothing_spanish(db):
    project = joint_project(title="Movilidad urbana", summary="Resumen.")
    html = Client(HTTP_ACCEPT_LANGUAGE="es").get(project.get_absolute_url()).content.decode()
    assert 'lang="es">Movilidad' not in html and "lang-mark" not in html


def test_officials_filter_the_projects_lacking_a_translation(login, official_cdmx):
    translated = joint_project(
        title="Agua", summary="Resumen.", title_ca="Aigua", summary_ca="Resum."
    )
    spanish_only = joint_project(title="Movilidad", summary="Resumen.")
    type(spanish_only).objects.filter(pk=spanish_only.pk).update(title_ca=None, summary_ca=None)
    type(translated).objects.filter(pk=translated.pk).update(impact_es="", impact_ca="")
    client = login(official_cdmx)
    html = client.get("/admin/projects/jointproject/?untranslated=ca").content.decode()
    assert spanish_only.code in html and translated.code not in html
    # A value that is not a language filters nothing, and breaks nothing.
    assert client.get("/admin/projects/jointproject/?untranslated=xx").status_code == 200


def test_coordinators_see_a_badge_on_projects_lacking_a_translation(login, institution_bcn):
    from cooperation.roles import Role
    from tests.factories import UserFactory
    from tests.projects.factories import ProjectFactory

    coordinator = UserFactory(
        email="coord.badge@example.org", institution=institution_bcn, roles=[Role.COORDINATOR]
    )
    project = ProjectFactory(title="Movilidad", summary="Resumen.", institutions=[institution_bcn])
    type(project).objects.filter(pk=project.pk).update(title_ca=None, summary_en=None)
    html = login(coordinator).get("/projects/mine/").content.decode()
    assert "Translation missing: in Catalan, in English" in html
