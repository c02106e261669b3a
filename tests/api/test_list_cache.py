"""The API's project list pages kept in Redis (``projects.api.kept``): per class of readers,
never a project the caller may not read, and current after a change through every path."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from projects import services
from projects.imports import import_projects, read_projects
from projects.models import ProjectStatus
from tests.factories import InstitutionFactory
from tests.projects.admin_forms import admin_form
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/projects/"


def _codes(client, url: str = LIST) -> list[str]:
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]
    return [row["code"] for row in response.json()["results"]]


def _rows(client) -> dict[str, dict]:
    response = client.get(LIST, HTTP_ACCEPT="application/json")
    return {row["code"]: row for row in response.json()["results"]}


def test_a_kept_page_never_shows_a_private_project_to_another_institution(
    api, other_partner, token_client, private_bcn, public, django_assert_num_queries
):
    other = token_client(other_partner)
    assert _codes(api) == sorted([private_bcn.code, public.code])  # kept for BCN's clients
    # The other institution's client and a caller without credentials: their own entries.
    assert _codes(other) == [public.code]
    assert _codes(APIClient()) == [public.code]
    # Served from the kept pages now: the tokens are kept too, no query at all.
    with django_assert_num_queries(0):
        assert _codes(other) == [public.code]
        assert _codes(APIClient()) == [public.code]
        assert _codes(api) == sorted([private_bcn.code, public.code])


def test_a_kept_page_is_shared_by_the_institutions_clients_only(
    api, partner, token_client, private_bcn, public, institution_bcn, django_assert_num_queries
):
    assert _codes(api) == sorted([private_bcn.code, public.code])
    second = token_client(partner, ["read"])
    # The second client's token is read (one query); the page is the institution's, kept.
    with django_assert_num_queries(1):
        assert _codes(second) == sorted([private_bcn.code, public.code])


def test_an_official_reads_every_project_and_a_coordinator_their_own(
    login, official_cdmx, coordinator, private_bcn, public, others_private
):
    assert _codes(APIClient()) == [public.code]
    every = _codes(login(official_cdmx))
    assert set(every) == {private_bcn.code, public.code, others_private.code}
    # The coordinator of the BCN institution: the public one and BCN's, not the other one.
    assert set(_codes(login(coordinator))) == {private_bcn.code, public.code}


def test_each_query_has_its_own_page_whatever_the_order_of_its_parameters(api, public):
    active = ProjectFactory(status=ProjectStatus.ACTIVE)
    assert _codes(api, f"{LIST}?status=active&page_size=5") == [active.code]
    assert _codes(api, f"{LIST}?page_size=5&status=active") == [active.code]
    assert _codes(api, f"{LIST}?page_size=5") == sorted([active.code, public.code])
    assert _codes(api, f"{LIST}?page_size=1") == [min(active.code, public.code)]


def test_a_refused_query_is_refused_again_and_never_kept(api, public):
    for _ in range(2):
        assert api.get(f"{LIST}?status=exploded").status_code == 400
        assert api.get(f"{LIST}?colour=red").status_code == 400


def test_the_browsable_api_is_rendered_each_time(login, official_cdmx, public):
    client = login(official_cdmx)
    for _ in range(2):
        response = client.get(LIST, HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and public.code in response.content.decode()


def test_a_project_made_private_leaves_every_kept_page(api, other_partner, token_client, public):
    other = token_client(other_partner)
    assert _codes(other) == [public.code] and _codes(APIClient()) == [public.code]
    public.public = False
    public.save()
    assert _codes(other) == [public.code]  # the CDMX institution takes part
    assert _codes(APIClient()) == []
    assert _codes(api) == []


def test_a_service_change_shows_in_the_kept_page(
    api, official_cdmx, institution_cdmx, institution_bcn
):
    project = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
    assert _rows(api)[project.code]["status"] == "proposed"
    services.project_transition(
        actor=official_cdmx, project=project, to_status=ProjectStatus.APPROVED
    )
    assert _rows(api)[project.code]["status"] == "approved"


def test_a_parts_change_shows_the_projects_last_change_in_the_kept_page(
    api, official_cdmx, institution_cdmx, institution_bcn
):
    project = ProjectFactory(institutions=[institution_cdmx, institution_bcn], status="active")
    before = _rows(api)[project.code]["updated_at"]
    # Funding is not one of the rows whose signals bump the version; the service bumps it.
    services.funding_save(
        actor=official_cdmx,
        project=project,
        funder_party=institution_cdmx.party,
        amount=Decimal("10.00"),
        currency="MXN",
        year=2026,
    )
    project.refresh_from_db()
    after = _rows(api)[project.code]["updated_at"]
    assert after != before
    assert after.startswith(project.updated_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H"))


def test_an_admin_change_shows_in_the_kept_page(api, login, official_cdmx, public):
    assert _rows(api)[public.code]["title"]["es"] == "Abierto"
    client = login(official_cdmx)
    url = f"/admin/projects/jointproject/{public.pk}/change/"
    response = client.post(url, admin_form(client, url, title_es="Cambiado en el admin"))
    assert response.status_code == 302, response.content[:500]
    assert _rows(api)[public.code]["title"]["es"] == "Cambiado en el admin"


def test_an_import_shows_in_the_kept_page(api, official_cdmx, cdmx, bcn):
    from tests.projects.test_imports import _csv, _row

    InstitutionFactory(code="UNAM", party=cdmx)
    InstitutionFactory(code="UPC", party=bcn)
    assert _codes(api) == []
    upload = SimpleUploadedFile("p.csv", _csv([_row()]))
    result = read_projects(upload.name, upload)
    assert import_projects(result, actor=official_cdmx) == 1
    assert _codes(api) == ["CDMX-BCN-2019-0001"]


def test_an_api_write_shows_in_the_kept_page(api, institution_cdmx, institution_bcn):
    from tests.api.test_projects_api import _proposal

    assert _codes(api) == []
    response = api.post(LIST, _proposal(public=True), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 201, response.json()
    # Proposals are not public: the proposing institution's clients read it at once.
    assert _codes(api) == [response.json()["code"]]


def test_reference_data_renamed_shows_in_the_kept_page(api, public):
    area = public.primary_area
    assert _rows(api)[public.code]["primary_area"] == area.code
    area.code = "RENAMED"
    area.save()  # as the admin and the reference data's migrations save it
    assert _rows(api)[public.code]["primary_area"] == "RENAMED"


def test_an_institution_renamed_shows_in_the_kept_page(api, public, institution_cdmx):
    assert _rows(api)[public.code]["institutions"][0]["institution"] == institution_cdmx.code
    institution_cdmx.code = "NEW-CODE"
    institution_cdmx.save()
    assert _rows(api)[public.code]["institutions"][0]["institution"] == "NEW-CODE"


def test_the_list_works_without_redis(api, public):
    with (
        mock.patch("projects.catalogue.cache.get_many", side_effect=ConnectionError),
        mock.patch("projects.catalogue.cache.set", side_effect=ConnectionError),
    ):
        assert _codes(api) == [public.code]
        assert _codes(api) == [public.code]
