"""Officials run the portfolio in the admin: scope, bulk moves, exports, totals, query counts."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from openpyxl import load_workbook

from projects.models import ExchangeRate, JointProject, ProjectStatus
from tests.factories import InstitutionFactory
from tests.projects.factories import FundingFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/projects/jointproject/"


def _change_url(project: JointProject) -> str:
    return f"{CHANGELIST}{project.pk}/change/"


@pytest.fixture
def two_city_project(institution_cdmx, institution_bcn):
    return ProjectFactory(institutions=[institution_cdmx, institution_bcn])


@pytest.fixture
def cdmx_only_project(institution_cdmx):
    return ProjectFactory(institutions=[institution_cdmx], title_es="Solo CDMX")


def test_official_sees_every_project_but_changes_only_those_of_their_city(
    login, official_bcn, cdmx_only_project, two_city_project
):
    client = login(official_bcn)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert cdmx_only_project.code in listing.content.decode()
    page = client.get(_change_url(cdmx_only_project))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    response = client.post(
        _change_url(cdmx_only_project), {"title_es": "Cambiado", "start_date": "2026-01-01"}
    )
    assert response.status_code == 403
    cdmx_only_project.refresh_from_db()
    assert cdmx_only_project.title_es == "Solo CDMX"
    assert client.get(_change_url(two_city_project)).context["has_change_permission"] is True


def test_admin_changes_every_project(login, programme_admin, cdmx_only_project):
    page = login(programme_admin).get(_change_url(cdmx_only_project))
    assert page.context["has_change_permission"] is True


def test_detail_page_shows_totals_per_currency_with_the_rate_and_its_date(
    login, official_cdmx, two_city_project
):
    FundingFactory(project=two_city_project, amount=Decimal("2000.00"), currency="MXN")
    FundingFactory(project=two_city_project, amount=Decimal("50.00"), currency="EUR")
    ExchangeRate.objects.create(
        date=datetime.date(2026, 1, 2), base="EUR", quote="MXN", rate=Decimal(20)
    )
    content = login(official_cdmx).get(_change_url(two_city_project)).content.decode()
    assert "2,000.00 MXN" in content
    assert "50.00 EUR" in content
    assert "2,000.00 MXN = 100.00 EUR at 0.050000 (rate of 2026-01-02)" in content
    assert "Total in EUR: 150.00" in content


def test_bulk_approval_goes_through_the_service_and_reports_refusals(
    login,
    official_cdmx,
    two_city_project,
    cdmx_only_project,
    coordinator,
    django_capture_on_commit_callbacks,
):
    client = login(official_cdmx)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {
                "action": "move_to_approved",
                "_selected_action": [two_city_project.pk, cdmx_only_project.pk],
            },
            follow=True,
        )
    messages = [str(m) for m in response.context["messages"]]
    assert "1 project(s) moved to “Approved”." in messages
    assert any(m.startswith(cdmx_only_project.code) and "each city" in m for m in messages)
    two_city_project.refresh_from_db()
    cdmx_only_project.refresh_from_db()
    assert two_city_project.status == ProjectStatus.APPROVED
    assert cdmx_only_project.status == ProjectStatus.PROPOSED
    assert two_city_project.timeline.get().actor == official_cdmx
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    page = client.get(_change_url(two_city_project)).content.decode()
    assert "Proposed" in page and "Approved" in page  # the timeline, with status labels


def test_export_of_the_selection_to_csv_and_xlsx(login, official_cdmx, two_city_project):
    ProjectFactory(title_es="No seleccionado")
    client = login(official_cdmx)
    data = {"action": "export_csv", "_selected_action": [two_city_project.pk]}
    response = client.post(CHANGELIST, data)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "code"
    assert [r[0] for r in rows[1:]] == [two_city_project.code]
    assert "TEST-UNAM (CDMX, Lead)" in rows[1][7]
    response = client.post(CHANGELIST, {**data, "action": "export_xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert [r[0] for r in values] == ["code", two_city_project.code]


def test_filters_by_city_year_area_and_institution(login, official_cdmx, institution_bcn):
    bcn_project = ProjectFactory(
        institutions=[institution_bcn], start_date=datetime.date(2024, 2, 1)
    )
    other = ProjectFactory(institutions=[InstitutionFactory()])
    client = login(official_cdmx)

    def codes(query: str) -> set[str]:
        return {p.code for p in client.get(f"{CHANGELIST}?{query}").context["cl"].result_list}

    assert codes(f"city={institution_bcn.party_id}") == {bcn_project.code}
    assert codes("year=2024") == {bcn_project.code}
    assert codes(f"institution={institution_bcn.pk}") == {bcn_project.code}
    assert codes(f"area={other.primary_area_id}") == {bcn_project.code, other.code}
    assert codes(f"q={institution_bcn.code}") == {bcn_project.code}


def test_history_is_readable_but_cannot_be_reverted(login, programme_admin, two_city_project):
    client = login(programme_admin)
    history = client.get(f"{_change_url(two_city_project)[:-7]}history/")
    assert history.status_code == 200
    version = two_city_project.history.first()
    url = f"{_change_url(two_city_project)[:-7]}history/{version.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"title_es": "Revertido"}).status_code == 403


@pytest.mark.parametrize("page_size", [5, 40])
def test_changelist_runs_a_constant_number_of_queries(
    login, official_cdmx, institution_cdmx, institution_bcn, django_assert_num_queries, page_size
):
    for _ in range(page_size):
        project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
        MilestoneFactory(project=project)
    client = login(official_cdmx)
    # 1 session, 2 user, 3-4 the user's and groups' model permissions, 5 area filter choices,
    # 6 axis filter choices, 7 city filter choices, 8 year filter choices, 9 institution filter
    # choices, 10 filtered count, 11 total count, 12 the user's roles (object scope),
    # 13 page rows with their primary area, 14 participations with institutions and cities,
    # 15 axes. The same 15 for 5 rows or 40.
    with django_assert_num_queries(15):
        response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == page_size


def test_team_gender_is_not_counted_beside_the_named_team(login, official_cdmx, two_city_project):
    # Beside the names, a count by gender of a team of three tells who is who (issue 14):
    # gender is published only in the programme's protected totals.
    from tests.projects.factories import TeamMemberFactory

    TeamMemberFactory(project=two_city_project, name="Ana Uno", gender="woman")
    TeamMemberFactory(project=two_city_project, name="Eva Dos", gender="woman")
    TeamMemberFactory(project=two_city_project, name="Leo Tres", gender="non_binary")
    page = login(official_cdmx).get(_change_url(two_city_project))
    content = page.content.decode()
    assert "Ana Uno" in content
    assert "3 people in the team" in content
    assert "Woman: 2" not in content and "Non-binary: 1" not in content
    assert ": 1</li>" not in content and ": 2</li>" not in content
    assert 'name="team-0-gender"' not in content


def _add_form_data(client, url: str, **fields) -> dict:
    """Return the add form's data: management forms of every inline, then the given fields."""
    response = client.get(url)
    data: dict = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
    data.update(fields)
    return data


