"""Practices and transfers in the partner API: reads, filters, drafts written by clients."""

from __future__ import annotations

import pytest

from cooperation.api.clients import partner_client_create
from knowledge import services
from knowledge.models import Practice
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, draft, published, transfer

pytestmark = pytest.mark.django_db

WRITE = ["read", "knowledge:write"]


@pytest.fixture
def writer(institution_bcn, token_client):
    credentials = partner_client_create(
        name="UPC knowledge", scopes=WRITE, institution=institution_bcn
    )
    return token_client(credentials, WRITE)


@pytest.fixture
def practices(coordinator, official_bcn, institution_cdmx, official_cdmx):
    shown = published(actor=coordinator, reviewer=official_bcn, audiences=["teachers"])
    own_draft = draft(actor=coordinator, texts={"title_es": "Borrador UPC"})
    cdmx = coordinator_of(institution_cdmx, email="c.cdmx@example.org")
    other_draft = draft(actor=cdmx, texts={"title_es": "Borrador UNAM"})
    made = transfer(actor=official_cdmx, practice=shown, institution=institution_cdmx)
    return {"shown": shown, "own": own_draft, "other": other_draft, "transfer": made}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_client_reads_published_practices_and_its_institutions_drafts(api, practices):
    assert _ids(api.get("/api/v1/practices/")) == {practices["shown"].pk, practices["own"].pk}
    row = api.get(f"/api/v1/practices/{practices['shown'].pk}/")
    assert row.status_code == 200
    assert row["ETag"]
    body = row.json()
    assert body["title"]["es"] == "Oficina de Ciencia Ciudadana"
    assert (body["city"], body["status"], body["audiences"]) == ("BCN", "published", ["teachers"])
    assert api.get(f"/api/v1/practices/{practices['other'].pk}/").status_code == 404


def test_the_other_institutions_client_sees_only_the_published_one(
    other_partner, token_client, practices
):
    api = token_client(other_partner)
    assert _ids(api.get("/api/v1/practices/")) == {practices["shown"].pk, practices["other"].pk}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=published", {"shown"}),
        ("city=BCN&kind=good_practice", {"shown", "own"}),
        ("audience=teachers", {"shown"}),
        ("area=NO_SUCH_AREA", set()),
    ],
)
def test_filters(api, practices, query, expected):
    assert _ids(api.get(f"/api/v1/practices/?{query}")) == {practices[k].pk for k in expected}


def test_an_unknown_filter_or_value_is_a_problem(api, practices):
    response = api.get("/api/v1/practices/?colour=blue")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert api.get("/api/v1/practices/?kind=nonsense").status_code == 400


@pytest.mark.parametrize("count", [3, 25])
def test_the_list_runs_a_constant_number_of_queries(
    api, coordinator, official_bcn, django_assert_num_queries, count
):
    for index in range(count):
        published(actor=coordinator, reviewer=official_bcn, texts={"title_es": f"P {index}"})
    # 1 the token with its client, profile and account, 2 the page, then one query each for
    # the areas, axes, partners, projects, links and documents of the page's rows.
    with django_assert_num_queries(8):
        response = api.get("/api/v1/practices/?page_size=20")
    assert len(response.json()["results"]) == min(count, 20)


def test_a_writing_client_proposes_a_draft_of_its_institution(writer, institution_bcn):
    response = writer.post(
        "/api/v1/practices/",
        {
            "kind": "methodology",
            "licence": "CC-BY-4.0",
            "primary_area": "STEAM_EDUCATION",
            "audiences": ["teachers"],
            "title": {"es": "Metodología STEAM", "en": "STEAM methodology"},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    practice = Practice.objects.get()
    assert (practice.status, practice.institution, practice.title_en) == (
        "draft",
        institution_bcn,
        "STEAM methodology",
    )
    submitted = writer.post(f"/api/v1/practices/{practice.pk}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "in_review"


def test_a_client_without_the_write_scope_may_not_propose(partner, token_client):
    api = token_client(partner, ["read", "projects:write"])
    response = api.post(
        "/api/v1/practices/",
        {
            "kind": "methodology",
            "licence": "CC0-1.0",
            "primary_area": "STEAM_EDUCATION",
            "title": {"es": "X"},
        },
        format="json",
    )
    assert response.status_code == 403
    assert not Practice.objects.exists()


def test_bad_values_are_a_problem_naming_the_field_and_nothing_is_saved(writer):
    response = writer.post(
        "/api/v1/practices/",
        {
            "kind": "poem",
            "licence": "CC0-1.0",
            "primary_area": "STEAM_EDUCATION",
            "title": {"es": ""},
        },
        format="json",
    )
    assert response.status_code == 400
    assert "kind" in response.json()["errors"] or "kind" in str(response.json())
    assert not Practice.objects.exists()


def test_changing_a_published_practice_needs_if_match_and_sends_it_back_to_review(
    writer, coordinator, official_bcn
):
    practice = published(actor=coordinator, reviewer=official_bcn)
    url = f"/api/v1/practices/{practice.pk}/"
    change = {"title": {"es": "Oficina renovada"}}
    assert writer.patch(url, change, format="json").status_code == 428
    etag = writer.get(url)["ETag"]
    response = writer.patch(url, change, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    assert writer.patch(url, change, format="json", HTTP_IF_MATCH=etag).status_code == 412
    assert Practice.objects.get().title_es == "Oficina renovada"


def test_another_institutions_practice_cannot_be_changed(writer, official_cdmx, institution_cdmx):
    practice = draft(actor=official_cdmx, institution=institution_cdmx)
    response = writer.post(f"/api/v1/practices/{practice.pk}/submit/")
    assert response.status_code == 404
    assert Practice.objects.get().status == "draft"


def test_transfers_are_read_without_contacts_and_public_ones_by_others(
    api, token_client, practices, official_cdmx
):
    made = practices["transfer"]
    # The BCN client's institution offers the practice: it reads the transfer.
    row = api.get(f"/api/v1/transfers/{made.pk}/")
    assert row.status_code == 200
    body = row.json()
    assert (body["stage"], body["city"], body["origin_city"]) == ("interest", "CDMX", "BCN")
    assert "origin_contact_email" not in body and "marta@example.org" not in row.content.decode()
    outsider = token_client(
        partner_client_create(name="Otra", scopes=["read"], institution=InstitutionFactory()),
        ["read"],
    )
    assert _ids(outsider.get("/api/v1/transfers/")) == set()
    made.public = True
    services.transfer_update(actor=official_cdmx, transfer=made)
    assert _ids(outsider.get("/api/v1/transfers/")) == {made.pk}
