"""Search ignores accents in es, ca and en: the catalogue's projects and the library's practices.

Both sides pass ``portal_unaccent`` (``cooperation/search.py``): the stored vectors and the
searched words; the GIN indexes still find the matches.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from cooperation.search import CREATE_FUNCTION_SQL, unaccented_query
from knowledge.models import Practice
from projects.models import JointProject
from tests.knowledge.factories import published
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _unaccent(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT portal_unaccent(%s)", [text])
        return cursor.fetchone()[0]


def test_the_databases_function_is_the_one_the_code_defines():
    # The migration writes the function out as it was; a change in the code without a new
    # migration (which must also generate the vectors again) fails here.
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc, provolatile FROM pg_proc WHERE proname = 'portal_unaccent'")
        source, volatility = cursor.fetchone()
    assert volatility == "i"  # IMMUTABLE, as a generated column requires
    assert CREATE_FUNCTION_SQL.endswith(f"AS $${source}$$")


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Gestión hídrica", "Gestion hidrica"),
        ("educació", "educacio"),
        ("robòtica i robótica", "robotica i robotica"),
        ("col·laboració, coŀlaboració", "collaboracio, collaboracio"),
        ("Façana, ÇÀÈÉÍÏÒÓÚÜ", "Facana, CAEEIIOOUU"),
        ("niño pingüino Ñandú", "nino pinguino Nandu"),
        ("Straße, cœur, Ærø", "Strasse, coeur, AEro"),
        ("plain words 123", "plain words 123"),
    ],
)
def test_the_function_takes_the_accents_off_spanish_catalan_and_english_letters(text, plain):
    assert _unaccent(text) == plain


def _project_codes(language: str, query: str) -> list[str]:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/projects/", {"q": query})
    assert response.status_code == 200
    return [project.code for project in response.context["page"].object_list]


@pytest.fixture
def water_and_robots(institution_cdmx):
    water = ProjectFactory(
        title_es="Gestión hídrica urbana",
        title_ca="Gestió hídrica urbana",
        title_en="Urban water management",
        summary_en="Rainwater for the café district",
    )
    robots = ProjectFactory(
        title_es="Robótica educativa",
        title_ca="Robòtica a l'educació",
        title_en="Robotics in education",
        summary_ca="Col·laboració entre escoles",
    )
    # Unaccented texts, found by an accented query too.
    plain = ProjectFactory(
        title_es="Movilidad electrica", title_ca="Mobilitat electrica", title_en="Cafe mobility"
    )
    return {"water": water.code, "robots": robots.code, "plain": plain.code}


@pytest.mark.parametrize(
    ("language", "query", "found"),
    [
        ("ca", "hidrica", "water"),
        ("ca", "hídrica", "water"),
        ("ca", "robotica", "robots"),
        ("ca", "educacio", "robots"),
        ("ca", "collaboracio", "robots"),
        ("ca", "elèctrica", "plain"),
        ("es", "hidrica", "water"),
        ("es", "robotica", "robots"),
        ("es", "gestion", "water"),
        ("es", "eléctrica", "plain"),
        ("en", "cafe", "water"),
        ("en", "café", "plain"),
    ],
)
def test_the_catalogue_finds_projects_with_or_without_accents(
    water_and_robots, language, query, found
):
    codes = _project_codes(language, query)
    if query in ("cafe", "café"):
        # English: the café district and the Cafe mobility, whichever way it is written.
        assert set(codes) == {water_and_robots["water"], water_and_robots["plain"]}
    else:
        assert codes == [water_and_robots[found]]


def test_accents_do_not_mix_the_languages(water_and_robots):
    # The English vector has no Catalan words: ignoring accents finds no more than the language.
    assert _project_codes("en", "educacio") == []


@pytest.fixture
def practices(coordinator, official_bcn):
    robots = published(
        actor=coordinator,
        reviewer=official_bcn,
        texts={
            "title_es": "Robótica educativa",
            "title_ca": "Robòtica a l'educació",
            "title_en": "Robotics in schools",
        },
    )
    water = published(
        actor=coordinator,
        reviewer=official_bcn,
        texts={
            "title_es": "Gestión hidrica",
            "title_ca": "Gestio hidrica",
            "title_en": "Water management",
        },
    )
    return {"robots": robots, "water": water}


@pytest.mark.parametrize(
    ("language", "query", "found"),
    [
        ("ca", "robotica", "robots"),
        ("ca", "educacio", "robots"),
        ("ca", "hídrica", "water"),
        ("es", "robotica", "robots"),
        ("es", "hídrica", "water"),
        ("es", "gestión", "water"),
        ("en", "róbotics", "robots"),
    ],
)
def test_the_library_finds_practices_with_or_without_accents(practices, language, query, found):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/knowledge/", {"q": query})
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"].object_list] == [practices[found].pk]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A test table is too small for the planner to prefer an index by itself.
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_the_unaccented_search_still_uses_each_languages_gin_index(language):
    ProjectFactory(title_es="Robótica", title_ca="Robòtica", title_en="Robotics")
    assert f"project_search_{language}" in _plan(JointProject.objects.search("robòtica", language))
    assert f"practice_search_{language}" in _plan(Practice.objects.search("robòtica", language))


def test_the_searched_words_pass_the_same_function():
    sql = str(JointProject.objects.filter(search_ca=unaccented_query("x", "simple")).query)
    assert "portal_unaccent" in sql
