"""The public catalogue: public projects only, filters, search per language, no personal data."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from cooperation.models import Axis, StrategicArea
from projects.models import Milestone
from tests.factories import InstitutionFactory
from tests.projects.factories import (
    IndicatorFactory,
    MilestoneFactory,
    ProjectFactory,
    TeamMemberFactory,
)

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:
    return [p.code for p in response.context["page"].object_list]


@pytest.fixture
def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_catalogue_lists_public_projects_only(english, institution_cdmx, institution_bcn):
    shown = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
    hidden = ProjectFactory(public=False)
    response = english.get("/projects/")
    assert response.status_code == 200
    assert _codes(response) == [shown.code]
    assert english.get(f"/projects/{hidden.code}/").status_code == 404


def test_catalogue_filters_by_area_axis_city_status_and_year(english, institution_bcn):
    water = StrategicArea.objects.get(code="URBAN_WATER")
    gender = Axis.objects.get(code="GENDER_TRAINING")
    match = ProjectFactory(
        institutions=[institution_bcn], start_date=datetime.date(2023, 4, 1), status="active"
    )
    match.areas.add(water)
    match.axes.add(gender)
    ProjectFactory(institutions=[InstitutionFactory()])
    assert _codes(english.get(f"/projects/?area={water.pk}")) == [match.code]
    assert _codes(english.get(f"/projects/?axis={gender.pk}")) == [match.code]
    assert _codes(english.get(f"/projects/?city={institution_bcn.party_id}")) == [match.code]
    assert _codes(english.get("/projects/?status=active")) == [match.code]
    assert _codes(english.get("/projects/?year=2023")) == [match.code]


def test_catalogue_searches_in_the_current_language(institution_cdmx):
    project = ProjectFactory(
        title_es="Movilidad eléctrica", title_ca="Mobilitat elèctrica", title_en="Electric mobility"
    )
    ProjectFactory(title_es="Otra cosa", title_en="Something else")
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es")
    catalan = Client(HTTP_ACCEPT_LANGUAGE="ca")
    assert _codes(english.get("/projects/?q=mobility")) == [project.code]
    assert _codes(spanish.get("/projects/?q=movilidad")) == [project.code]
    assert _codes(catalan.get("/projects/?q=mobilitat")) == [project.code]
    assert _codes(spanish.get("/projects/?q=mobility")) == []


def test_catalogue_search_uses_the_languages_gin_index(django_db_blocker):
    from django.db import connection

    from projects.models import JointProject

    query = JointProject.objects.search("agua", "es")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "project_search_es" in plan


def test_bad_filter_values_give_a_message_not_an_error(english):
    response = english.get("/projects/?year=abc&page=zz")
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


@pytest.mark.parametrize("count", [3, 25])
def test_catalogue_runs_a_constant_number_of_queries(
    english, institution_cdmx, institution_bcn, django_assert_num_queries, count
):
    for _ in range(count):
        project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
        project.axes.add(Axis.objects.first())
    # The first visit after a change: 1 count, 2 the page's ids, 3 their rows with their
    # institutions and cities, 4-6 the areas, axes and cities (reference data).
    with django_assert_num_queries(6):
        response = english.get("/projects/")
    assert len(response.context["page"].object_list) == min(count, 20)
    # Then the count and the reference data are cached (was 7: the count, the page with its
    # primary area, participations, axes that nothing showed, and the form's three lists;
    # then 3, the institutions by themselves).
    with django_assert_num_queries(2):
        again = english.get("/projects/")
    assert _codes(again) == _codes(response)


def test_detail_shows_both_cities_progress_late_milestones_and_indicators_but_no_people(
    english, institution_cdmx, institution_bcn
):
    project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
    MilestoneFactory(
        project=project,
        title="Informe inicial",
        status=Milestone.Status.DONE,
        completed_on=datetime.date(2026, 3, 1),
    )
    MilestoneFactory(project=project, title="Piloto", due_date=datetime.date(2020, 1, 1))
    IndicatorFactory(project=project, name="Personas formadas")
    TeamMemberFactory(
        project=project, name="Laura Secreta", email="laura@example.org", gender="woman"
    )
    content = english.get(f"/projects/{project.code}/").content.decode()
    assert institution_cdmx.name in content and institution_bcn.name in content
    assert "1 of 2 milestones done (50%)" in content
    assert 'aria-valuenow="50"' in content
    assert content.count('class="late"') == 1
    assert "Personas formadas" in content
    assert "Laura Secreta" not in content and "laura@example.org" not in content
    assert "Woman" not in content


def test_nav_links_to_the_catalogue(english):
    assert 'href="/projects/"' in english.get("/").content.decode()


def test_a_catalogue_row_escapes_its_texts_and_marks_a_title_in_another_language(
    english, institution_cdmx, settings
):
    settings.PUBLIC_PAGE_CACHE = False
    project = ProjectFactory(
        title="Agua <b>limpia</b> & barrios",
        title_en="",
        start_date=datetime.date(2025, 3, 1),
        end_date=datetime.date(2027, 2, 1),
        institutions=[institution_cdmx],
    )
    body = english.get("/projects/").content.decode()
    row = body.split(f'<h2><a href="/projects/{project.code}/">', 1)[1].split("</li>", 1)[0]
    assert row.startswith(
        '<span lang="es">Agua &lt;b&gt;limpia&lt;/b&gt; &amp; barrios</span>'
        ' <span class="lang-mark">(in Spanish)</span></a></h2>'
    )
    assert f"{project.code} · " in row and "2025–2027" in row
    assert f'<span class="tag">{institution_cdmx.acronym or institution_cdmx.name_en}' in row


def test_a_catalogue_rows_institutions_are_escaped(english, cdmx, settings):
    settings.PUBLIC_PAGE_CACHE = False
    hostile = InstitutionFactory(party=cdmx, acronym="<i>U&'\"</i>")
    project = ProjectFactory(institutions=[hostile])
    body = english.get("/projects/").content.decode()
    row = body.split(f'<h2><a href="/projects/{project.code}/">', 1)[1].split("</li>", 1)[0]
    assert '<span class="tag">&lt;i&gt;U&amp;&#x27;&quot;&lt;/i&gt; (CDMX)</span>' in row
