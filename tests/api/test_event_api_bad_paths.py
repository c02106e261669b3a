"""The events' API is read only: writes are refused, bad filters and unknown ids answered as
problems, and another institution's draft is not found."""

from __future__ import annotations

import pytest

from knowledge.models import Event
from tests.knowledge.factories import coordinator_of, event

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(institution_bcn):
    return coordinator_of(institution_bcn, email="organitza@example.org")


@pytest.fixture
def api(partner, token_client):
    return token_client(partner)


def test_the_events_api_writes_nothing(api, organiser):
    seminar = event(actor=organiser)
    assert api.post("/api/v1/events/", {"title": "x"}, format="json").status_code == 405
    for method in ("put", "patch", "delete"):
        response = getattr(api, method)(
            f"/api/v1/events/{seminar.pk}/", {"places": 99}, format="json"
        )
        assert response.status_code == 405
    assert Event.objects.get(pk=seminar.pk).places == 2


@pytest.mark.parametrize("query", ["kind=party", "status=lost", "mode=telepathy"])
def test_the_events_api_refuses_unknown_filter_values(api, query):
    response = api.get(f"/api/v1/events/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("pk", ["999999", "1" * 19])
def test_an_unknown_event_is_not_found_in_the_api(api, pk):
    assert api.get(f"/api/v1/events/{pk}/").status_code == 404


def test_another_institutions_draft_is_not_found_in_the_api(api, official_cdmx, institution_cdmx):
    draft = event(actor=official_cdmx, institution=institution_cdmx, publish=False)
    assert api.get(f"/api/v1/events/{draft.pk}/").status_code == 404
