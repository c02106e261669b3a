"""Officials' report schedules: saved only for reports the owner may run, made once per period."""

from __future__ import annotations

import datetime
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from cooperation.models import Role
from reports import schedules
from reports.models import ReportRun, ReportSchedule
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
F = ReportSchedule.Frequency
UTC = datetime.UTC


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def _schedule(owner, *, kind="institutions", parameters=None, due=None, frequency=F.WEEKLY):
    return schedules.report_schedule_create(
        actor=owner,
        kind=kind,
        parameters=parameters or {},
        format="csv",
        frequency=frequency,
        next_run_at=due or timezone.now() - timedelta(minutes=1),
    )


def _post(client, **values):
    data = {
        "kind": "institutions",
        "parameters": "{}",
        "format": "csv",
        "frequency": "weekly",
        "next_run_at_0": "2026-12-07",
        "next_run_at_1": "06:00:00",
        "active": "on",
    } | values
    return client.post("/admin/reports/reportschedule/add/", data)


# --- Who may schedule what ------------------------------------------------------------------


def test_an_official_schedules_a_report_in_the_admin_and_owns_it(official_cdmx, login):
    client = login(official_cdmx)
    assert client.get("/admin/reports/reportschedule/add/").status_code == 200
    response = _post(client, parameters='{"city": "BCN"}')
    assert response.status_code == 302, response.content[:2000]
    schedule = ReportSchedule.objects.get()
    assert (schedule.owner, schedule.kind, schedule.frequency) == (
        official_cdmx,
        "institutions",
        F.WEEKLY,
    )
    # What the kind's form made of the parameters, as a run would keep them.
    assert schedule.parameters == {"city": "BCN", "include_inactive": False}


def test_the_admin_lists_and_opens_only_the_officials_own_schedules(
    official_cdmx, official_bcn, programme_admin, login
):
    mine = _schedule(official_cdmx)
    theirs = _schedule(official_bcn, kind="programme")
    client = login(official_cdmx)
    listing = client.get("/admin/reports/reportschedule/")
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [mine]
    assert client.get(f"/admin/reports/reportschedule/{mine.pk}/change/").status_code == 200
    # Another's schedule is not found: the admin sends the official back to its index.
    assert client.get(f"/admin/reports/reportschedule/{theirs.pk}/change/").status_code == 302
    client.post(f"/admin/reports/reportschedule/{theirs.pk}/delete/", {"post": "yes"})
    assert ReportSchedule.objects.filter(pk=theirs.pk).exists()
    # Administrators too see and change their own only: a schedule mails its owner.
    admin_list = login(programme_admin).get("/admin/reports/reportschedule/")
    assert list(admin_list.context["cl"].result_list) == []


def test_only_its_owner_changes_a_schedule(official_cdmx, official_bcn):
    theirs = _schedule(official_bcn)
    with pytest.raises(PermissionDenied):
        schedules.report_schedule_update(
            actor=official_cdmx,
            schedule_id=theirs.pk,
            kind="institutions",
            parameters={},
            format="pdf",
            frequency=F.DAILY,
            next_run_at=timezone.now(),
            active=True,
        )
    theirs.refresh_from_db()
    assert (theirs.format, theirs.frequency) == ("csv", F.WEEKLY)


def test_a_coordinator_has_no_schedules(coordinator, login):
    with pytest.raises(PermissionDenied):
        _schedule(coordinator)
    response = _post(login(coordinator))
    assert response.status_code in (302, 403)
    assert login(coordinator).get("/admin/reports/reportschedule/").status_code in (302, 403)
    assert not ReportSchedule.objects.exists()


def test_an_unknown_kind_is_refused_with_its_message(official_bcn, login):
    with pytest.raises(ValidationError) as error:
        _schedule(official_bcn, kind="salaries")
    assert "kind" in error.value.message_dict
    response = _post(login(official_bcn, language="es"), kind="salaries")
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.content.decode()
    assert not ReportSchedule.objects.exists()


def test_parameters_the_kind_rejects_are_refused_beside_the_field(official_bcn, login):
    with pytest.raises(ValidationError) as error:
        _schedule(
            official_bcn,
            kind="programme",
            parameters={"date_from": "2026-05-01", "date_to": "2026-01-01"},
        )
    assert "parameters" in error.value.message_dict
    response = _post(login(official_bcn, language="en"), parameters='{"city": "MAD"}')
    assert response.status_code == 200
    body = response.content.decode()
    assert "City: Select a valid choice" in body
    response = _post(login(official_bcn, language="en"), parameters="[1, 2]")
    assert "The parameters must be an object of names and values." in response.content.decode()
    assert not ReportSchedule.objects.exists()


