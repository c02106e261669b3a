"""Participations and funding commitments written through the partner API, role by role."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from projects.models import FundingCommitment, JointProject, Participation
from tests.factories import InstitutionFactory
from tests.projects.factories import FundingFactory, ProjectFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db

PARTICIPATIONS = "/api/v1/participations/"
FUNDING = "/api/v1/funding/"


@pytest.fixture
def project(institution_bcn, institution_cdmx) -> JointProject:
    """A private project led by the partner's institution (BCN) with a CDMX partner; 2026-27."""
    return ProjectFactory(institutions=[institution_bcn, institution_cdmx], public=False)


@pytest.fixture
def newcomer(bcn):
    return InstitutionFactory(code="TEST-NEW", party=bcn)


@pytest.fixture
def endpoint(partner) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["project.updated"],
        secret="whsec_AAAA",
    )


@pytest.fixture
def partner_api(other_partner, token_client) -> APIClient:
    """The client of the project's CDMX partner institution (not its lead)."""
    return token_client(other_partner)


@pytest.fixture
def stranger_api(token_client, cdmx) -> APIClient:
    """The client of an institution with no part in the project."""
    from cooperation.api.clients import partner_client_create

    stranger = partner_client_create(
        name="Another centre",
        scopes=["read", "projects:write"],
        institution=InstitutionFactory(party=cdmx),
    )
    return token_client(stranger)


def _state(project) -> tuple:
    """What a refused call must leave as it was."""
    project.refresh_from_db()
    return (
        sorted(Participation.objects.values_list("project", "institution", "role")),
        list(FundingCommitment.objects.order_by("pk").values()),
        project.updated_at,
        WebhookDelivery.objects.count(),
    )


def _send(client, method: str, url: str, body=None, **headers):
    """Send JSON the same way through a token client and a session client."""
    data = json.dumps(body) if body is not None else ""
    return getattr(client, method)(url, data=data, content_type="application/json", **headers)


def _participation(of, **extra):
    """The newcomer joining the project; ``...`` leaves a field out."""
    body = {"project": of.code, "institution": "TEST-NEW", **extra}
    return {key: value for key, value in body.items() if value is not ...}


def _commitment(of, **extra):
    """A commitment of the lead's institution; ``...`` leaves a field out."""
    body = {
        "project": of.code,
        "funder_institution": "TEST-UPC",
        "amount": "1500.00",
        "currency": "EUR",
        "year": 2026,
        "kind": "cash",
    }
    body.update(extra)
    return {key: value for key, value in body.items() if value is not ...}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


# Participations


def test_the_leads_client_adds_a_partner_and_partners_hear_of_it(api, project, newcomer, endpoint):
    response = _send(api, "post", PARTICIPATIONS, _participation(project))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "id": body["id"],
        "project": project.code,
        "institution": "TEST-NEW",
        "city": "BCN",
        "role": "partner",
    }
    assert Participation.objects.filter(project=project, institution=newcomer).exists()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.payload["data"]["code"]) == ("project.updated", project.code)
    detail = api.get(f"/api/v1/projects/{project.code}/").json()
    assert {"institution": "TEST-NEW", "city": "BCN", "role": "partner"} in detail["institutions"]


