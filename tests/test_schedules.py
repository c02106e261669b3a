"""Every schedule is kept in exactly one place.

The portal's housekeeping is the settings' CELERY_BEAT_SCHEDULE, which beat copies into
*Periodic tasks* by name when it starts; the programme's schedules (the monthly overview) are
rows that data migrations create and administrators keep. No schedule is in both, the admin
shows which is which, and a database made before this rule ends with one row per schedule.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.conf import settings
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from django_celery_beat.schedulers import ModelEntry

from config.celery import app

pytestmark = pytest.mark.django_db
MIGRATION = "cooperation.migrations.0005_housekeeping_schedules"
OLD_PURGE = "Purge documents of closed stay applications"


def _beat_starts() -> None:
    """Copy the settings' schedule into the database, as beat's DatabaseScheduler does."""
    for name, entry in app.conf.beat_schedule.items():
        ModelEntry.from_entry(name, app=app, **entry)


def _migration():
    return __import__(MIGRATION, fromlist=["forward", "backward"])


def test_housekeeping_is_in_the_settings_and_the_programme_schedules_in_migrations():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
    # What the migrations made: the programme's schedules only, none of them housekeeping.
    made = list(PeriodicTask.objects.values_list("name", "task"))
    assert made == [("Monthly programme overview", "reports.tasks.scheduled_report")]
    housekeeping_tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert not {task for _name, task in made} & housekeeping_tasks


def test_beat_keeps_one_row_per_schedule_whenever_it_starts():
    _beat_starts()
    _beat_starts()
    tasks = list(PeriodicTask.objects.values_list("task", flat=True))
    assert sorted(tasks) == sorted(
        [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
        + ["reports.tasks.scheduled_report"]
    )
    purge = PeriodicTask.objects.get(task="exchanges.tasks.purge_stay_documents")
    assert purge.name == "purge-stay-documents"
    assert (purge.crontab.minute, purge.crontab.hour, str(purge.crontab.timezone)) == (
        "30",
        "3",
        "UTC",
    )


def test_a_database_made_before_keeps_one_purge_and_loses_the_replaced_sweeps():
    """As exchanges/0002 and older settings left it: the purge under its old name, and the
    entries the outbox's sweep replaced."""
    nightly = CrontabSchedule.objects.create(minute="30", hour="3", timezone="UTC")
    PeriodicTask.objects.create(
        name=OLD_PURGE,
        task="exchanges.tasks.purge_stay_documents",
        crontab=nightly,
        total_run_count=7,
    )
    minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    for name, task in _migration().REPLACED.items():
        PeriodicTask.objects.create(name=name, task=task, interval=minute)
    _migration().forward(apps, None)
    _beat_starts()
    purge = PeriodicTask.objects.get(task="exchanges.tasks.purge_stay_documents")
    assert (purge.name, purge.total_run_count) == ("purge-stay-documents", 7)  # the same row
    assert not PeriodicTask.objects.filter(name__in=_migration().REPLACED).exists()
    assert PeriodicTask.objects.filter(task="cooperation.outbox.tasks.sweep_outbox").count() == 1

    _migration().backward(apps, None)
    assert PeriodicTask.objects.get(task="exchanges.tasks.purge_stay_documents").name == OLD_PURGE
    assert set(
        PeriodicTask.objects.filter(name__in=_migration().REPLACED).values_list("name", "task")
    ) == set(_migration().REPLACED.items())
    _migration().forward(apps, None)
    _migration().forward(apps, None)  # twice: the same state
    assert PeriodicTask.objects.filter(task="exchanges.tasks.purge_stay_documents").count() == 1
    assert not PeriodicTask.objects.filter(name__in=_migration().REPLACED).exists()


def test_the_admin_shows_housekeeping_read_only_and_programme_schedules_editable(
    programme_admin, login
):
    _beat_starts()
    client = login(programme_admin)
    page = client.get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "settings (housekeeping, read-only)" in page
    assert "this admin (programme schedule)" in page
    sweep = PeriodicTask.objects.get(name="sweep-outbox")
    monthly = PeriodicTask.objects.get(name="Monthly programme overview")
    url = "/admin/django_celery_beat/periodictask/{}/{}"
    assert 'name="_save"' not in client.get(url.format(sweep.pk, "change/")).content.decode()
    assert 'name="_save"' in client.get(url.format(monthly.pk, "change/")).content.decode()
    assert client.post(url.format(sweep.pk, "change/"), {"name": "x"}).status_code == 403
    assert client.post(url.format(sweep.pk, "delete/"), {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/django_celery_beat/periodictask/",
        {"action": "disable_tasks", "_selected_action": [sweep.pk, monthly.pk]},
    )
    assert response.status_code == 302
    assert PeriodicTask.objects.get(pk=sweep.pk).enabled  # housekeeping: left as it is
    assert not PeriodicTask.objects.get(pk=monthly.pk).enabled
    assert json.loads(monthly.kwargs)["kind"] == "programme"