def test_official_adds_a_project_with_funding_in_the_admin(
    login, official_cdmx, institution_cdmx, institution_bcn
):
    from cooperation.models import StrategicArea

    client = login(official_cdmx)
    url = f"{CHANGELIST}add/"
    base = {
        "title_es": "Proyecto desde el admin",
        "start_date": "2026-02-01",
        "end_date": "2027-02-01",
        "primary_area": StrategicArea.objects.first().pk,
        "participations-TOTAL_FORMS": "2",
        "participations-0-institution": institution_cdmx.pk,
        "participations-0-role": "lead",
        "participations-1-institution": institution_bcn.pk,
        "participations-1-role": "partner",
        "funding-TOTAL_FORMS": "1",
        "funding-0-funder_party": institution_cdmx.party_id,
        "funding-0-amount": "0",
        "funding-0-currency": "MXN",
        "funding-0-year": "2026",
        "funding-0-kind": "cash",
    }
    response = client.post(url, _add_form_data(client, url, **base))
    assert response.status_code == 200
    assert "The amount must be greater than zero." in response.content.decode()
    assert not JointProject.objects.exists()
    response = client.post(
        url, _add_form_data(client, url, **{**base, "funding-0-amount": "250000"})
    )
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    project = JointProject.objects.get()
    assert project.code == "CDMX-BCN-2026-0001"
    assert project.status == ProjectStatus.PROPOSED
    assert project.funding.get().amount == Decimal("250000")
    assert project.history.count() == 1
    assert project.history.first().history_user == official_cdmx


def test_admin_refuses_an_end_before_the_start(login, official_cdmx):
    from cooperation.models import StrategicArea

    client = login(official_cdmx, language="es")
    url = f"{CHANGELIST}add/"
    data = _add_form_data(
        client,
        url,
        title_es="Fechas al revés",
        start_date="2026-05-01",
        end_date="2026-04-01",
        primary_area=StrategicArea.objects.first().pk,
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert (
        "El final previsto no puede ser anterior al inicio previsto." in response.content.decode()
    )
    assert not JointProject.objects.exists()


def test_history_of_a_projects_parts_is_readable_by_officials(
    login, official_bcn, two_city_project
):
    MilestoneFactory(project=two_city_project, title="Hito uno")
    MilestoneFactory(project=two_city_project, title="Hito dos")
    client = login(official_bcn)
    page = client.get(_change_url(two_city_project)).content.decode()
    milestones_url = (
        f"/admin/projects/historicalmilestone/?project__id__exact={two_city_project.pk}"
    )
    assert milestones_url.replace("&", "&amp;") in page or milestones_url in page
    response = client.get(milestones_url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Hito uno" in content and "Hito dos" in content
    participations = client.get(
        f"/admin/projects/historicalparticipation/?project__id__exact={two_city_project.pk}"
    )
    assert f"{two_city_project.participations.get(role='partner').institution} (Partner)" in (
        participations.content.decode()
    )
    history_row = two_city_project.milestones.first().history.first()
    change = client.post(
        f"/admin/projects/historicalmilestone/{history_row.pk}/change/", {"title": "Reescrito"}
    )
    assert change.status_code == 403


def test_official_cannot_add_a_project_without_an_institution_of_their_city(
    login, official_bcn, institution_cdmx
):
    from cooperation.models import StrategicArea

    client = login(official_bcn)
    url = f"{CHANGELIST}add/"
    data = _add_form_data(
        client,
        url,
        **{
            "title_es": "Fuera de mi ciudad",
            "start_date": "2026-02-01",
            "end_date": "2027-02-01",
            "primary_area": StrategicArea.objects.first().pk,
            "participations-TOTAL_FORMS": "1",
            "participations-0-institution": institution_cdmx.pk,
            "participations-0-role": "lead",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Keep at least one institution of your city" in response.content.decode()
    assert not JointProject.objects.exists()
