"""The programme's own periodic reports (django-celery-beat rows): one run per period.

``reports.tasks.scheduled_report`` acknowledges late, so a message the broker delivers again
(a worker lost mid-run) runs the task again, and two beats at once send it twice. The run of a
period is therefore claimed, with the run itself, as one unique row (``PeriodicReportClaim``:
the periodic task and the time it fell due); a second call finds it and only resumes that
run if its worker stopped (``services.report_execute`` claims it, or skips it).

The time a message fell due is worked out from its periodic task's schedule: the latest time
at or before now that the crontab (or interval, or clocked time) fires. A message sent
without a periodic task (by hand) is claimed by its own id instead.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import PeriodicReportClaim, ReportRun
from reports.services import report_execute, report_request

logger = logging.getLogger(__name__)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# How far back to look for a crontab's last firing (the widest: a yearly schedule).
LOOK_BACK = [datetime.timedelta(hours=1), datetime.timedelta(days=1),
             datetime.timedelta(days=32), datetime.timedelta(days=367)]  # fmt: skip
MAX_STEPS = 10_000


def _last_firing(schedule: Any, now: datetime.datetime) -> datetime.datetime | None:
    """The latest time at or before ``now`` when a celery crontab fires."""
    for back in LOOK_BACK:
        when = now - back
        last = None
        for _step in range(MAX_STEPS):
            start, delta, _now = schedule.remaining_delta(when)
            following = start + delta
            if following <= when:  # no progress: never fires again
                break
            if following > now:
                break
            last = when = following
        if last is not None:
            return last
    return None


def due_at(task_name: str, now: datetime.datetime) -> datetime.datetime | None:
    """Return when the periodic task ``task_name`` last fell due, at or before ``now``."""
    from django_celery_beat.models import PeriodicTask

    task = (
        PeriodicTask.objects.select_related("crontab", "interval", "clocked", "solar")
        .filter(name=task_name)
        .first()
    )
    if task is None:
        return None
    if task.clocked is not None:
        return task.clocked.clocked_time
    if task.interval is not None:
        every = task.schedule.run_every
        origin = task.start_time or EPOCH
        return origin + ((now - origin) // every) * every
    if task.crontab is not None:
        return _last_firing(task.crontab.schedule, now)
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def periodic_report_run(
    *,
    kind: str,
    parameters: dict[str, Any],
    format: str,
    notify_officials: bool,
    task_name: str | None,
    message_id: str | None,
    now: datetime.datetime | None = None,
) -> ReportRun:
    """Make the report of a periodic task's period once; a repeated call returns that run.

    The run and its claim are inserted together; the report is made after, in this worker.
    A call with neither a periodic task nor a message id (made directly) is not claimed.
    """
    now = now or timezone.now()
    due = due_at(task_name, now) if task_name else None
    if due is not None:
        claim = {"task_name": task_name, "due_at": due}
    elif message_id:
        claim = {"task_name": f"message {message_id}", "due_at": EPOCH}
    else:
        claim = None
    try:
        with transaction.atomic():
            run = report_request(
                actor=None,
                kind=kind,
                parameters=parameters,
                format=format,
                schedule=task_name or kind,
                enqueue=False,  # made here, now
                notify_officials=notify_officials,
            )
            if claim is not None:
                PeriodicReportClaim.objects.create(run=run, **claim)
    except IntegrityError:
        if claim is None:
            raise
        logger.info("Periodic report %s: period %s was made already", *claim.values())
        run = PeriodicReportClaim.objects.select_related("run").get(**claim).run
    report_execute(run.pk)  # skipped unless the run is queued or its worker stopped
    run.refresh_from_db()
    return run
