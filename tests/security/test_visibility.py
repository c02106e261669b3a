"""Visibility follows the role (issue 12, points 4 and 6).

A non-public project is read by officials, administrators and the coordinators of the
institutions taking part, and by nobody else, through ``JointProject.objects.visible_to``:
the API, the portal's pages and the stay form all ask it. An assigned reviewer opens an
applicant's documents only after declaring no conflict of interest.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cooperation.roles import Role
from exchanges import services
from projects.models import JointProject
from tests.exchanges.conftest import accept
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(institution_bcn) -> JointProject:
    return ProjectFactory(institutions=[institution_bcn], public=False, status="approved")


@pytest.fixture
def people(institution_bcn, institution_cdmx, programme_admin, official_cdmx, official_bcn):
    """Everybody who might ask, by what they should be, with the institution they name."""

    def person(email: str, role: str, institution=None):
        return UserFactory(email=email, institution=institution, roles=[role])

    return {
        "programme_admin": (programme_admin, True),
        "official_cdmx": (official_cdmx, True),  # CDMX does not take part: still reads it
        "official_bcn": (official_bcn, True),
        "coordinator of a participant": (
            person("c1@example.org", Role.COORDINATOR, institution_bcn),
            True,
        ),
        "coordinator of another institution": (
            person("c2@example.org", Role.COORDINATOR, institution_cdmx),
            False,
        ),
        "researcher of a participant": (
            person("r1@example.org", Role.RESEARCHER, institution_bcn),
            False,
        ),
        "reviewer of a participant": (
            person("v1@example.org", Role.REVIEWER, institution_bcn),
            False,
        ),
        "researcher": (person("r2@example.org", Role.RESEARCHER), False),
    }


def test_the_one_queryset_follows_the_role(private, people):
    public = ProjectFactory(public=True)
    for label, (user, reads) in people.items():
        visible = set(JointProject.objects.visible_to(user))
        assert (private in visible) is reads, label
        assert public in visible, label


def test_the_api_shows_a_private_project_only_to_those_roles(private, people, login):
    FundingFactory(project=private)
    for label, (user, reads) in people.items():
        client = login(user)
        detail = client.get(f"/api/v1/projects/{private.code}/")
        assert detail.status_code == (200 if reads else 404), label
        codes = [row["code"] for row in client.get("/api/v1/projects/").json()["results"]]
        assert (private.code in codes) is reads, label
        funding = client.get(f"/api/v1/funding/?project={private.code}")
        listed = funding.status_code == 200 and bool(funding.json()["results"])
        assert listed is reads, (label, funding.status_code)


def test_the_portal_page_of_a_private_project_follows_the_same_rule(private, people, login):
    url = reverse("projects:detail", args=[private.code])
    for label, (user, reads) in people.items():
        assert login(user).get(url).status_code == (200 if reads else 404), label
    assert login(people["researcher"][0]).get(url).status_code == 404
    from django.test import Client

    assert Client().get(url).status_code == 404


def test_the_stay_form_lists_no_private_project_to_a_researcher(login, draft, institution_bcn):
    secret = ProjectFactory(
        institutions=[institution_bcn], public=False, status="active", title="Secreto"
    )
    page = login(draft.researcher).get(
        reverse("exchanges:application_step", args=[draft.pk, "project"])
    )
    assert page.status_code == 200
    assert secret.code not in page.content.decode()
    assert "Secreto" not in page.content.decode()


# --- Reviewers and documents ---------------------------------------------------------------------


@pytest.fixture
def assigned(submitted, coordinator, official_cdmx, reviewer):
    accept(submitted, coordinator)
    return services.review_assign(
        actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer
    )


def test_a_reviewer_opens_no_document_before_declaring_no_conflict(
    login, submitted, assigned, reviewer
):
    client = login(reviewer)
    document = reverse("exchanges:attachment_download", args=[submitted.attachments.first().pk])
    application = reverse("exchanges:application_detail", args=[submitted.pk])
    assert client.get(document).status_code == 404
    assert client.get(application).status_code == 404
    services.conflict_declare(
        actor=reviewer,
        assignment_id=assigned.pk,
        has_conflict=False,
        shown=services.conflict_disclosure_token(assigned),
    )
    assert client.get(document).status_code == 200
    assert client.get(application).status_code == 200


def test_a_reviewer_who_declared_a_conflict_opens_nothing(login, submitted, assigned, reviewer):
    services.conflict_declare(
        actor=reviewer,
        assignment_id=assigned.pk,
        has_conflict=True,
        explanation="Mi colega",
        shown=services.conflict_disclosure_token(assigned),
    )
    client = login(reviewer)
    document = reverse("exchanges:attachment_download", args=[submitted.attachments.first().pk])
    assert client.get(document).status_code == 404


def test_another_reviewer_opens_nothing(login, submitted, assigned):
    other = UserFactory(email="otra.revisora@example.org", roles=[Role.REVIEWER])
    document = reverse("exchanges:attachment_download", args=[submitted.attachments.first().pk])
    assert login(other).get(document).status_code == 404


def test_an_institution_of_another_city_gives_a_coordinator_nothing_more(login, private, cdmx):
    outsider = UserFactory(
        email="c3@example.org", institution=InstitutionFactory(party=cdmx), roles=[Role.COORDINATOR]
    )
    assert login(outsider).get(f"/api/v1/projects/{private.code}/").status_code == 404