def test_a_retried_create_with_an_idempotency_key_adds_one_participation(api, project, newcomer):
    first = _send(api, "post", PARTICIPATIONS, _participation(project), HTTP_IDEMPOTENCY_KEY="k1")
    again = _send(api, "post", PARTICIPATIONS, _participation(project), HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Participation.objects.filter(institution=newcomer).count() == 1


def test_a_partner_institutions_client_may_not_add_institutions(partner_api, project, newcomer):
    before = _state(project)
    _problem(_send(partner_api, "post", PARTICIPATIONS, _participation(project)), 403)
    assert _state(project) == before


def test_another_institutions_client_cannot_write_a_project_it_has_no_part_in(
    stranger_api, project, newcomer, institution_bcn, institution_cdmx
):
    public = ProjectFactory(institutions=[institution_bcn, institution_cdmx], public=True)
    before = _state(project)
    # A public project it may read: refused. A private one: it does not exist for this client.
    _problem(_send(stranger_api, "post", PARTICIPATIONS, _participation(public)), 403)
    hidden = _problem(_send(stranger_api, "post", PARTICIPATIONS, _participation(project)), 400)
    assert list(hidden["errors"]) == ["project"]
    lead = project.participations.get(role="lead")
    assert stranger_api.get(f"{PARTICIPATIONS}{lead.pk}/").status_code == 404
    _problem(_send(stranger_api, "delete", f"{PARTICIPATIONS}{lead.pk}/", HTTP_IF_MATCH="*"), 404)
    listed = stranger_api.get(PARTICIPATIONS, {"project": project.code}).json()["results"]
    assert listed == []
    assert _state(project) == before


def test_a_token_without_projects_write_cannot_add(partner, token_client, project, newcomer):
    reader = token_client(partner, scopes=["read"])
    before = _state(project)
    _problem(_send(reader, "post", PARTICIPATIONS, _participation(project)), 403)
    assert _state(project) == before


def test_an_official_of_a_city_taking_part_adds_a_partner(login, official_cdmx, project, newcomer):
    response = _send(login(official_cdmx), "post", PARTICIPATIONS, _participation(project))
    assert response.status_code == 201, response.json()


def test_an_official_of_the_other_city_may_not_add(login, official_bcn, cdmx, newcomer):
    project = ProjectFactory(institutions=[InstitutionFactory(party=cdmx)])
    before = _state(project)
    _problem(_send(login(official_bcn), "post", PARTICIPATIONS, _participation(project)), 403)
    assert _state(project) == before


def test_a_programme_administrator_adds_through_the_browsable_api(
    login, programme_admin, project, newcomer
):
    client = login(programme_admin)
    page = client.get(PARTICIPATIONS, HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert b"Participation" in page.content
    response = _send(client, "post", PARTICIPATIONS, _participation(project))
    assert response.status_code == 201, response.json()


def test_a_researcher_is_refused_and_anonymous_callers_must_authenticate(
    login, researcher, project, newcomer
):
    project.public = True  # one they may read
    project.save()
    before = _state(project)
    _problem(_send(login(researcher), "post", PARTICIPATIONS, _participation(project)), 403)
    _problem(_send(APIClient(), "post", PARTICIPATIONS, _participation(project)), 401)
    _problem(_send(APIClient(), "post", FUNDING, _commitment(project)), 401)
    assert APIClient().get(FUNDING).status_code == 401
    assert _state(project) == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"project": ...}, "project"),
        ({"institution": ...}, "institution"),
        ("participation", "non_field_errors"),
        (["TEST-NEW"], "non_field_errors"),
        ({"institution": 42}, "institution"),
        ({"institution": ["TEST-NEW"]}, "institution"),
        ({"project": 7}, "project"),
        ({"institution": "TEST-\x00NEW"}, "institution"),
        ({"role": "lead"}, "role"),
        ({"role": "sponsor"}, "role"),
        ({"institution": "TEST-UNAM"}, "institution"),  # takes part already
        ({"institution": "GHOST"}, "institution"),
    ],
)
def test_bad_participations_are_refused_with_field_errors(api, project, newcomer, body, field):
    if isinstance(body, dict):
        body = _participation(project, **body)
    before = _state(project)
    problem = _problem(_send(api, "post", PARTICIPATIONS, body), 400)
    assert field in problem["errors"], problem
    assert _state(project) == before


def test_an_inactive_institution_cannot_join(api, project, newcomer):
    newcomer.active = False
    newcomer.save()
    problem = _problem(_send(api, "post", PARTICIPATIONS, _participation(project)), 400)
    assert problem["errors"] == {
        "institution": ["This institution is no longer active in the programme."]
    }


