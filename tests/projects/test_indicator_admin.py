"""The admin's indicator pages keep to the official's city (issue 12), through the services."""

from __future__ import annotations

from decimal import Decimal

import pytest

from projects.models import Indicator, Measurement, ProjectStatus
from tests.projects.admin_forms import admin_form, messages_of
from tests.projects.factories import IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db
INDICATORS = "/admin/projects/indicator/"


@pytest.fixture
def bcn_project(institution_bcn, institution_cdmx):
    return ProjectFactory(institutions=[institution_bcn, institution_cdmx])


@pytest.fixture
def cdmx_only(institution_cdmx):
    return ProjectFactory(institutions=[institution_cdmx], title_es="Solo CDMX")


def _indicator_data(client, url: str, project, **changes) -> dict:
    return admin_form(
        client,
        url,
        project=project.pk,
        name=changes.pop("name", "Personas formadas"),
        unit="personas",
        baseline="0",
        target="100",
        **changes,
    )


def test_an_official_cannot_add_an_indicator_to_the_other_citys_project(
    login, official_bcn, cdmx_only
):
    client = login(official_bcn)
    url = f"{INDICATORS}add/"
    response = client.post(url, _indicator_data(client, url, cdmx_only))
    assert response.status_code == 200
    assert any("your institution or your city" in m for m in messages_of(response))
    assert not Indicator.objects.exists()


def test_an_official_cannot_move_an_indicator_into_the_other_citys_project(
    login, official_bcn, bcn_project, cdmx_only
):
    indicator = IndicatorFactory(project=bcn_project, name="Mío")
    client = login(official_bcn)
    url = f"{INDICATORS}{indicator.pk}/change/"
    response = client.post(url, _indicator_data(client, url, cdmx_only, name="Movido"))
    assert response.status_code == 200
    assert any("your institution or your city" in m for m in messages_of(response))
    indicator.refresh_from_db()
    assert (indicator.project, indicator.name) == (bcn_project, "Mío")


def test_the_other_citys_indicator_and_its_measurements_are_read_only(
    login, official_bcn, cdmx_only
):
    indicator = IndicatorFactory(project=cdmx_only)
    client = login(official_bcn)
    url = f"{INDICATORS}{indicator.pk}/change/"
    page = client.get(url)
    assert page.context["has_change_permission"] is False
    data = {
        "project": cdmx_only.pk,
        "name": "Cambiado",
        "unit": "x",
        "baseline": "0",
        "target": "1",
        "measurements-TOTAL_FORMS": "1",
        "measurements-INITIAL_FORMS": "0",
        "measurements-0-date": "2026-05-01",
        "measurements-0-value": "3",
    }
    assert client.post(url, data).status_code == 403
    assert not Measurement.objects.exists()


def test_an_official_keeps_their_projects_indicators_and_measurements(
    login, official_bcn, bcn_project
):
    client = login(official_bcn)
    url = f"{INDICATORS}add/"
    data = _indicator_data(
        client,
        url,
        bcn_project,
        **{
            "measurements-TOTAL_FORMS": "1",
            "measurements-0-date": "2026-05-01",
            "measurements-0-value": "12.5",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 302, messages_of(response) if response.context else ""
    indicator = Indicator.objects.get()
    assert indicator.project == bcn_project
    assert indicator.measurements.get().value == Decimal("12.5")
    assert Indicator.history.get(id=indicator.pk).history_user == official_bcn
    assert Measurement.history.get(id=indicator.measurements.get().pk).history_user == official_bcn


def test_a_measurement_of_a_completed_project_is_refused(login, programme_admin, bcn_project):
    indicator = IndicatorFactory(project=bcn_project)
    client = login(programme_admin)
    url = f"{INDICATORS}{indicator.pk}/change/"
    data = admin_form(
        client,
        url,
        **{
            "measurements-TOTAL_FORMS": "1",
            "measurements-0-date": "2026-05-01",
            "measurements-0-value": "3",
        },
    )
    type(bcn_project).objects.filter(pk=bcn_project.pk).update(status=ProjectStatus.COMPLETED)
    assert client.post(url, data).status_code == 403
    assert not Measurement.objects.exists()
