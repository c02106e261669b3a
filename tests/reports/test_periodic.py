"""The programme's own periodic reports (django-celery-beat's ``scheduled_report``): one run
per period of the periodic task, however often its message comes."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connections
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from reports import periodic
from reports.models import PeriodicReportClaim, ReportRun
from reports.tasks import scheduled_report

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
MONTHLY = "Monthly programme overview"  # the migration's row: 06:00 UTC on the 1st
REPORT = {"kind": "institutions", "parameters": {}, "format": "csv", "notify_officials": False}


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def _deliver(task_id: str, name: str | None = MONTHLY) -> int:
    """Run the task as a worker runs a message: with its id and beat's headers."""
    headers = {"periodic_task_name": name} if name else {}
    return scheduled_report.apply(kwargs=REPORT, task_id=task_id, headers=headers).get()


def test_a_redelivered_message_makes_its_period_once():
    first = _deliver("message-1")
    again = _deliver("message-1")  # the broker delivers it again (acknowledged late)
    assert first == again
    assert ReportRun.objects.count() == 1
    run = ReportRun.objects.get()
    assert run.state == ReportRun.State.SUCCEEDED and run.schedule == MONTHLY
    assert run.periodic_claim.task_name == MONTHLY


def test_a_second_message_for_the_same_period_makes_nothing_more():
    # Two beats at once send the same periodic task twice, with two ids.
    assert _deliver("beat-a") == _deliver("beat-b")
    assert ReportRun.objects.count() == 1


def test_a_message_without_a_periodic_task_is_claimed_by_its_id():
    assert _deliver("by-hand", name=None) == _deliver("by-hand", name=None)
    assert _deliver("by-hand-2", name=None) != _deliver("by-hand", name=None)
    assert ReportRun.objects.count() == 2


def test_the_next_period_makes_a_new_run():
    runs = [
        periodic.periodic_report_run(
            **REPORT, task_name=MONTHLY, message_id=None, now=datetime.datetime(*day, tzinfo=UTC)
        ).pk
        for day in [(2026, 11, 30, 9), (2026, 12, 1, 7), (2026, 12, 20, 1), (2027, 1, 1, 6)]
    ]
    # 30 Nov belongs to 1 Nov 06:00; 1 and 20 Dec to 1 Dec 06:00; 1 Jan 06:00 is a new one.
    assert runs[1] == runs[2] and len(set(runs)) == 3
    assert sorted(c.due_at for c in PeriodicReportClaim.objects.all()) == [
        datetime.datetime(2026, 11, 1, 6, tzinfo=UTC),
        datetime.datetime(2026, 12, 1, 6, tzinfo=UTC),
        datetime.datetime(2027, 1, 1, 6, tzinfo=UTC),
    ]


def test_a_period_left_unmade_by_a_lost_worker_is_made_by_the_redelivery(monkeypatch):
    # The first worker recorded the run and its claim, then died before making it.
    monkeypatch.setattr(periodic, "report_execute", lambda run_id: "lost")
    first = _deliver("message-9")
    assert ReportRun.objects.get(pk=first).state == ReportRun.State.QUEUED
    monkeypatch.undo()
    assert _deliver("message-9") == first
    assert ReportRun.objects.get(pk=first).state == ReportRun.State.SUCCEEDED


def test_when_a_periodic_task_fell_due():
    at = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert periodic.due_at(MONTHLY, at) == datetime.datetime(2026, 12, 1, 6, tzinfo=UTC)
    assert periodic.due_at(MONTHLY, at.replace(day=1, hour=5, minute=59)) == datetime.datetime(
        2026, 11, 1, 6, tzinfo=UTC
    )
    hourly = CrontabSchedule.objects.create(minute="15", hour="*", timezone="UTC")
    PeriodicTask.objects.create(
        name="hourly", task="reports.tasks.scheduled_report", crontab=hourly
    )
    assert periodic.due_at("hourly", at) == datetime.datetime(2026, 12, 2, 9, 15, tzinfo=UTC)
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(
        name="every ten", task="reports.tasks.scheduled_report", interval=every,
        start_time=datetime.datetime(2026, 12, 2, 9, 3, tzinfo=UTC),
    )  # fmt: skip
    assert periodic.due_at("every ten", at) == datetime.datetime(2026, 12, 2, 9, 53, tzinfo=UTC)
    assert periodic.due_at("no such task", at) is None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_messages_of_a_period_at_once_make_it_once():
    barrier = threading.Barrier(2)
    made: list[int] = []
    errors: list[BaseException] = []

    def worker(task_id: str) -> None:
        try:
            barrier.wait()
            made.append(_deliver(task_id))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f"t-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(made) == 2 and made[0] == made[1]
    assert ReportRun.objects.count() == 1 and PeriodicReportClaim.objects.count() == 1
