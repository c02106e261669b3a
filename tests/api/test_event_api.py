"""Events in the partner API (read only: filters, ETags, problems; no registration leaves) and
the ``event.published`` webhook."""

from __future__ import annotations

import pytest

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.models import StrategicArea
from knowledge import services
from tests.factories import InstitutionFactory, UserFactory
from tests.knowledge.factories import event

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(official_bcn, official_cdmx, cdmx, bcn, institution_bcn):
    seminar = event(actor=official_bcn, institution=institution_bcn, places=3)
    workshop = event(
        actor=official_cdmx,
        institution=InstitutionFactory(party=cdmx),
        kind="workshop",
        areas=[StrategicArea.objects.get(number=5)],
    )
    # A draft of another BCN institution: not the partner's (its own drafts it reads).
    draft = event(
        actor=official_bcn,
        institution=InstitutionFactory(party=bcn),
        publish=False,
        texts={"title_es": "Borrador"},
    )
    return {"seminar": seminar, "workshop": workshop, "draft": draft}


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_partner_reads_published_events_with_places_left_and_no_registrant(api, events):
    services.registration_create(actor=UserFactory(email="p@example.org"), event=events["seminar"])
    assert _ids(api.get("/api/v1/events/")) == {events["seminar"].pk, events["workshop"].pk}
    row = api.get(f"/api/v1/events/{events['seminar'].pk}/").json()
    assert (row["places"], row["places_left"], row["city"]) == (3, 2, "BCN")
    assert row["title"]["en"] == "Citizen science seminar"
    assert "p@example.org" not in str(row) and "registrations" not in row
    assert api.get(f"/api/v1/events/{events['draft'].pk}/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=workshop", {"workshop"}),
        ("city=BCN", {"seminar"}),
        ("area=STEAM_EDUCATION", {"workshop"}),
        ("status=published", {"seminar", "workshop"}),
    ],
)
def test_filters(api, events, query, expected):
    if "area=" in query:
        query = f"area={StrategicArea.objects.get(number=5).code}"
    assert _ids(api.get(f"/api/v1/events/?{query}")) == {events[k].pk for k in expected}


def test_an_unknown_filter_value_is_a_problem(api, events):
    response = api.get("/api/v1/events/?kind=party")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_an_event_has_an_etag_and_answers_not_modified(api, events):
    url = f"/api/v1/events/{events['seminar'].pk}/"
    etag = api.get(url)["ETag"]
    assert etag
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_publishing_and_cancelling_an_event_are_announced(
    official_bcn, institution_cdmx, institution_bcn
):
    partner = partner_client_create(
        name="UNAM open science", scopes=["read", "webhooks"], institution=institution_cdmx
    )
    WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["event.published"],
        secret="whsec_AAAA",
    )
    draft = event(actor=official_bcn, institution=institution_bcn, publish=False)
    assert not WebhookDelivery.objects.exists()
    services.event_publish(actor=official_bcn, event=draft)
    services.event_cancel(actor=official_bcn, event=draft)
    sent = [(d.event, d.payload["data"]["status"]) for d in WebhookDelivery.objects.order_by("pk")]
    assert sent == [("event.published", "published"), ("event.published", "cancelled")]
    payload = WebhookDelivery.objects.first().payload["data"]
    assert payload["city"] == "BCN" and payload["title"]["es"] == "Seminario de ciencia ciudadana"
