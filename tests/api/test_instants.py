"""Every instant partners read, in the API and in every webhook payload, has one format.

The README (Partner REST API) promises UTC, ISO 8601 with microseconds and "Z", the
microseconds left out when they are zero: ``cooperation.api.instants.instant`` writes it, for
the API's date-time fields and for every webhook, envelope included.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from cooperation.api.instants import instant
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.api.serializers import UtcDateTimeField
from cooperation.models import StrategicArea
from exchanges import services as stays
from exchanges.models import Call, StayApplication
from projects.models import JointProject
from projects.services import project_propose, project_transition, project_update
from tests.exchanges.factories import CallFactory, add_host
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")
MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


def test_an_instant_is_utc_iso_8601_with_microseconds_and_z():
    moment = datetime.datetime(2026, 11, 29, 15, 5, 9, 120000, tzinfo=MADRID)
    assert instant(moment) == "2026-11-29T14:05:09.120000Z"
    assert instant(moment.replace(microsecond=0)) == "2026-11-29T14:05:09Z"
    assert instant(moment.astimezone(datetime.UTC)) == "2026-11-29T14:05:09.120000Z"
    with pytest.raises(ValueError, match="time zone"):
        instant(datetime.datetime(2026, 11, 29, 14, 5, 9))  # naive on purpose


def test_the_apis_date_time_field_writes_the_same_format():
    moment = datetime.datetime(2026, 11, 29, 15, 5, 9, 120000, tzinfo=MADRID)
    field = UtcDateTimeField()
    assert field.to_representation(moment) == instant(moment)
    assert field.to_representation(moment.replace(microsecond=0)) == "2026-11-29T14:05:09Z"
    assert field.to_representation(None) is None


@pytest.fixture
def endpoint(partner) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=[choice.value for choice in WebhookEndpoint.Event],
        secret="whsec_AAAA",
    )


@pytest.fixture(autouse=True)
def _no_sending(monkeypatch):
    monkeypatch.setattr("cooperation.api.tasks.deliver_webhook.delay", lambda pk: None)


def _payloads(event: str) -> list[dict]:
    deliveries = WebhookDelivery.objects.filter(event=event).order_by("pk")
    payloads = [delivery.payload for delivery in deliveries]
    assert payloads, f"no {event} delivery"
    for payload in payloads:
        assert INSTANT.match(payload["timestamp"]), payload["timestamp"]
    return payloads


def test_project_events_write_updated_at_as_the_api_does(
    endpoint, api, coordinator, official_cdmx, institution_cdmx, institution_bcn
):
    project = project_propose(
        actor=coordinator,
        title="Ciudades sin barreras",
        summary="",
        impact="",
        primary_area=StrategicArea.objects.first(),
        areas=[],
        axes=[],
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2027, 8, 31),
        partners=[institution_cdmx],
    )
    _check_updated_at("project.created", project.code, api)
    moved = ProjectFactory(institutions=[institution_cdmx, institution_bcn])
    moved.title_en = "Open water"
    project_update(actor=official_cdmx, project=moved)
    _check_updated_at("project.updated", moved.code, api)
    project_transition(actor=official_cdmx, project=moved, to_status="approved")
    _check_updated_at("project.status_changed", moved.code, api)


def _check_updated_at(event: str, code: str, api) -> None:
    """The event's updated_at is the project's, written as the API writes it."""
    data = _payloads(event)[-1]["data"]
    assert data["code"] == code
    assert INSTANT.match(data["updated_at"]), data["updated_at"]
    assert data["updated_at"] == instant(JointProject.objects.get(code=code).updated_at)
    assert data["updated_at"] == api.get(f"/api/v1/projects/{code}/").json()["updated_at"]


def test_call_opened_writes_its_instants_as_the_api_does(endpoint, api, institution_bcn):
    opens_at = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
    call = CallFactory(
        opens_at=opens_at, closes_at=opens_at + datetime.timedelta(days=30, microseconds=120000)
    )
    add_host(call, institution_bcn, places=1)
    Call.objects.exclude(pk=call.pk).update(opening_announced_at=timezone.now())
    assert stays.calls_announce_opened() == [call.pk]
    (payload,) = _payloads("call.opened")
    data = payload["data"]
    assert data["opens_at"] == instant(opens_at) and not data["opens_at"].count(".")
    assert data["closes_at"].endswith(".120000Z")
    read = api.get(f"/api/v1/calls/{call.pk}/").json()
    assert (data["opens_at"], data["closes_at"]) == (read["opens_at"], read["closes_at"])


def test_application_decided_writes_decided_at_in_the_one_format(
    endpoint, official_cdmx, institution_bcn
):
    call = CallFactory()
    add_host(call, institution_bcn, places=1)
    application = StayApplication.objects.create(
        call=call,
        researcher=UserFactory(),
        status=StayApplication.Status.EVALUATION,
        host=call.hosts.first(),
    )
    before = timezone.now()
    stays.application_reject(actor=official_cdmx, application_id=application.pk, note="No")
    (payload,) = _payloads("application.decided")
    decided_at = payload["data"]["decided_at"]
    assert INSTANT.match(decided_at), decided_at
    assert before <= datetime.datetime.fromisoformat(decided_at) <= timezone.now()
