"""Officials' admin for calls and applications: filters, actions through the services, export."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from cooperation.models import StrategicArea
from exchanges.models import Call, ReviewAssignment, StayApplication
from tests.exchanges.conftest import accept

pytestmark = pytest.mark.django_db
S = StayApplication.Status
URL = "/admin/exchanges/stayapplication/"


def test_officials_filter_applications_by_call_status_direction_host_and_area(
    login, submitted, official_bcn, django_assert_max_num_queries
):
    client = login(official_bcn)
    area = submitted.call.areas.model.objects.first()
    submitted.call.areas.add(area)
    query = (
        f"?call__id__exact={submitted.call_id}&status__exact=host_review"
        f"&call__direction__exact=cdmx_bcn&host__id__exact={submitted.host_id}"
        f"&call__areas__id__exact={area.pk}"
    )
    response = client.get(URL + query)
    assert response.status_code == 200
    assert f">{submitted.pk}<" in response.content.decode()
    assert (
        ">1 stay application<" in response.content.decode()
        or "1 stay application" in response.content.decode()
    )


def test_drafts_stay_out_of_the_admin(login, draft, official_bcn):
    response = login(official_bcn).get(URL)
    assert "0 stay applications" in response.content.decode()


def test_admin_actions_go_through_the_service(login, in_evaluation, official_cdmx, official_bcn):
    for official in (official_cdmx, official_bcn):
        login(official).post(
            URL, {"action": "sign_approval", "_selected_action": [in_evaluation.pk]}
        )
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.APPROVED
    assert in_evaluation.events.filter(to_status=S.APPROVED).exists()


def test_admin_action_refusal_is_reported_and_changes_nothing(login, submitted, official_bcn):
    response = login(official_bcn).post(
        URL, {"action": "reject", "_selected_action": [submitted.pk]}, follow=True
    )
    assert "not possible while the application is" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.HOST_REVIEW


def test_csv_export_streams_every_selected_application(login, in_evaluation, official_bcn):
    response = login(official_bcn).post(
        URL, {"action": "export_csv", "_selected_action": [in_evaluation.pk]}
    )
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("id,call,status,direction")
    assert lines[1].startswith(f"{in_evaluation.pk},")
    assert ",evaluation,cdmx_bcn," in lines[1]
    weighted, impact = lines[1].split(",")[-2:]
    assert float(weighted) == 8.0 and float(impact) == 8.0


def test_officials_assign_reviewers_in_the_admin_through_the_service(
    login, submitted, coordinator, official_cdmx, reviewer
):
    accept(submitted, coordinator)
    response = login(official_cdmx).post(
        "/admin/exchanges/reviewassignment/add/",
        {"application": submitted.pk, "reviewer": reviewer.pk},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.EVALUATION
    assert ReviewAssignment.objects.get().assigned_by == official_cdmx


def test_call_criteria_must_sum_to_100_and_include_social_impact(
    login, official_bcn, institution_bcn
):
    now = timezone.now()
    data = {
        "title_es": "Convocatoria 2027",
        "description_es": "Texto",
        "direction": "cdmx_bcn",
        "opens_at_0": now.date().isoformat(),
        "opens_at_1": "09:00:00",
        "closes_at_0": (now + datetime.timedelta(days=30)).date().isoformat(),
        "closes_at_1": "18:00:00",
        "stays_from": "2027-01-01",
        "stays_until": "2027-12-31",
        "min_duration_days": 30,
        "max_duration_days": 90,
        "monthly_stipend": "1500.00",
        "stipend_currency": "EUR",
        "report_opens_days_before": 0,
        "required_documents": "cv,motivation,invitation",
        "areas": [StrategicArea.objects.first().pk],
        "call_hosts-TOTAL_FORMS": 1,
        "call_hosts-INITIAL_FORMS": 0,
        "call_hosts-0-institution": institution_bcn.pk,
        "call_hosts-0-places": 2,
        "criteria-TOTAL_FORMS": 2,
        "criteria-INITIAL_FORMS": 0,
        "criteria-MIN_NUM_FORMS": 1,
        "criteria-0-order": 1,
        "criteria-0-name_es": "Calidad",
        "criteria-0-weight": 70,
        "criteria-1-order": 2,
        "criteria-1-name_es": "Otra",
        "criteria-1-weight": 20,
    }
    client = login(official_bcn)
    response = client.post("/admin/exchanges/call/add/", data)
    content = response.content.decode()
    assert "must sum to 100" in content
    assert "social and urban impact" in content
    assert not Call.objects.exists()
    data.update({"criteria-1-weight": 30, "criteria-1-is_social_impact": "on"})
    response = client.post("/admin/exchanges/call/add/", data)
    assert response.status_code == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S
    )
    assert Call.objects.get().criteria.count() == 2
