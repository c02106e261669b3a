"""The reads of projects that the admin, the catalogue, the API and the stays share."""

from __future__ import annotations

import datetime

import pytest

from cooperation.models import Party, StrategicArea
from projects.models import JointProject
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _codes(projects) -> set[str]:
    return set(projects.values_list("code", flat=True))


@pytest.fixture
def areas() -> tuple[StrategicArea, StrategicArea]:
    first, second = StrategicArea.objects.order_by("number")[:2]
    return first, second


def test_in_area_reads_the_primary_and_the_other_areas_by_row_id_or_code(areas):
    first, second = areas
    primary = ProjectFactory(primary_area=second)
    other = ProjectFactory(primary_area=first)
    other.areas.add(second)
    neither = ProjectFactory(primary_area=first)
    for named in (second, second.pk, second.code):
        assert _codes(JointProject.objects.in_area(named)) == {primary.code, other.code}
    assert neither.code not in _codes(JointProject.objects.in_area(second))


def test_in_city_and_for_institution_take_the_row_its_id_or_its_code(cdmx, bcn):
    mexico = InstitutionFactory(party=cdmx)
    barcelona = InstitutionFactory(party=bcn)
    joint = ProjectFactory(institutions=[mexico, barcelona])
    local = ProjectFactory(institutions=[mexico])
    for city in (bcn, bcn.pk, "BCN"):
        assert _codes(JointProject.objects.in_city(city)) == {joint.code}
    for institution in (mexico, mexico.pk, mexico.code):
        assert _codes(JointProject.objects.for_institution(institution)) == {
            joint.code,
            local.code,
        }
    assert not JointProject.objects.for_institution(None).exists()


def test_started_in_is_the_calendar_year_of_the_planned_start():
    ProjectFactory(start_date=datetime.date(2025, 12, 31), end_date=datetime.date(2026, 6, 1))
    first = ProjectFactory(start_date=datetime.date(2026, 1, 1))
    last = ProjectFactory(start_date=datetime.date(2026, 12, 31))
    ProjectFactory(start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2027, 6, 1))
    assert _codes(JointProject.objects.started_in(2026)) == {first.code, last.code}


def test_started_in_reaches_the_last_year_a_code_carries_and_refuses_the_others():
    latest = ProjectFactory(
        start_date=datetime.date(9999, 3, 1), end_date=datetime.date(9999, 12, 31)
    )
    assert _codes(JointProject.objects.started_in(9999)) == {latest.code}
    for year in (0, -1, 10000):
        assert not JointProject.objects.started_in(year).exists()


def test_the_year_filter_reads_a_date_range_the_start_dates_index_can_use():
    sql = str(JointProject.objects.started_in(2026).query)
    assert "EXTRACT" not in sql.upper()
    assert "2026-01-01" in sql and "2027-01-01" in sql


def test_a_stay_links_current_projects_it_may_read_public_or_with_its_host(cdmx, bcn):
    host = InstitutionFactory(party=bcn)
    researcher = UserFactory(roles=["researcher"])
    public = ProjectFactory(status="active")
    ProjectFactory(status="completed")  # no longer current
    ProjectFactory(institutions=[host], public=False, status="active")  # private: not read
    other_city = Party.objects.get(code="CDMX")
    ProjectFactory(institutions=[InstitutionFactory(party=other_city)], public=False)
    linkable = JointProject.objects.linkable_for(researcher=researcher, host_id=host.pk)
    assert list(linkable.values_list("code", flat=True)) == [public.code]
    assert list(JointProject.objects.linkable_for(researcher=researcher, host_id=None)) == [public]
