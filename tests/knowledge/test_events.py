"""Partner systems hear of published practices and of public transfers, and only of those."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cooperation.api.clients import partner_client_create
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from knowledge import services
from tests.knowledge.factories import draft, published, transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(institution_cdmx) -> WebhookEndpoint:
    partner = partner_client_create(
        name="UNAM open science", scopes=["read", "webhooks"], institution=institution_cdmx
    )
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["practice.published", "transfer.updated"],
        secret="whsec_AAAA",
    )


def _events() -> list[tuple[str, dict]]:
    return [(d.event, d.payload["data"]) for d in WebhookDelivery.objects.order_by("pk")]


def test_publishing_a_practice_is_announced_once(endpoint, coordinator, official_bcn):
    practice = draft(actor=coordinator)
    services.practice_submit(actor=coordinator, practice=practice)
    assert _events() == []
    services.practice_publish(actor=official_bcn, practice=practice)
    [(event, data)] = _events()
    assert event == "practice.published"
    assert (data["id"], data["city"], data["title"]["es"]) == (
        practice.pk,
        "BCN",
        "Oficina de Ciencia Ciudadana",
    )


def test_a_refused_or_rolled_back_publication_is_not_announced(
    endpoint, coordinator, official_bcn, official_cdmx
):
    practice = draft(actor=coordinator)
    services.practice_submit(actor=coordinator, practice=practice)
    with pytest.raises(PermissionDenied):  # the other city's official
        services.practice_publish(actor=official_cdmx, practice=practice)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.practice_publish(actor=official_bcn, practice=practice)
        raise RuntimeError("rolled back")
    assert _events() == []


def test_only_public_transfers_are_announced_without_contacts(
    endpoint, coordinator, official_bcn, official_cdmx, institution_cdmx
):
    practice = published(actor=coordinator, reviewer=official_bcn)
    WebhookDelivery.objects.all().delete()
    made = transfer(actor=official_cdmx, practice=practice, institution=institution_cdmx)
    services.transfer_move(actor=official_cdmx, transfer=made, to_stage="planning")
    assert _events() == []  # a private transfer is nobody else's business

    made.refresh_from_db()
    made.public = True
    services.transfer_update(actor=official_cdmx, transfer=made)
    services.transfer_move(actor=official_cdmx, transfer=made, to_stage="pilot")
    made.refresh_from_db()
    made.public = False
    services.transfer_update(actor=official_cdmx, transfer=made)  # taken down: announced
    events = _events()
    assert [(event, data["stage"], data["public"]) for event, data in events] == [
        ("transfer.updated", "planning", True),
        ("transfer.updated", "pilot", True),
        ("transfer.updated", "pilot", False),
    ]
    assert all("@" not in str(data) for _event, data in events)
