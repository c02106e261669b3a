"""A parameter name a report does not take is refused on every path, and nothing is made.

The kind's form would drop the name, and the run (or each run of a schedule) would be made with
the default in its place: the official would get a report of something other than asked.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from reports import periodic, services
from reports.models import PeriodicReportClaim, ReportRun

pytestmark = pytest.mark.django_db

REFUSAL = "ciudad: this report takes no such parameter (it takes city, include_inactive)."


def test_the_service_refuses_a_name_the_report_does_not_take(official_cdmx):
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            services.report_request(
                actor=official_cdmx, kind="institutions", parameters={"ciudad": "BCN"}, format="csv"
            )
        assert raised.value.messages == [REFUSAL]
    assert not ReportRun.objects.exists()


def test_the_refusal_is_in_the_readers_language(official_cdmx):
    with translation.override("es"):
        with pytest.raises(ValidationError) as raised:
            services.report_request(
                actor=official_cdmx, kind="institutions", parameters={"ciudad": "BCN"}, format="csv"
            )
        (message,) = raised.value.messages
    assert message == "ciudad: este informe no tiene ese parámetro (tiene city, include_inactive)."


def test_the_api_answers_400_naming_it(login, official_cdmx):
    client = login(official_cdmx)
    response = client.post(
        "/api/v1/report-runs/",
        {"kind": "institutions", "format": "csv", "parameters": {"city": "CDMX", "ciudad": "BCN"}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert REFUSAL in str(response.json())
    assert not ReportRun.objects.exists()


def test_a_periodic_task_with_a_misspelt_name_makes_no_run():
    with translation.override("en"):
        with pytest.raises(ValidationError) as raised:
            periodic.periodic_report_run(
                kind="institutions",
                parameters={"ciudad": "BCN"},
                format="csv",
                notify_officials=False,
                task_name=None,
                message_id="m-1",
            )
        assert raised.value.messages == [REFUSAL]
    assert not ReportRun.objects.exists() and not PeriodicReportClaim.objects.exists()


def test_the_names_a_report_takes_still_pass(official_cdmx):
    run = services.report_request(
        actor=official_cdmx, kind="institutions", parameters={"city": "BCN"}, format="csv"
    )
    assert run.parameters["city"] == "BCN"
