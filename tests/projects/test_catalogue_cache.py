"""The catalogue's cached counts and reference data, and its pages read from either end."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cooperation.models import StrategicArea
from projects.catalogue import page_ids
from projects.models import JointProject
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _codes(response) -> list[str]:
    return [p.code for p in response.context["page"].object_list]


def _count(response) -> int:
    return response.context["page"].paginator.count


@pytest.fixture
def english() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_cached_count_follows_a_project_made_private_or_added(english, institution_cdmx):
    first, second = ProjectFactory(), ProjectFactory()
    assert _count(english.get("/projects/")) == 2
    assert _count(english.get("/projects/?status=proposed")) == 2
    first.public = False
    first.save()
    response = english.get("/projects/")
    assert _count(response) == 1 and _codes(response) == [second.code]
    assert _count(english.get("/projects/?status=proposed")) == 1
    ProjectFactory(status="active")
    assert _count(english.get("/projects/")) == 2
    assert _count(english.get("/projects/?status=active")) == 1


def test_cached_count_follows_participations_and_areas(english, institution_cdmx, institution_bcn):
    project = ProjectFactory(institutions=[institution_cdmx])
    water = StrategicArea.objects.get(code="URBAN_WATER")
    city = f"/projects/?city={institution_bcn.party_id}"
    area = f"/projects/?area={water.pk}"
    assert _count(english.get(city)) == 0 and _count(english.get(area)) == 0
    project.participations.create(institution=institution_bcn)
    project.areas.add(water)
    assert _count(english.get(city)) == 1 and _count(english.get(area)) == 1
    project.participations.filter(institution=institution_bcn).delete()
    project.areas.remove(water)
    assert _count(english.get(city)) == 0 and _count(english.get(area)) == 0


def test_search_counts_are_kept_per_language(institution_cdmx):
    ProjectFactory(title_es="Agua limpia", title_en="Clean water", title_ca="Aigua neta")
    spanish, english = Client(HTTP_ACCEPT_LANGUAGE="es"), Client(HTTP_ACCEPT_LANGUAGE="en")
    assert _count(spanish.get("/projects/?q=agua")) == 1
    # The same words in English match nothing: the Spanish count is not reused.
    assert _count(english.get("/projects/?q=agua")) == 0
    assert _count(spanish.get("/projects/?q=agua")) == 1


def test_filter_choices_are_rendered_once_per_language_and_follow_changes():
    water = StrategicArea.objects.get(code="URBAN_WATER")
    spanish, english = Client(HTTP_ACCEPT_LANGUAGE="es"), Client(HTTP_ACCEPT_LANGUAGE="en")
    english.get("/projects/")
    spanish.get("/projects/")
    page = english.get(f"/projects/?area={water.pk}").content.decode()
    assert f'<option value="{water.pk}" selected>{water.number}. {water.name_en}</option>' in page
    filters = page.split('class="filters"')[1].split("</form>")[0]
    assert filters.count(" selected>") == 4  # the area, and the empty choice of axis, city, status
    assert (
        f">{water.number}. {water.name_es}</option>" in spanish.get("/projects/").content.decode()
    )
    # Reference data read once per language: a second page reads no area, axis or city.
    with CaptureQueriesContext(connection) as queries:
        english.get("/projects/")
    assert not [q for q in queries if "cooperation_strategicarea" in q["sql"]]
    water.name_en = "Water, renamed"
    water.save()
    assert f"{water.number}. Water, renamed</option>" in english.get("/projects/").content.decode()


def test_an_unknown_area_is_refused_with_the_same_message(english):
    page = english.get("/projects/?area=999999").content.decode()
    assert "Select a valid choice. That choice is not one of the available choices." in page


@pytest.mark.parametrize("search", [False, True])
def test_every_page_read_from_either_end_is_the_forward_page(institution_cdmx, search):
    for number in range(23):
        ProjectFactory(
            title_en=f"Water project {number % 5}",
            start_date=datetime.date(2020 + number % 4, 1 + number % 3, 1),
        )
    projects = JointProject.objects.public()
    if search:
        projects = projects.search("water project", "en")
    expected = list(projects.values_list("pk", flat=True))
    count = len(expected)
    for offset in range(0, count, 4):
        assert (
            page_ids(projects, offset=offset, size=4, count=count) == expected[offset : offset + 4]
        )


def test_last_page_is_read_from_the_end_of_the_catalogue(english, institution_cdmx):
    for number in range(25):
        ProjectFactory(start_date=datetime.date(2020, 1, 1 + number))
    forward = list(JointProject.objects.public().values_list("code", flat=True))
    with CaptureQueriesContext(connection) as queries:
        response = english.get("/projects/?page=2")
    assert _codes(response) == forward[20:]
    keys = next(q["sql"] for q in queries if "LIMIT 5" in q["sql"])
    assert '"start_date" ASC' in keys  # the reversed order, no OFFSET of 20


def test_catalogue_works_without_redis(english, institution_cdmx):
    project = ProjectFactory()
    with mock.patch("projects.catalogue.cache.get_many", side_effect=ConnectionError):
        response = english.get("/projects/")
    assert response.status_code == 200 and _codes(response) == [project.code]


def _warm(client: Client, url: str) -> None:
    # The first visit sets the versions, the second keeps the page.
    client.get(url)
    client.get(url)


def test_anonymous_pages_are_served_from_the_cache_with_an_etag(
    english, institution_cdmx, django_assert_num_queries
):
    project = ProjectFactory(institutions=[institution_cdmx])
    for url in ("/projects/", f"/projects/{project.code}/"):
        _warm(english, url)
        with django_assert_num_queries(0):
            response = english.get(url)
        assert response.status_code == 200 and project.title_en in response.content.decode()
        etag = response["ETag"]
        assert english.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_project_made_private_leaves_the_cached_pages(english, institution_cdmx):
    project = ProjectFactory(institutions=[institution_cdmx])
    detail = f"/projects/{project.code}/"
    _warm(english, "/projects/")
    _warm(english, detail)
    etag = english.get("/projects/")["ETag"]
    project.public = False
    project.save()
    response = english.get("/projects/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and project.code not in response.content.decode()
    assert english.get(detail).status_code == 404


def test_a_milestone_added_shows_on_the_cached_project_page(english, institution_cdmx):
    project = ProjectFactory(institutions=[institution_cdmx])
    detail = f"/projects/{project.code}/"
    _warm(english, detail)
    project.milestones.create(title="Nuevo hito", due_date=datetime.date(2030, 1, 1))
    assert "Nuevo hito" in english.get(detail).content.decode()


def test_cached_pages_are_kept_per_language(institution_cdmx):
    project = ProjectFactory(title_es="Agua limpia", title_en="Clean water", title_ca="Aigua neta")
    spanish, english = Client(HTTP_ACCEPT_LANGUAGE="es"), Client(HTTP_ACCEPT_LANGUAGE="en")
    _warm(spanish, f"/projects/{project.code}/")
    _warm(spanish, "/projects/")
    for url in ("/projects/", f"/projects/{project.code}/"):
        content = english.get(url).content.decode()
        assert "Clean water" in content and "Agua limpia" not in content
        assert '<html lang="en">' in content


def test_signed_in_people_never_get_the_anonymous_page(
    english, login, coordinator, institution_bcn, institution_cdmx
):
    private = ProjectFactory(institutions=[institution_bcn, institution_cdmx], public=False)
    _warm(english, "/projects/")
    signed_in = login(coordinator)
    # A coordinator's catalogue links to their projects: not the anonymous visitors' page.
    assert 'href="/projects/mine/"' in signed_in.get("/projects/").content.decode()
    assert signed_in.get(f"/projects/{private.code}/").status_code == 200
    # ...and that page is never kept for anonymous visitors.
    assert english.get(f"/projects/{private.code}/").status_code == 404


def test_the_token_of_a_cached_page_is_the_visitors_own(institution_cdmx):
    ProjectFactory()
    first = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    _warm(first, "/projects/")
    visitor = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    page = visitor.get("/projects/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = visitor.post(
        "/i18n/setlang/", {"language": "ca", "next": "/projects/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_a_project_page_runs_one_query(
    english, institution_cdmx, institution_bcn, settings, django_assert_num_queries
):
    from projects.models import Measurement
    from tests.projects.factories import IndicatorFactory, MilestoneFactory

    settings.PUBLIC_PAGE_CACHE = False
    water = StrategicArea.objects.get(code="URBAN_WATER")
    project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
    project.areas.add(water)
    MilestoneFactory(project=project)
    indicator = IndicatorFactory(project=project, name="Personas formadas")
    Measurement.objects.create(indicator=indicator, date=datetime.date(2026, 1, 1), value=7)
    Measurement.objects.create(indicator=indicator, date=datetime.date(2026, 2, 1), value=9)
    english.get(f"/projects/{project.code}/")  # the reference data, read once per version
    # The project with its areas' and axes' ids, and as JSON its participations with
    # institutions and cities, its milestones, its indicators with their latest measurement
    # (projects/detail.py). It was 7, then 4 (one per part).
    with django_assert_num_queries(1):
        content = english.get(f"/projects/{project.code}/").content.decode()
    assert water.name_en in content and "Personas formadas" in content
    assert "9.00" in content and "7.00" not in content


def test_a_visitors_project_page_shows_what_the_queryset_path_shows(
    english, institution_cdmx, institution_bcn, settings, django_user_model
):
    # A visitor's page comes from the statement compiled once; a signed-in person's through
    # visible_to and the ORM: the same project must read the same.
    from projects.models import Measurement
    from tests.projects.factories import IndicatorFactory, MilestoneFactory

    settings.PUBLIC_PAGE_CACHE = False
    project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
    project.areas.add(StrategicArea.objects.get(code="URBAN_WATER"))
    MilestoneFactory(project=project, due_date=datetime.date(2020, 1, 1))
    MilestoneFactory(project=project, status="done", completed_on=datetime.date(2021, 5, 3))
    indicator = IndicatorFactory(project=project, name="Personas formadas", baseline=3)
    IndicatorFactory(project=project, name="Sin medidas")
    Measurement.objects.create(indicator=indicator, date=datetime.date(2026, 2, 1), value=9)
    person = django_user_model.objects.create_user(email="lectora@example.org", password="x")
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in.force_login(person)

    def main(client: Client) -> str:
        body = client.get(f"/projects/{project.code}/").content.decode()
        return re.search(r"<main.*?</main>", body, re.S).group(0)

    shown = main(english)
    assert shown == main(signed_in)
    assert "Personas formadas" in shown and "9.00" in shown and "3.00" in shown
    assert "Sin medidas" in shown and institution_bcn.name_en in shown
