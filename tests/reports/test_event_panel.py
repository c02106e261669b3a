"""The dashboard's events panel: events of the period by city, attendance protected."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.models import Event
from tests.factories import InstitutionFactory
from tests.knowledge.factories import event

pytestmark = pytest.mark.django_db
URL = "/admin/reports/dashboard/"


def _held(seminar: Event, *, attendance: int) -> None:
    started = timezone.now() - datetime.timedelta(days=3)
    Event.objects.filter(pk=seminar.pk).update(
        starts_at=started,
        registration_closes_at=started,
        ends_at=started + datetime.timedelta(hours=2),
    )
    services.event_record_attendance(
        actor=seminar.created_by,
        event=seminar,
        attended=[],
        attendance=attendance,
    )


def test_events_and_attendance_by_city_with_small_counts_hidden(
    official_cdmx, official_bcn, bcn, cdmx, login
):
    _held(event(actor=official_bcn, institution=InstitutionFactory(party=bcn)), attendance=40)
    _held(event(actor=official_bcn, institution=InstitutionFactory(party=bcn)), attendance=12)
    _held(event(actor=official_cdmx, institution=InstitutionFactory(party=cdmx)), attendance=3)
    event(actor=official_cdmx, institution=InstitutionFactory(party=cdmx), publish=False)
    rows = _rows(login(official_cdmx, language="en"))
    # Three people are a small count; with the total shown, Barcelona's 52 would give it
    # away, so the control hides that one too.
    assert rows[cdmx.name] == ["1", "<5"]
    assert rows[bcn.name] == ["2", "x"]


def test_events_panel_shows_counts_that_point_at_nobody(
    official_bcn, official_cdmx, bcn, cdmx, login
):
    _held(event(actor=official_bcn, institution=InstitutionFactory(party=bcn)), attendance=40)
    _held(event(actor=official_cdmx, institution=InstitutionFactory(party=cdmx)), attendance=25)
    rows = _rows(login(official_bcn, language="en"))
    assert rows == {cdmx.name: ["1", "25"], bcn.name: ["1", "40"]}


def _rows(client) -> dict[str, list[str]]:
    response = client.get(URL)
    [chart] = [c for c in response.context["charts"] if c.id == "events"]
    return dict(chart.rows)


def test_the_knowledge_report_gives_the_panels_figures_hidden_the_same_way(
    official_cdmx, official_bcn, bcn, cdmx, login, settings, tmp_path
):
    """The report and the dashboard publish the same cells for the same period: nothing that
    one hides can be read in the other."""
    from reports import services as report_services
    from tests.reports.test_kinds import _csv_tables

    settings.REPORTS_ROOT = tmp_path / "reports"
    _held(event(actor=official_bcn, institution=InstitutionFactory(party=bcn)), attendance=40)
    _held(event(actor=official_bcn, institution=InstitutionFactory(party=bcn)), attendance=12)
    _held(event(actor=official_cdmx, institution=InstitutionFactory(party=cdmx)), attendance=3)
    official_cdmx.language = "en"
    official_cdmx.save()
    run = report_services.report_request(
        actor=official_cdmx, kind="knowledge", parameters={}, format="csv", enqueue=False
    )
    assert report_services.report_execute(run.pk) == "succeeded", run.error
    run.refresh_from_db()
    header, *rows = _csv_tables(run)["events"]
    assert header == ["City", "Events", "Attendance"]
    report = {city: [events, attendance] for city, events, attendance in rows}
    assert report[str(cdmx.name)] == ["1", "<5"]
    assert report[str(bcn.name)] == ["2", "x"]
    assert report["All cities"] == ["3", "55"]
    panel = _rows(login(official_cdmx, language="en"))
    assert panel == {city: cells for city, cells in report.items() if city != "All cities"}
