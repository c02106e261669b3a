"""Joint projects in the partner API: read, propose, change status, milestones, measurements."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cooperation.models import Axis, StrategicArea
from projects.models import JointProject, Measurement, Milestone, Participation, ProjectEvent
from tests.factories import InstitutionFactory
from tests.projects.factories import (
    FundingFactory,
    IndicatorFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_project(institution_bcn, institution_cdmx):
    """A private project of the partner's institution (UPC-like, BCN) with a CDMX partner."""
    project = ProjectFactory(institutions=[institution_bcn, institution_cdmx], public=False)
    FundingFactory(
        project=project, amount="2500.50", currency="EUR", funder_party=institution_bcn.party
    )
    MilestoneFactory(project=project, due_date=datetime.date(2020, 1, 1))
    IndicatorFactory(project=project)
    return project


@pytest.fixture
def others_project(cdmx):
    from tests.factories import InstitutionFactory

    return ProjectFactory(institutions=[InstitutionFactory(party=cdmx)], public=False)


def test_list_shows_public_projects_and_the_partners_own(api, own_project, others_project):
    public = ProjectFactory()
    codes = {p["code"] for p in api.get("/api/v1/projects/").json()["results"]}
    assert codes == {own_project.code, public.code}
    assert others_project.code not in codes


def test_an_official_reads_every_project(login, official_cdmx, own_project, others_project):
    body = login(official_cdmx).get("/api/v1/projects/", HTTP_ACCEPT="application/json").json()
    assert {p["code"] for p in body["results"]} >= {own_project.code, others_project.code}


def test_detail_has_institutions_funding_milestones_and_indicators(api, own_project):
    body = api.get(f"/api/v1/projects/{own_project.code}/").json()
    assert {i["city"] for i in body["institutions"]} == {"CDMX", "BCN"}
    assert body["funding"][0] == {
        "funder": "BCN",
        "amount": "2500.50",
        "currency": "EUR",
        "year": 2026,
        "kind": "cash",
    }
    assert body["milestones"][0]["late"] is True
    assert body["indicators"][0]["target"] == "100.00"
    assert "team" not in body  # no personal data


def test_another_institutions_private_project_is_not_found(api, others_project):
    assert api.get(f"/api/v1/projects/{others_project.code}/").status_code == 404


@pytest.mark.parametrize("size", [2, 20])
def test_project_list_runs_a_constant_number_of_queries(
    api, institution_bcn, size, django_assert_num_queries
):
    for _ in range(25):
        ProjectFactory(institutions=[institution_bcn])
    # The token (with its application, partner profile and account), then
    # a page of projects with their primary area, areas, axes and institutions.
    with django_assert_num_queries(2):
        response = api.get(f"/api/v1/projects/?page_size={size}")
    assert len(response.json()["results"]) == size


def test_filters_by_city_status_and_area(api, own_project):
    other = ProjectFactory(status="active")
    assert [
        p["code"] for p in api.get("/api/v1/projects/", {"status": "active"}).json()["results"]
    ] == [other.code]
    bcn = api.get("/api/v1/projects/", {"city": "BCN"}).json()["results"]
    assert [p["code"] for p in bcn] == [own_project.code]
    assert api.get("/api/v1/projects/", {"status": "exploded"}).status_code == 400
    assert api.get("/api/v1/projects/", {"year": "0"}).json()["results"] == []
    assert api.get("/api/v1/projects/", {"year": "2026"}).json()["results"]
    assert api.get("/api/v1/projects/", {"year": "soon"}).status_code == 400


def _proposal(**overrides):
    body = {
        "title": {"es": "Agua para todos", "ca": "Aigua per a tothom", "en": "Water for all"},
        "summary": {"es": "Resumen", "ca": "Resum", "en": "Summary"},
        "impact": {"es": "Impacto social", "ca": "Impacte social", "en": "Social impact"},
        "primary_area": "URBAN_WATER",
        "axes": ["INCLUSIVE_ECOSYSTEMS"],
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "partners": ["TEST-UNAM"],
    }
    body.update(overrides)
    return body