# --- Made once per period ---------------------------------------------------------------------


def test_a_due_schedule_is_made_once_and_moves_to_its_next_period(official_cdmx):
    due = timezone.now() - timedelta(minutes=5)
    schedule = _schedule(official_cdmx, due=due)
    made = schedules.report_schedules_run_due()
    assert len(made) == 1
    run = ReportRun.objects.get(pk=made[0])
    assert (run.report_schedule, run.requested_by, run.kind) == (
        schedule,
        official_cdmx,
        "institutions",
    )
    assert run.period == schedules.period_of(F.WEEKLY, due)
    schedule.refresh_from_db()
    assert schedule.next_run_at == due + timedelta(days=7)
    # The task retried, or run again by beat within the period: nothing more.
    assert schedules.report_schedules_run_due() == []
    assert ReportRun.objects.count() == 1


def test_a_redelivered_period_is_not_made_twice(official_cdmx):
    due = timezone.now() - timedelta(minutes=5)
    schedule = _schedule(official_cdmx, due=due)
    schedules.report_schedules_run_due()
    # As if the first delivery's change of next run were lost while its run was kept (or the
    # owner set the same period again): the table refuses a second run of the period.
    ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=due)
    assert schedules.report_schedules_run_due() == []
    assert ReportRun.objects.count() == 1
    schedule.refresh_from_db()
    assert schedule.next_run_at > timezone.now()
    assert schedule.active


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beats_at_once_make_a_period_once(official_cdmx):
    _schedule(official_cdmx)
    barrier = threading.Barrier(2)
    results: list[list[int]] = []

    def beat() -> None:
        try:
            barrier.wait()
            results.append(schedules.report_schedules_run_due())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(r) for r in results) == [0, 1]
    assert ReportRun.objects.count() == 1


def test_the_owner_is_told_in_their_language_when_the_run_is_ready(
    official_bcn, official_cdmx, bcn, django_capture_on_commit_callbacks
):
    InstitutionFactory(code="R1", party=bcn)
    official_bcn.language = "ca"
    official_bcn.save()
    _schedule(official_bcn)
    with django_capture_on_commit_callbacks(execute=True):
        from reports.tasks import run_report_schedules

        (run_id,) = run_report_schedules()
    run = ReportRun.objects.get(pk=run_id)
    assert run.state == ReportRun.State.SUCCEEDED
    # Only the owner: the other city's official did not ask for it.
    assert [m.to for m in mail.outbox] == [[official_bcn.email]]
    assert "Registre d'institucions" in mail.outbox[0].subject


def test_a_schedule_whose_owner_lost_the_right_stops_and_says_why(official_cdmx):
    schedule = _schedule(official_cdmx)
    official_cdmx.groups.remove(*official_cdmx.groups.filter(name=Role.OFFICIAL_CDMX))
    assert schedules.report_schedules_run_due() == []
    schedule.refresh_from_db()
    assert not schedule.active
    assert schedule.last_error
    assert not ReportRun.objects.exists()


def test_a_schedule_not_yet_due_or_inactive_is_not_made(official_cdmx):
    _schedule(official_cdmx, due=timezone.now() + timedelta(hours=1))
    paused = _schedule(official_cdmx)
    ReportSchedule.objects.filter(pk=paused.pk).update(active=False)
    assert schedules.report_schedules_run_due() == []


def test_periods_and_next_runs_follow_the_frequency():
    thursday = datetime.datetime(2026, 12, 3, 6, tzinfo=UTC)
    assert schedules.period_of(F.DAILY, thursday) == datetime.date(2026, 12, 3)
    assert schedules.period_of(F.WEEKLY, thursday) == datetime.date(2026, 11, 30)
    assert schedules.period_of(F.MONTHLY, thursday) == datetime.date(2026, 12, 1)
    end_of_january = datetime.datetime(2027, 1, 31, 6, tzinfo=UTC)
    now = end_of_january + timedelta(hours=1)
    assert schedules.next_after(F.MONTHLY, end_of_january, now).date() == datetime.date(2027, 2, 28)
    # Missed periods (beat was down for ten days) are made once, then it goes on from now.
    later = thursday + timedelta(days=10)
    assert schedules.next_after(F.DAILY, thursday, later) == thursday + timedelta(days=11)
