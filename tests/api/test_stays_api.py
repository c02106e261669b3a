"""Calls, stay statistics and report runs in the API; webhooks for opened calls and decisions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from exchanges import services
from exchanges.models import Call, StayApplication
from reports.models import ReportRun
from tests.exchanges.factories import CallFactory, add_host

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_call(institution_bcn):
    call = CallFactory(title_ca="Convocatòria oberta", title_en="Open call")
    add_host(call, institution_bcn, places=2)
    return call


def test_calls_list_their_hosts_criteria_and_stipend(api, open_call):
    body = api.get("/api/v1/calls/").json()["results"]
    assert [c["id"] for c in body] == [open_call.pk]
    call = body[0]
    assert call["title"]["en"] == "Open call"
    assert call["hosts"] == [{"institution": "TEST-UPC", "city": "BCN", "places": 2}]
    assert {c["is_social_impact"] for c in call["criteria"]} == {True, False}
    assert sum(c["weight"] for c in call["criteria"]) == 100
    assert call["monthly_stipend"] == "1500.00"


def test_calls_filter_by_direction(api, open_call):
    assert api.get("/api/v1/calls/", {"direction": "bcn_cdmx"}).json()["results"] == []
    assert api.get("/api/v1/calls/", {"direction": "sideways"}).status_code == 400


@pytest.mark.parametrize("size", [1, 10])
def test_call_list_runs_a_constant_number_of_queries(
    api, institution_bcn, size, django_assert_num_queries
):
    for _ in range(12):
        add_host(CallFactory(), institution_bcn)
    # token (+ partner profile, account), page of calls, areas, hosts (+ institutions,
    # cities), criteria.
    with django_assert_num_queries(5):
        response = api.get(f"/api/v1/calls/?page_size={size}")
    assert len(response.json()["results"]) == size


def _applications(call, researchers, status):
    for user in researchers:
        StayApplication.objects.create(call=call, researcher=user, status=status)


def test_stay_statistics_are_aggregates_with_small_counts_suppressed(
    api, partner, token_client, open_call
):
    from tests.factories import UserFactory

    people = [UserFactory() for _ in range(19)]
    _applications(open_call, people[:6], StayApplication.Status.SUBMITTED)
    _applications(open_call, people[6:7], StayApplication.Status.REJECTED)
    _applications(open_call, people[7:19], StayApplication.Status.WITHDRAWN)
    stats = token_client(partner, scopes=["stays:read"])
    body = stats.get("/api/v1/stay-statistics/").json()
    rows = {(r["call"], r["status"]): r for r in body["by_call_and_status"]}
    # One rejected: hidden. The call's total (19, its direction's count) is published, so
    # the smallest other count (6 submitted) is hidden too: 19 - 12 - 6 would give the 1.
    assert rows[(open_call.pk, "rejected")] == {
        "call": open_call.pk,
        "status": "rejected",
        "count": None,
        "suppressed": True,
    }
    assert rows[(open_call.pk, "submitted")]["suppressed"] is True
    assert rows[(open_call.pk, "withdrawn")]["count"] == 12
    assert body["by_direction"] == [
        {"direction": open_call.direction, "count": 19, "suppressed": False}
    ]
    assert "researcher" not in str(body)


def test_stay_statistics_need_their_scope(api, partner, token_client):
    assert token_client(partner, scopes=["read"]).get("/api/v1/stay-statistics/").status_code == 403
    stats = token_client(partner, scopes=["stays:read"])
    assert stats.get("/api/v1/stay-statistics/?call=x").status_code == 400
    assert stats.get("/api/v1/stay-statistics/?call=-3").status_code == 400
    assert stats.get(f"/api/v1/stay-statistics/?call={2**64}").status_code == 400
    assert stats.get("/api/v1/stay-statistics/?colour=red").status_code == 400


def test_officials_request_poll_and_download_a_report(
    login, official_cdmx, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.REPORTS_ROOT = tmp_path
    client = login(official_cdmx)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/v1/report-runs/",
            {"kind": "institutions", "format": "csv", "parameters": {"city": "CDMX"}},
            content_type="application/json",
        )
    assert created.status_code == 201, created.json()
    run = client.get(
        f"/api/v1/report-runs/{created.json()['id']}/", HTTP_ACCEPT="application/json"
    ).json()
    assert run["state"] == "succeeded"
    assert run["download"].endswith("/download/")
    response = client.get(run["download"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_partners_and_researchers_cannot_use_reports(api, login, researcher):
    assert api.get("/api/v1/report-runs/").status_code == 403
    assert (
        login(researcher)
        .post(
            "/api/v1/report-runs/",
            {"kind": "institutions", "format": "csv"},
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert not ReportRun.objects.exists()


def test_a_bad_report_request_is_refused(login, official_bcn):
    response = login(official_bcn).post(
        "/api/v1/report-runs/",
        {"kind": "institutions", "format": "csv", "parameters": {"city": "MAD"}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not ReportRun.objects.exists()


@pytest.fixture
def subscriber(partner):
    return WebhookEndpoint.objects.create(
        partner=partner.profile,
        url="https://93.184.215.14/hooks",
        events=["call.opened", "application.decided"],
        secret="whsec_AAAA",
    )


def test_an_opened_call_is_announced_once(subscriber, institution_bcn, monkeypatch):
    monkeypatch.setattr("cooperation.api.tasks.deliver_webhook.delay", lambda pk: None)
    upcoming = CallFactory(opens_at=timezone.now() + datetime.timedelta(hours=1))
    assert services.calls_announce_opened() == []
    later = timezone.now() + datetime.timedelta(hours=2)
    assert services.calls_announce_opened(now=later) == [upcoming.pk]
    assert services.calls_announce_opened(now=later) == []
    delivery = WebhookDelivery.objects.get(event="call.opened")
    assert delivery.payload["data"]["call"] == upcoming.pk
    assert Call.objects.get(pk=upcoming.pk).opening_announced_at == later


def test_a_decision_is_sent_without_personal_data(
    subscriber, open_call, official_cdmx, official_bcn, monkeypatch
):
    from tests.factories import UserFactory

    monkeypatch.setattr("cooperation.api.tasks.deliver_webhook.delay", lambda pk: None)
    person = UserFactory(email="secret.person@example.org", first_name="Secreta")
    application = StayApplication.objects.create(
        call=open_call,
        researcher=person,
        status=StayApplication.Status.EVALUATION,
        host=open_call.hosts.first(),
    )
    services.application_reject(
        actor=official_cdmx, application_id=application.pk, note="Fuera de plazo"
    )
    delivery = WebhookDelivery.objects.get(event="application.decided")
    data = delivery.payload["data"]
    assert data["decision"] == "rejected"
    assert data["host"] == "TEST-UPC"
    assert "secret.person" not in str(delivery.payload)
    assert "Secreta" not in str(delivery.payload)


def test_calls_are_read_only_in_the_api_and_show_the_places_the_call_service_set(
    api, open_call, official_bcn
):
    assert api.post("/api/v1/calls/", {}).status_code in (403, 405)
    response = api.patch(f"/api/v1/calls/{open_call.pk}/", {"direction": "both"})
    assert response.status_code in (403, 405)
    host = open_call.call_hosts.get()
    services.call_hosts_set(
        actor=official_bcn,
        call_id=open_call.pk,
        rows=[services.HostRow(pk=host.pk, institution=host.institution, places=3)],
    )
    body = api.get(f"/api/v1/calls/{open_call.pk}/").json()
    assert [h["places"] for h in body["hosts"]] == [3]
