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