def _etag(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response["ETag"]


def test_a_partner_is_removed_with_if_match(api, project, institution_cdmx, cdmx, endpoint):
    project.status = "active"
    project.save()
    second = Participation.objects.create(project=project, institution=InstitutionFactory())
    assert second.institution.party == cdmx
    url = f"{PARTICIPATIONS}{second.pk}/"
    before = _state(project)
    _problem(_send(api, "delete", url), 428)
    _problem(_send(api, "delete", url, HTTP_IF_MATCH='"stale"'), 412)
    assert _state(project) == before
    response = _send(api, "delete", url, HTTP_IF_MATCH=_etag(api, url))
    assert response.status_code == 204
    assert not Participation.objects.filter(pk=second.pk).exists()
    assert WebhookDelivery.objects.get().event == "project.updated"


def test_the_lead_and_the_last_institution_of_a_city_are_not_removed(
    api, project, institution_cdmx
):
    project.status = "active"
    project.save()
    lead = project.participations.get(role="lead")
    last_of_cdmx = project.participations.get(institution=institution_cdmx)
    before = _state(project)
    for participation, message in ((lead, "lead"), (last_of_cdmx, "last institution")):
        url = f"{PARTICIPATIONS}{participation.pk}/"
        problem = _problem(_send(api, "delete", url, HTTP_IF_MATCH=_etag(api, url)), 400)
        assert message in problem["errors"]["non_field_errors"][0]
    assert _state(project) == before


def test_a_partner_with_team_members_or_funding_in_the_project_is_not_removed(
    api, project, institution_cdmx
):
    TeamMemberFactory(project=project, institution=institution_cdmx)
    partner = project.participations.get(institution=institution_cdmx)
    url = f"{PARTICIPATIONS}{partner.pk}/"
    before = _state(project)
    problem = _problem(_send(api, "delete", url, HTTP_IF_MATCH=_etag(api, url)), 400)
    assert "remove them first" in problem["errors"]["non_field_errors"][0]
    assert _state(project) == before


def test_a_partner_institutions_client_may_not_remove_institutions(
    partner_api, project, institution_cdmx
):
    own = project.participations.get(institution=institution_cdmx)
    url = f"{PARTICIPATIONS}{own.pk}/"
    before = _state(project)
    _problem(_send(partner_api, "delete", url, HTTP_IF_MATCH=_etag(partner_api, url)), 403)
    assert _state(project) == before


def test_participations_are_listed_by_project_and_unknown_filters_refused(
    api, project, institution_bcn
):
    other = ProjectFactory(institutions=[institution_bcn], public=True)
    listed = api.get(PARTICIPATIONS, {"project": project.code}).json()["results"]
    assert [(p["institution"], p["role"]) for p in listed] == [
        ("TEST-UPC", "lead"),
        ("TEST-UNAM", "partner"),
    ]
    assert {p["project"] for p in api.get(PARTICIPATIONS).json()["results"]} == {
        project.code,
        other.code,
    }
    assert api.get(PARTICIPATIONS, {"institution": "TEST-UPC"}).status_code == 400


# Funding commitments


def test_the_leads_client_declares_its_institutions_commitment(api, project, endpoint):
    response = _send(api, "post", FUNDING, _commitment(project))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body == {
        "id": body["id"],
        "project": project.code,
        "funder_institution": "TEST-UPC",
        "funder_party": None,
        "amount": "1500.00",
        "currency": "EUR",
        "year": 2026,
        "kind": "cash",
    }
    assert FundingCommitment.objects.get().funder_institution.code == "TEST-UPC"
    assert WebhookDelivery.objects.get().event == "project.updated"


def test_a_partner_institutions_client_declares_its_own_commitment_only(partner_api, project):
    own = _send(partner_api, "post", FUNDING, _commitment(project, funder_institution="TEST-UNAM"))
    assert own.status_code == 201, own.json()
    before = _state(project)
    _problem(_send(partner_api, "post", FUNDING, _commitment(project)), 403)
    assert _state(project) == before


@pytest.mark.parametrize(
    "funder",
    [{"funder_institution": "TEST-UNAM"}, {"funder_institution": ..., "funder_party": "BCN"}],
)
def test_a_coordinators_client_may_not_commit_others_money(api, project, funder):
    before = _state(project)
    _problem(_send(api, "post", FUNDING, _commitment(project, **funder)), 403)
    assert _state(project) == before


def test_another_institutions_client_cannot_fund_a_project_it_has_no_part_in(
    stranger_api, project, institution_bcn, institution_cdmx
):
    public = ProjectFactory(institutions=[institution_bcn, institution_cdmx], public=True)
    commitment = FundingFactory(project=project)
    before = _state(project)
    _problem(_send(stranger_api, "post", FUNDING, _commitment(public)), 403)
    _problem(_send(stranger_api, "post", FUNDING, _commitment(project)), 400)
    url = f"{FUNDING}{commitment.pk}/"
    assert stranger_api.get(url).status_code == 404
    _problem(_send(stranger_api, "patch", url, {"amount": "1"}, HTTP_IF_MATCH="*"), 404)
    _problem(_send(stranger_api, "delete", url, HTTP_IF_MATCH="*"), 404)
    assert stranger_api.get(FUNDING).json()["results"] == []
    assert _state(project) == before


def test_a_token_without_projects_write_cannot_declare(partner, token_client, project):
    reader = token_client(partner, scopes=["read"])
    before = _state(project)
    _problem(_send(reader, "post", FUNDING, _commitment(project)), 403)
    assert _state(project) == before


def test_an_official_commits_their_citys_money_not_the_other_citys(login, official_cdmx, project):
    client = login(official_cdmx)
    city = _commitment(project, funder_institution=None, funder_party="CDMX", currency="MXN")
    assert _send(client, "post", FUNDING, city).status_code == 201
    own_institution = _commitment(project, funder_institution="TEST-UNAM")
    assert _send(client, "post", FUNDING, own_institution).status_code == 201
    before = _state(project)
    _problem(_send(client, "post", FUNDING, _commitment(project)), 403)  # TEST-UPC, Barcelona
    other_city = _commitment(project, funder_institution=None, funder_party="BCN")
    _problem(_send(client, "post", FUNDING, other_city), 403)
    assert _state(project) == before


def test_an_official_of_a_city_not_taking_part_may_not_fund(login, official_bcn, cdmx):
    project = ProjectFactory(institutions=[InstitutionFactory(party=cdmx)])
    before = _state(project)
    body = _commitment(project, funder_institution=None, funder_party="BCN")
    _problem(_send(login(official_bcn), "post", FUNDING, body), 403)
    assert _state(project) == before


def test_a_programme_administrator_changes_any_commitment(login, programme_admin, project, cdmx):
    client = login(programme_admin)
    commitment = FundingFactory(project=project, funder_party=cdmx)
    url = f"{FUNDING}{commitment.pk}/"
    response = _send(client, "patch", url, {"amount": "10.50"}, HTTP_IF_MATCH=_etag(client, url))
    assert response.status_code == 200, response.json()
    assert response.json()["amount"] == "10.50"
    assert _send(client, "delete", url, HTTP_IF_MATCH=response["ETag"]).status_code == 204
    assert not FundingCommitment.objects.exists()


def test_a_researcher_may_not_declare(login, researcher, project):
    project.public = True  # one they may read
    project.save()
    before = _state(project)
    _problem(_send(login(researcher), "post", FUNDING, _commitment(project)), 403)
    assert _state(project) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-10.00"}, "amount"),
        ({"amount": "lots"}, "amount"),
        ({"amount": ["1"]}, "amount"),
        ({"amount": ...}, "amount"),
        ({"currency": "GBP"}, "currency"),
        ({"currency": "EU\x00R"}, "currency"),
        ({"year": "soon"}, "year"),
        ({"year": 1999}, "year"),
        ({"year": 2025}, "year"),
        ({"year": 2028}, "year"),
        ({"year": ...}, "year"),
        ({"kind": "gold"}, "kind"),
        ({"funder_party": "BCN"}, "non_field_errors"),  # and TEST-UPC: two funders
        ({"funder_institution": None}, "non_field_errors"),  # no funder
        ({"funder_institution": "GH\x00ST"}, "funder_institution"),
        ({"funder_party": "MAD", "funder_institution": ...}, "funder_party"),
        ({"project": ...}, "project"),
        ({"project": "NOPE"}, "project"),
    ],
)
def test_bad_commitments_are_refused_with_field_errors(api, project, changes, field):
    before = _state(project)
    problem = _problem(_send(api, "post", FUNDING, _commitment(project, **changes)), 400)
    assert field in problem["errors"], problem
    assert _state(project) == before


