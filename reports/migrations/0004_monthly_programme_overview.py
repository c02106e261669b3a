"""Schedule the monthly programme overview (PDF), e-mailed to the officials of both cities.

Officials can change its time, parameters or switch it off in the admin (Periodic tasks).
"""

import json

from django.db import migrations
from django.utils import timezone

NAME = "Monthly programme overview"
TASK = "reports.tasks.scheduled_report"
# 06:00 UTC on the 1st: midnight in Mexico City, early morning in Barcelona.
CRONTAB = {
    "minute": "0",
    "hour": "6",
    "day_of_month": "1",
    "month_of_year": "*",
    "day_of_week": "*",
    "timezone": "UTC",
}


def _changed(apps):
    # Beat reloads its schedule when this row changes; signals do not run in migrations.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab = CrontabSchedule.objects.filter(**CRONTAB).first()
    if crontab is None:
        crontab = CrontabSchedule.objects.create(**CRONTAB)
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "interval": None,
            "kwargs": json.dumps(
                {"kind": "programme", "parameters": {"currency": "EUR"}, "format": "pdf"}
            ),
            "enabled": True,
            "description": "The programme overview as PDF, e-mailed to the officials of "
            "both cities on the 1st of each month.",
        },
    )
    _changed(apps)


def unschedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NAME, task=TASK).delete()
    # The crontab goes too, unless another task now uses it.
    CrontabSchedule.objects.filter(**CRONTAB, periodictask__isnull=True).delete()
    _changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_dashboard"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(schedule, unschedule)]
