"""Anonymous reads of the API: the reference data and public projects, rate-limited per address."""

from __future__ import annotations

import pytest
from django.test import Client

from cooperation.api.throttling import AnonymousThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize(
    "path", ["parties/", "areas/", "axes/", "institutions/", "areas/URBAN_WATER/"]
)
def test_anybody_reads_the_reference_data_without_a_client(anonymous, programme, path):
    assert anonymous.get(f"/api/v1/{path}").status_code == 200


def test_anybody_reads_public_projects_only_and_no_persons_data(anonymous, programme):
    listing = anonymous.get("/api/v1/projects/?page_size=100")
    assert listing.status_code == 200
    codes = {row["code"] for row in listing.json()["results"]}
    assert codes == {p.code for p in programme.public}
    secret = programme.private[0]
    assert anonymous.get(f"/api/v1/projects/{secret.code}/").status_code == 404
    detail = anonymous.get(f"/api/v1/projects/{programme.public[0].code}/")
    assert detail.status_code == 200
    text = (listing.content + detail.content).decode()
    for personal in programme.people:
        assert personal not in text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/projects/"),
        ("get", "/api/v1/milestones/"),
        ("get", "/api/v1/funding/"),
        ("get", "/api/v1/stay-statistics/"),
        ("get", "/api/v1/report-runs/"),
        ("get", "/api/v1/webhooks/"),
    ],
)
def test_everything_else_still_needs_credentials(anonymous, programme, method, path):
    response = getattr(anonymous, method)(path)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/problem+json")


def test_a_bad_token_is_refused_not_read_as_anonymous(anonymous, programme):
    response = anonymous.get("/api/v1/areas/", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 401


def test_anonymous_reads_are_throttled_per_address_with_problem_details(
    anonymous, programme, monkeypatch
):
    monkeypatch.setattr(AnonymousThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    answers = [anonymous.get("/api/v1/areas/").status_code for _ in range(3)]
    assert answers == [200, 200, 200]
    refused = anonymous.get("/api/v1/axes/")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["status"] == 429
    assert int(refused["Retry-After"]) >= 1
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/api/v1/areas/").status_code == 200  # another address has its own budget