def test_a_commitment_is_updated_with_if_match_only(api, project, institution_bcn):
    created = _send(api, "post", FUNDING, _commitment(project)).json()
    url = f"{FUNDING}{created['id']}/"
    etag = _etag(api, url)
    moved = {"project": ProjectFactory(institutions=[institution_bcn]).code}
    before = _state(project)
    _problem(_send(api, "patch", url, {"amount": "2000.00"}), 428)
    _problem(_send(api, "patch", url, {"amount": "2000.00"}, HTTP_IF_MATCH='"stale"'), 412)
    _problem(_send(api, "patch", url, {"amount": "-1"}, HTTP_IF_MATCH=etag), 400)
    _problem(_send(api, "patch", url, moved, HTTP_IF_MATCH=etag), 400)
    assert _state(project) == before
    done = _send(api, "patch", url, {"amount": "2000.00", "year": 2027}, HTTP_IF_MATCH=etag)
    assert done.status_code == 200, done.json()
    assert (done.json()["amount"], done.json()["year"]) == ("2000.00", 2027)
    assert done["ETag"] != etag
    _problem(_send(api, "put", url, _commitment(project), HTTP_IF_MATCH=etag), 412)
    replaced = _send(api, "put", url, _commitment(project, kind="in_kind"), HTTP_IF_MATCH="*")
    assert replaced.status_code == 200, replaced.json()
    stored = FundingCommitment.objects.get()
    assert (stored.amount, stored.year, stored.kind) == (1500, 2026, "in_kind")


