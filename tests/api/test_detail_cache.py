"""The API's project details kept in Redis (``projects.api.kept``): per class of readers,
never a project the caller may not read, the same ETag, and current after every change."""

from __future__ import annotations

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from rest_framework.test import APIClient

from projects import services
from projects.models import FundingCommitment, JointProject, Milestone, ProjectStatus
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _url(project: JointProject) -> str:
    return f"/api/v1/projects/{project.code}/"


def _get(client: APIClient, project: JointProject, **headers: str):
    return client.get(_url(project), HTTP_ACCEPT="application/json", **headers)


def _detail(client: APIClient, project: JointProject) -> dict:
    response = _get(client, project)
    assert response.status_code == 200, response.content[:300]
    return response.json()


def test_a_kept_detail_is_the_computed_one_with_its_etag_and_no_query(
    api, public, django_assert_num_queries
):
    first = _get(api, public)
    assert first.status_code == 200 and first["ETag"]
    with django_assert_num_queries(0):  # the token and the detail are kept
        again = _get(api, public)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    # A partner whose copy is current is answered 304, from the kept detail too.
    with django_assert_num_queries(0):
        unchanged = _get(api, public, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304


def test_a_kept_private_detail_is_never_served_to_another_class_of_readers(
    api, other_partner, token_client, login, coordinator, official_cdmx, private_bcn
):
    assert _detail(api, private_bcn)["code"] == private_bcn.code  # kept for BCN's clients
    assert _get(api, private_bcn).status_code == 200
    # Neither the other institution's client nor a caller without credentials reads it.
    other = token_client(other_partner)
    for _ in range(2):
        assert _get(other, private_bcn).status_code == 404
        assert _get(APIClient(), private_bcn).status_code == 404
    # The BCN institution's coordinator and an official read it, each in their class.
    assert _detail(login(coordinator), private_bcn)["code"] == private_bcn.code
    assert _detail(login(official_cdmx), private_bcn)["public"] is False


def test_an_official_reads_a_private_detail_that_a_visitor_was_refused(
    login, official_cdmx, others_private
):
    assert _get(APIClient(), others_private).status_code == 404
    assert _detail(login(official_cdmx), others_private)["code"] == others_private.code
    assert _get(APIClient(), others_private).status_code == 404


def test_a_project_made_private_leaves_the_kept_details(api, other_partner, token_client, public):
    other = token_client(other_partner)
    assert _get(APIClient(), public).status_code == 200
    assert _get(other, public).status_code == 200
    public.public = False
    public.save()
    assert _get(APIClient(), public).status_code == 404
    assert _get(other, public).status_code == 200  # the CDMX institution takes part
    assert _get(api, public).status_code == 404


def test_parts_changed_through_the_services_show_in_the_kept_detail(
    api, official_cdmx, institution_cdmx, institution_bcn
):
    project = ProjectFactory(institutions=[institution_cdmx, institution_bcn], status="active")
    before = _get(api, project)
    assert before.json()["funding"] == [] and before.json()["milestones"] == []
    services.funding_save(
        actor=official_cdmx,
        project=project,
        funder_party=institution_cdmx.party,
        amount=Decimal("10.00"),
        currency="MXN",
        year=2026,
    )
    funded = _get(api, project)
    assert [row["amount"] for row in funded.json()["funding"]] == ["10.00"]
    assert funded["ETag"] != before["ETag"]
    services.milestone_save(
        actor=official_cdmx,
        project=project,
        title="Primer informe",
        due_date=datetime.date(2030, 1, 1),
    )
    assert [m["title"] for m in _detail(api, project)["milestones"]] == ["Primer informe"]
    services.project_transition(
        actor=official_cdmx, project=project, to_status=ProjectStatus.SUSPENDED
    )
    assert _detail(api, project)["status"] == "suspended"


def test_funding_changed_around_the_services_shows_in_the_kept_detail(api, public):
    """A commitment saved or deleted by the ORM alone (a shell, a data migration) is seen."""
    assert _detail(api, public)["funding"] == []
    commitment = FundingCommitment.objects.create(
        project=public,
        funder_party=public.participations.first().institution.party,
        amount=Decimal("5.00"),
        currency="EUR",
        year=2026,
    )
    assert [row["currency"] for row in _detail(api, public)["funding"]] == ["EUR"]
    commitment.delete()
    assert _detail(api, public)["funding"] == []


def test_a_milestone_turns_late_the_next_day_in_a_kept_detail(api, public):
    """The ``late`` flag depends on the date: a detail kept on one day is not served the next."""
    due = datetime.date(2026, 6, 10)
    Milestone.objects.create(project=public, title="Entrega", due_date=due)
    with mock.patch("django.utils.timezone.localdate", return_value=due):
        assert [m["late"] for m in _detail(api, public)["milestones"]] == [False]
    after = due + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=after):
        assert [m["late"] for m in _detail(api, public)["milestones"]] == [True]


def test_a_refused_or_unknown_code_is_never_kept(api):
    for _ in range(2):
        assert api.get("/api/v1/projects/CDMX-BCN-1999-9999/").status_code == 404


def test_the_browsable_detail_is_rendered_each_time(login, official_cdmx, public):
    client = login(official_cdmx)
    for _ in range(2):
        response = client.get(_url(public), HTTP_ACCEPT="text/html")
        assert response.status_code == 200 and public.code in response.content.decode()


def test_the_detail_works_without_redis(api, public):
    with (
        mock.patch("projects.catalogue.cache.get_many", side_effect=ConnectionError),
        mock.patch("projects.catalogue.cache.set", side_effect=ConnectionError),
    ):
        for _ in range(2):
            response = _get(api, public)
            assert response.status_code == 200 and response["ETag"]
            assert response.json()["code"] == public.code


def test_a_deleted_project_leaves_the_kept_details(api, public):
    """A project deleted (the admin, a shell) is answered 404, not from a copy kept before."""
    assert _get(api, public).status_code == 200
    assert _get(APIClient(), public).status_code == 200
    JointProject.objects.filter(pk=public.pk).get().delete()
    assert _get(api, public).status_code == 404
    assert _get(APIClient(), public).status_code == 404