def test_a_partner_proposes_a_project_led_by_its_institution(
    api, institution_bcn, institution_cdmx
):
    response = api.post("/api/v1/projects/", _proposal(), format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "proposed"
    assert body["title"] == {
        "es": "Agua para todos",
        "ca": "Aigua per a tothom",
        "en": "Water for all",
    }
    assert response["Location"] == f"/api/v1/projects/{body['code']}/"
    lead = [i for i in body["institutions"] if i["role"] == "lead"]
    assert lead == [{"institution": "TEST-UPC", "city": "BCN", "role": "lead"}]
    again = api.post("/api/v1/projects/", _proposal(), format="json", HTTP_IDEMPOTENCY_KEY="p-1")
    assert again.json() == body
    assert JointProject.objects.count() == 1


def test_a_proposals_announcement_carries_its_titles_in_every_language(
    api, partner, institution_cdmx
):
    from cooperation.api.models import WebhookDelivery, WebhookEndpoint

    WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["project.created"],
        secret="whsec_AAAA",
    )
    assert api.post("/api/v1/projects/", _proposal(), format="json").status_code == 201
    delivery = WebhookDelivery.objects.get(event="project.created")
    assert delivery.payload["data"]["title"] == {
        "es": "Agua para todos",
        "ca": "Aigua per a tothom",
        "en": "Water for all",
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_date": "2026-01-01"}, "end_date"),
        ({"primary_area": "NOPE"}, "primary_area"),
        ({"start_date": "soon"}, "start_date"),
        ({"title": {"ca": "Sense castellà"}}, "title"),
        ({"partners": ["GHOST"]}, "partners"),
    ],
)
def test_a_bad_proposal_is_refused_and_creates_nothing(api, institution_cdmx, overrides, field):
    response = api.post("/api/v1/projects/", _proposal(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not JointProject.objects.exists()


def test_a_citys_client_cannot_propose(institution_cdmx, token_client, cdmx):
    from cooperation.api.clients import partner_client_create

    city_client = partner_client_create(
        name="City data", scopes=["read", "projects:write"], party=cdmx
    )
    response = token_client(city_client).post("/api/v1/projects/", _proposal(), format="json")
    assert response.status_code == 403
    assert not JointProject.objects.exists()


def test_transition_calls_the_service_and_records_the_timeline(api, own_project):
    own_project.status = "approved"
    own_project.save()
    response = api.post(
        f"/api/v1/projects/{own_project.code}/transition/",
        {"to_status": "active", "note": "Kick-off"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    event = ProjectEvent.objects.get(project=own_project, to_status="active")
    assert event.actor.is_partner_account
    assert event.note == "Kick-off"


def test_a_partner_may_not_approve(api, own_project):
    response = api.post(
        f"/api/v1/projects/{own_project.code}/transition/", {"to_status": "approved"}, format="json"
    )
    assert response.status_code == 403
    own_project.refresh_from_db()
    assert own_project.status == "proposed"


def test_an_impossible_transition_is_a_400(api, own_project):
    response = api.post(
        f"/api/v1/projects/{own_project.code}/transition/",
        {"to_status": "completed"},
        format="json",
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_writing_another_institutions_project_is_refused(api, institution_bcn, cdmx):
    from tests.factories import InstitutionFactory

    foreign = ProjectFactory(
        institutions=[InstitutionFactory(party=cdmx)], public=True, status="approved"
    )
    response = api.post(
        f"/api/v1/projects/{foreign.code}/transition/", {"to_status": "active"}, format="json"
    )
    assert response.status_code == 403
    created = api.post(
        "/api/v1/milestones/",
        {"project": foreign.code, "title": "X", "due_date": "2027-01-01", "status": "planned"},
        format="json",
    )
    assert created.status_code == 403
    assert not Milestone.objects.filter(project=foreign).exists()


def test_a_read_only_token_cannot_write(partner, token_client, own_project):
    reader = token_client(partner, scopes=["read"])
    response = reader.post(
        f"/api/v1/projects/{own_project.code}/transition/",
        {"to_status": "cancelled"},
        format="json",
    )
    assert response.status_code == 403


def test_milestones_are_created_and_updated_with_if_match(api, own_project):
    created = api.post(
        "/api/v1/milestones/",
        {
            "project": own_project.code,
            "title": "Informe",
            "due_date": "2027-06-30",
            "status": "planned",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    url = f"/api/v1/milestones/{created.json()['id']}/"
    etag = api.get(url)["ETag"]
    assert (
        api.patch(url, {"status": "done", "completed_on": "2027-06-01"}, format="json").status_code
        == 428
    )
    done = api.patch(
        url, {"status": "done", "completed_on": "2027-06-01"}, format="json", HTTP_IF_MATCH=etag
    )
    assert done.status_code == 200, done.json()
    assert api.patch(url, {"title": "Otro"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    milestone = Milestone.objects.get(pk=created.json()["id"])
    assert (milestone.status, milestone.title) == ("done", "Informe")


def test_measurements_are_recorded_for_the_partners_indicators_only(
    api, own_project, others_project
):
    indicator = own_project.indicators.get()
    ok = api.post(
        "/api/v1/measurements/",
        {"indicator": indicator.pk, "date": "2026-09-30", "value": "42.5"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    foreign = IndicatorFactory(project=others_project)
    refused = api.post(
        "/api/v1/measurements/",
        {"indicator": foreign.pk, "date": "2026-09-30", "value": "1"},
        format="json",
    )
    assert refused.status_code == 400
    bad = api.post(
        "/api/v1/measurements/",
        {"indicator": indicator.pk, "date": "2026-09-30", "value": "lots"},
        format="json",
    )
    assert bad.status_code == 400
    assert Measurement.objects.count() == 1


def test_list_rows_written_by_postgresql_are_exactly_what_the_serializer_gives(
    api, own_project, institution_cdmx, cdmx
):
    from projects.api import PROJECT_PARTS, ProjectListSerializer

    second = InstitutionFactory(party=cdmx, code="AAA-FIRST")  # sorts before the others
    Participation.objects.create(project=own_project, institution=second)
    own_project.areas.set(StrategicArea.objects.order_by("-number")[:3])
    own_project.axes.set(Axis.objects.order_by("-number")[:2])
    JointProject.objects.filter(pk=own_project.pk).update(
        title_es='Agua "limpia" \\ ñandú – 水',
        title_ca=None,
        title_en="",
        updated_at=datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),  # no microseconds
    )
    other = ProjectFactory(institutions=[institution_cdmx], public=True)
    JointProject.objects.filter(pk=other.pk).update(
        updated_at=datetime.datetime(2026, 3, 1, 9, 30, 0, 120, tzinfo=datetime.UTC)
    )
    listed = api.get("/api/v1/projects/?ordering=code").json()["results"]
    projects = JointProject.objects.select_related("primary_area").prefetch_related(*PROJECT_PARTS)
    with timezone.override(datetime.UTC):  # as the API serves every request
        expected = [ProjectListSerializer(project).data for project in projects.order_by("code")]
    assert listed == expected
    # Same keys in the same order, down to the institutions.
    assert [list(row) for row in listed] == [list(row) for row in expected]
    assert [list(i) for i in listed[0]["institutions"]] == [["institution", "city", "role"]] * 3
    # The fields a list and a detail share are written the same way.
    detail = api.get(f"/api/v1/projects/{own_project.code}/").json()
    assert {key: detail[key] for key in listed[0]} == next(
        row for row in listed if row["code"] == own_project.code
    )
    mine = next(row for row in listed if row["code"] == own_project.code)
    assert mine["updated_at"] == "2026-03-01T09:30:00Z"
    assert mine["title"] == {"es": 'Agua "limpia" \\ ñandú – 水', "ca": "", "en": ""}
    assert mine["areas"] == list(
        StrategicArea.objects.order_by("number")
        .filter(secondary_projects=own_project)
        .values_list("code", flat=True)
    )
    # The lead first, then the partners by code.
    assert [(i["role"], i["institution"]) for i in mine["institutions"]] == [
        ("lead", own_project.participations.get(role="lead").institution.code),
        ("partner", "AAA-FIRST"),
        ("partner", institution_cdmx.code),
    ]


def test_the_api_writes_instants_in_utc_but_keeps_the_portals_today(api, own_project, monkeypatch):
    # 22:30 UTC on 9 June is already 10 June in Barcelona (the portal's TIME_ZONE).
    instant = datetime.datetime(2026, 6, 9, 22, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    milestone = MilestoneFactory(project=own_project, due_date=datetime.date(2026, 6, 9))
    JointProject.objects.filter(pk=own_project.pk).update(updated_at=instant)
    assert milestone.is_late()  # in the portal
    body = api.get(f"/api/v1/milestones/{milestone.pk}/").json()
    assert body["late"] is True  # the same day in the API
    project = api.get(f"/api/v1/projects/{own_project.code}/").json()
    assert project["updated_at"] == "2026-06-09T22:30:00Z"
    # An instant without an offset is read as UTC.
    from cooperation.api.serializers import UtcDateTimeField

    parsed = UtcDateTimeField().to_internal_value("2026-06-09T22:30:00")
    assert parsed == instant


@pytest.mark.parametrize("ordering", ["-start_date", "start_date", "-updated_at", "code"])
def test_walking_pages_ordered_by_a_field_with_ties_gives_every_project_once(
    api, institution_bcn, ordering
):
    for index in range(23):
        ProjectFactory(
            institutions=[institution_bcn],
            public=True,
            start_date=datetime.date(2026, 1 + index % 3, 1),  # three dates, many ties
        )
    JointProject.objects.update(updated_at=datetime.datetime(2026, 5, 1, tzinfo=datetime.UTC))
    seen: list[str] = []
    url = f"/api/v1/projects/?ordering={ordering}&page_size=4"
    while url:
        body = api.get(url).json()
        seen += [project["code"] for project in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == JointProject.objects.count() == 23


def test_a_milestone_does_not_move_to_another_project(api, own_project, institution_bcn):
    other = ProjectFactory(institutions=[institution_bcn])  # also the client's
    milestone = MilestoneFactory(project=own_project, title="Informe")
    url = f"/api/v1/milestones/{milestone.pk}/"
    response = api.patch(
        url, {"project": other.code}, format="json", HTTP_IF_MATCH=api.get(url)["ETag"]
    )
    assert response.status_code == 400
    assert "project" in response.json()["errors"]
    milestone.refresh_from_db()
    assert milestone.project_id == own_project.pk


def test_the_list_checks_each_private_row_by_itself(partner, institution_bcn, institution_cdmx):
    from django.db import connection

    own = ProjectFactory(institutions=[institution_bcn, institution_cdmx], public=False)
    ProjectFactory(institutions=[institution_cdmx], public=False)
    shown = ProjectFactory(institutions=[institution_cdmx])
    account = partner.profile.account
    rows = JointProject.objects.visible_to(account, row_by_row=True).order_by("code")
    assert set(rows.values_list("code", flat=True)) == {own.code, shown.code}
    assert set(rows.values_list("code", flat=True)) == set(
        JointProject.objects.visible_to(account).values_list("code", flat=True)
    )
    sql, params = rows[:100].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # No hash of every participation of the institution, built again for every page.
    assert "hashed" not in plan


def test_the_row_by_row_rule_gives_the_same_rows_inside_another_query(
    partner, institution_bcn, institution_cdmx
):
    # Inside pk__in the outer table is renamed (U0): the hand-written check must follow it.
    own = ProjectFactory(institutions=[institution_bcn], public=False)
    ProjectFactory(institutions=[institution_cdmx], public=False)
    shown = ProjectFactory(institutions=[institution_cdmx])
    account = partner.profile.account
    inner = JointProject.objects.visible_to(account, row_by_row=True).values("pk")
    nested = JointProject.objects.filter(pk__in=inner).values_list("code", flat=True)
    assert set(nested) == {own.code, shown.code}