def test_a_coordinators_client_may_not_change_or_remove_a_citys_commitment(api, project, bcn):
    city = FundingFactory(project=project, funder_party=bcn, currency="EUR")
    url = f"{FUNDING}{city.pk}/"
    before = _state(project)
    takeover = {"funder_party": None, "funder_institution": "TEST-UPC"}
    _problem(_send(api, "patch", url, takeover, HTTP_IF_MATCH=_etag(api, url)), 403)
    _problem(_send(api, "delete", url, HTTP_IF_MATCH=_etag(api, url)), 403)
    assert _state(project) == before


def test_a_commitment_is_removed_with_if_match_only(api, project, endpoint):
    created = _send(api, "post", FUNDING, _commitment(project)).json()
    WebhookDelivery.objects.all().delete()
    url = f"{FUNDING}{created['id']}/"
    before = _state(project)
    _problem(_send(api, "delete", url), 428)
    _problem(_send(api, "delete", url, HTTP_IF_MATCH='"stale"'), 412)
    assert _state(project) == before
    assert _send(api, "delete", url, HTTP_IF_MATCH=_etag(api, url)).status_code == 204
    assert not FundingCommitment.objects.exists()
    assert WebhookDelivery.objects.get().event == "project.updated"


def test_a_closed_projects_funding_does_not_change(api, project):
    lead = project.participations.get(role="lead").institution
    commitment = FundingFactory(project=project, funder_party=None, funder_institution=lead)
    project.status = "completed"
    project.save()
    url = f"{FUNDING}{commitment.pk}/"
    before = _state(project)
    problem = _problem(_send(api, "delete", url, HTTP_IF_MATCH=_etag(api, url)), 400)
    assert "can no longer change" in problem["errors"]["non_field_errors"][0]
    _problem(_send(api, "post", FUNDING, _commitment(project)), 400)
    assert _state(project) == before


def test_funding_is_listed_by_project(api, project, institution_bcn):
    FundingFactory(project=project, amount="2500.50", currency="EUR")
    FundingFactory(project=ProjectFactory(institutions=[institution_bcn]))
    hidden = FundingFactory(project=ProjectFactory(public=False))
    listed = api.get(FUNDING, {"project": project.code}).json()["results"]
    assert [(f["funder_party"], f["amount"]) for f in listed] == [("CDMX", "2500.50")]
    assert len(api.get(FUNDING).json()["results"]) == 2
    assert api.get(f"{FUNDING}{hidden.pk}/").status_code == 404
    assert api.get(FUNDING, {"year": "2026"}).status_code == 400


def test_a_commitment_does_not_move_to_another_project(api, project, institution_bcn):
    other = ProjectFactory(institutions=[institution_bcn])  # also the client's
    commitment = FundingFactory(
        project=project, funder_party=None, funder_institution=institution_bcn, year=2026
    )
    url = f"/api/v1/funding/{commitment.pk}/"
    before = _state(project)
    problem = _problem(
        _send(api, "patch", url, {"project": other.code}, HTTP_IF_MATCH=_etag(api, url)), 400
    )
    assert "project" in problem["errors"]
    assert _state(project) == before
