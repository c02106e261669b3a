"""A project's parts through the API: the serializer checks the model's rules, the service writes.

The API builds no portal form: the part's serializer puts the request's values over the stored
ones, checks them against the part's model (validators, ``clean``, constraints) and hands them
to the service by name.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

from projects.models import FundingCommitment, Milestone
from tests.projects.factories import MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db
MILESTONES = "/api/v1/milestones/"
FUNDING = "/api/v1/funding/"


@pytest.fixture
def project(institution_bcn, institution_cdmx):
    """A private project led by the partner's institution, 2026-27."""
    return ProjectFactory(institutions=[institution_bcn, institution_cdmx], public=False)


def test_a_milestone_done_without_its_date_is_refused_by_that_field(api, project):
    body = {"project": project.code, "title": "Informe", "due_date": "2027-06-30"}
    response = api.post(MILESTONES, {**body, "status": "done"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"completed_on": ["Give the date the milestone was done."]}
    assert not Milestone.objects.exists()


def test_a_new_milestone_takes_the_models_defaults_for_what_it_leaves_out(api, project):
    response = api.post(
        MILESTONES,
        {"project": project.code, "title": "Informe", "due_date": "2027-06-30"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    milestone = Milestone.objects.get()
    assert (milestone.status, milestone.completed_on) == ("planned", None)
    assert milestone.evidence_url == ""


def test_a_partial_change_is_checked_with_the_stored_values(api, project):
    milestone = MilestoneFactory(project=project, title="Informe")
    url = f"{MILESTONES}{milestone.pk}/"
    etag = api.get(url)["ETag"]
    refused = api.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH=etag)
    assert refused.status_code == 400
    assert "completed_on" in refused.json()["errors"]
    done = api.patch(
        url, {"status": "done", "completed_on": "2026-06-01"}, format="json", HTTP_IF_MATCH=etag
    )
    assert done.status_code == 200, done.json()
    milestone.refresh_from_db()
    assert (milestone.title, milestone.status) == ("Informe", "done")


def test_a_commitment_outside_the_projects_years_and_with_two_funders_says_both(api, project, bcn):
    body = {
        "project": project.code,
        "funder_institution": "TEST-UPC",
        "funder_party": bcn.code,
        "amount": "10.00",
        "currency": "EUR",
        "year": 2030,
        "kind": "cash",
    }
    errors = api.post(FUNDING, body, format="json").json()["errors"]
    assert errors["year"] == ["Choose a year of the project, from 2026 to 2027."]
    assert errors["non_field_errors"] == ["Choose either a funding city or an institution."]
    assert not FundingCommitment.objects.exists()


def test_the_api_builds_no_portal_form():
    package = pathlib.Path(__file__).resolve().parents[2] / "projects" / "api"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.module != "projects.forms", module.name
