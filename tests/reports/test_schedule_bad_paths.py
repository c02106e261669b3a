"""Report schedules' bad paths in the admin and the services, per role: the owner alone, and
every value the kind or the schedule refuses, with its reason and nothing saved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import schedules
from reports.models import ReportSchedule

pytestmark = pytest.mark.django_db
F = ReportSchedule.Frequency
ADD = "/admin/reports/reportschedule/add/"


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def _schedule(owner, **values):
    return schedules.report_schedule_create(
        actor=owner,
        kind=values.pop("kind", "institutions"),
        parameters=values.pop("parameters", {}),
        format="csv",
        frequency=F.WEEKLY,
        next_run_at=timezone.now() + timedelta(days=1),
    )


def _form(**values: str) -> dict[str, str]:
    return {
        "kind": "institutions",
        "parameters": "{}",
        "format": "csv",
        "frequency": "weekly",
        "next_run_at_0": "2026-12-07",
        "next_run_at_1": "06:00:00",
        "active": "on",
    } | values


@pytest.mark.parametrize(
    ("values", "field", "text"),
    [
        ({"kind": "salaries"}, "kind", "Select a valid choice"),
        ({"format": "docx"}, "format", "Select a valid choice"),
        ({"frequency": "hourly"}, "frequency", "Select a valid choice"),
        ({"parameters": "{not json"}, "parameters", "Enter a valid JSON"),
        ({"parameters": '"CDMX"'}, "parameters", "must be an object"),
        ({"parameters": '{"city": "MAD"}'}, "parameters", "Select a valid choice"),
        ({"parameters": '{"city": 7}'}, "parameters", "Select a valid choice"),
        ({"parameters": '{"ciudad": "BCN"}'}, "parameters", "ciudad"),
        ({"next_run_at_0": "someday"}, "next_run_at", "Enter a valid date"),
    ],
)
def test_the_admin_refuses_a_bad_value_beside_its_field(official_cdmx, login, values, field, text):
    response = login(official_cdmx).post(ADD, _form(**values))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    assert text in " ".join(errors[field])
    assert not ReportSchedule.objects.exists()


def test_a_parameter_the_kind_does_not_take_is_refused_by_the_service(official_cdmx):
    with pytest.raises(ValidationError) as refused:
        _schedule(official_cdmx, parameters={"city": "BCN", "colour": "red"})
    assert "colour" in " ".join(refused.value.message_dict["parameters"])
    assert not ReportSchedule.objects.exists()


def test_an_official_schedules_either_citys_report(official_cdmx, login):
    # The programme's figures are joint (the MoU): each city's officials run both cities'.
    response = login(official_cdmx).post(ADD, _form(parameters='{"city": "BCN"}'))
    assert response.status_code == 302
    assert ReportSchedule.objects.get().parameters["city"] == "BCN"


def test_an_official_cannot_change_another_officials_schedule_in_the_admin(
    official_cdmx, official_bcn, login
):
    theirs = _schedule(official_bcn)
    url = f"/admin/reports/reportschedule/{theirs.pk}/change/"
    response = login(official_cdmx).post(url, _form(frequency="daily", format="pdf"))
    assert response.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    assert (theirs.frequency, theirs.format, theirs.owner) == (F.WEEKLY, "csv", official_bcn)


def test_an_administrator_keeps_their_own_schedules_only(programme_admin, official_cdmx, login):
    theirs = _schedule(official_cdmx)
    client = login(programme_admin)
    assert client.post(ADD, _form(kind="programme")).status_code == 302
    mine = ReportSchedule.objects.get(owner=programme_admin)
    listing = client.get("/admin/reports/reportschedule/")
    assert list(listing.context["cl"].result_list) == [mine]
    url = f"/admin/reports/reportschedule/{theirs.pk}/change/"
    client.post(url, _form(frequency="daily"))
    assert ReportSchedule.objects.get(pk=theirs.pk).frequency == F.WEEKLY


def test_a_coordinator_posting_a_schedule_saves_nothing(coordinator, login):
    response = login(coordinator).post(ADD, _form())
    assert response.status_code in (302, 403)
    assert not ReportSchedule.objects.exists()


def test_a_schedule_whose_kind_now_refuses_its_parameters_stops_and_says_why(official_cdmx):
    made = _schedule(official_cdmx)
    ReportSchedule.objects.filter(pk=made.pk).update(
        parameters={"city": "MAD"}, next_run_at=timezone.now() - timedelta(minutes=1)
    )
    assert schedules.report_schedules_run_due() == []
    made.refresh_from_db()
    assert not made.active
    assert "MAD" in made.last_error or "valid choice" in made.last_error


def test_deleting_a_selection_with_another_officials_schedule_leaves_it(
    official_cdmx, official_bcn, login
):
    mine = _schedule(official_cdmx)
    theirs = _schedule(official_bcn)
    client = login(official_cdmx)
    client.post(
        "/admin/reports/reportschedule/",
        {"action": "delete_selected", "_selected_action": [mine.pk, theirs.pk], "post": "yes"},
    )
    assert list(ReportSchedule.objects.values_list("pk", flat=True)) == [theirs.pk]
