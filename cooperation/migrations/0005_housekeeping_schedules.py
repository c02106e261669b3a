"""Leave each housekeeping schedule in one place: the settings' CELERY_BEAT_SCHEDULE.

Beat copies that list into *Periodic tasks* by name each time it starts. Two kinds of rows
that databases may hold would be schedules defined a second time:

- the nightly purge of stay documents, which ``exchanges/0002`` created under a name of its
  own: it takes the name of its settings entry, ``purge-stay-documents``, keeping its state
  (enabled, last run), so that beat updates it instead of adding a second purge;
- the entries that older settings listed and beat copied, which the outbox's minute sweep
  (``sweep-outbox``) replaced: they are deleted, since beat never deletes what it copied.

Both are reversed: the purge gets its old name back, and the replaced entries are created
again as beat had made them (every 60 seconds).
"""

from django.db import migrations
from django.utils import timezone

PURGE = {"old": "Purge documents of closed stay applications", "new": "purge-stay-documents"}
PURGE_TASK = "exchanges.tasks.purge_stay_documents"
REPLACED = {  # settings name: task, as beat copied them
    "recover-stale-reports": "reports.tasks.recover_stale_reports",
    "recover-stale-project-imports": "projects.tasks.recover_stale_imports",
}


def _changed(apps):
    # Beat reloads its schedule when this row changes; signals do not run in migrations.
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def _rename(apps, old, new):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if not PeriodicTask.objects.filter(name=new).exists():
        PeriodicTask.objects.filter(name=old, task=PURGE_TASK).update(name=new)
    else:  # beat already made the new one: the old is the duplicate
        PeriodicTask.objects.filter(name=old, task=PURGE_TASK).delete()


def forward(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    _rename(apps, PURGE["old"], PURGE["new"])
    for name, task in REPLACED.items():
        PeriodicTask.objects.filter(name=name, task=task).delete()
    _changed(apps)


def backward(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    _rename(apps, PURGE["new"], PURGE["old"])
    every_minute = IntervalSchedule.objects.filter(every=60, period="seconds").first()
    if every_minute is None:
        every_minute = IntervalSchedule.objects.create(every=60, period="seconds")
    for name, task in REPLACED.items():
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": every_minute, "crontab": None}
        )
    _changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0004_user_is_partner_account"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forward, backward)]
