"""Officials' report schedules: save one they may run, and make the due ones exactly once.

A schedule is checked by the rule every report run obeys (``services.report_permission``)
when it is saved and again each time it falls due, so a schedule whose owner lost the right
(or whose parameters a kind no longer accepts) stops instead of running.

Exactly once per period: the run of a due period is inserted with the schedule and the period,
which the table keeps unique (``report_once_per_schedule_period``), in the transaction that
moves the schedule to its next run, under the schedule's row lock. A retried beat task, a
redelivered message (``scheduled_report`` acknowledges late) or a second beat therefore finds
either the lock taken, the schedule already moved on, or the period already made.
"""

from __future__ import annotations

import calendar
import datetime
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.kinds.registry import get_kind
from reports.models import ReportRun, ReportSchedule
from reports.services import report_permission, report_request

logger = logging.getLogger(__name__)
F = ReportSchedule.Frequency


def period_of(frequency: str, due: datetime.datetime) -> datetime.date:
    """Return the first day of the day, week (Monday) or month that ``due`` falls in."""
    day = timezone.localtime(due).date()
    if frequency == F.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == F.MONTHLY:
        return day.replace(day=1)
    return day


def _step(frequency: str, when: datetime.datetime, day_of_month: int) -> datetime.datetime:
    if frequency == F.DAILY:
        return when + datetime.timedelta(days=1)
    if frequency == F.WEEKLY:
        return when + datetime.timedelta(days=7)
    year, month = (when.year + 1, 1) if when.month == 12 else (when.year, when.month + 1)
    # The same day each month, or the month's last day when it is shorter (31 → 30, 28…).
    return when.replace(
        year=year, month=month, day=min(day_of_month, calendar.monthrange(year, month)[1])
    )


def next_after(frequency: str, due: datetime.datetime, now: datetime.datetime) -> datetime.datetime:
    """Return the first time after ``now`` in the schedule's rhythm from ``due``.

    Periods missed while beat was down are not made one by one: the schedule runs once for
    the period it was due in and goes on from now.
    """
    local = timezone.localtime(due)
    day_of_month = local.day
    when = _step(frequency, local, day_of_month)
    while when <= now:
        when = _step(frequency, when, day_of_month)
    return when


def report_schedule_check(
    *, actor: Any, kind: str, parameters: Any, format: str, frequency: str
) -> dict[str, Any]:
    """Refuse a schedule its owner may not run; return the parameters the kind accepted.

    The admin's form asks this to show the errors beside the fields; the services ask it too.
    """
    if frequency not in F.values:
        raise ValidationError(
            {"frequency": _("Choose daily, weekly or monthly.")}, code="unknown_frequency"
        )
    if format not in ReportRun.Format.values:
        raise ValidationError({"format": _("Choose CSV, XLSX or PDF.")}, code="unknown_format")
    if not isinstance(parameters, dict):
        raise ValidationError(
            {"parameters": _("The parameters must be an object of names and values.")},
            code="bad_parameters",
        )
    if actor is None:
        raise PermissionDenied(_("Only programme officials may request reports."))
    try:
        return report_permission(actor=actor, kind=kind, parameters=parameters)
    except ValidationError as error:
        if getattr(error, "code", None) == "unknown_kind":
            raise ValidationError({"kind": error.messages}, code="unknown_kind") from None
        raise ValidationError({"parameters": _named(kind, error)}, code="bad_parameters") from None


def _named(kind: str, error: ValidationError) -> list[str]:
    """Put the label of the parameter before each of its kind's messages."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    fields = get_kind(kind).form_class().fields
    return [
        f"{fields[name].label if name in fields else name}: {message}"
        for name, errors in error.message_dict.items()
        for message in errors
    ]


def report_schedule_create(
    *,
    actor: Any,
    kind: str,
    parameters: dict[str, Any],
    format: str,
    frequency: str,
    next_run_at: datetime.datetime,
    active: bool = True,
) -> ReportSchedule:
    """Save a schedule of a report the actor may run, owned by the actor."""
    cleaned = report_schedule_check(
        actor=actor, kind=kind, parameters=parameters, format=format, frequency=frequency
    )
    return ReportSchedule.objects.create(
        owner=actor,
        kind=kind,
        parameters=cleaned,
        format=format,
        frequency=frequency,
        next_run_at=next_run_at,
        active=active,
    )


def report_schedule_update(
    *,
    actor: Any,
    schedule_id: int,
    kind: str,
    parameters: dict[str, Any],
    format: str,
    frequency: str,
    next_run_at: datetime.datetime,
    active: bool,
) -> ReportSchedule:
    """Change one of the actor's own schedules; another's is refused."""
    cleaned = report_schedule_check(
        actor=actor, kind=kind, parameters=parameters, format=format, frequency=frequency
    )
    with transaction.atomic():
        schedule = ReportSchedule.objects.select_for_update().filter(pk=schedule_id).first()
        if schedule is None or schedule.owner_id != actor.pk:
            raise PermissionDenied(_("Only its owner may change a report schedule."))
        schedule.kind, schedule.parameters, schedule.format = kind, cleaned, format
        schedule.frequency, schedule.next_run_at, schedule.active = frequency, next_run_at, active
        schedule.last_error = ""
        schedule.save(
            update_fields=[
                "kind",
                "parameters",
                "format",
                "frequency",
                "next_run_at",
                "active",
                "last_error",
            ]
        )
    return schedule


def report_schedule_run(*, schedule_id: int, now: datetime.datetime) -> ReportRun | None:
    """Make the due period of one schedule, once; return its run, or None if not made here.

    Under the schedule's row lock (a second beat skips it), the schedule moves to its next run
    in the transaction that inserts the period's run; the worker makes the file after commit
    and tells the owner (``services.report_execute``).
    """
    with transaction.atomic():
        schedule = (
            ReportSchedule.objects.select_for_update(skip_locked=True)
            .select_related("owner")
            .filter(pk=schedule_id, active=True, next_run_at__lte=now)
            .first()
        )
        if schedule is None:  # another beat holds it, or it is no longer due
            return None
        due = schedule.next_run_at
        period = period_of(schedule.frequency, due)
        schedule.next_run_at = next_after(schedule.frequency, due, now)
        schedule.last_error = ""
        try:
            with transaction.atomic():  # a savepoint: the period's run may exist already
                run = report_request(
                    actor=schedule.owner,
                    kind=schedule.kind,
                    parameters=schedule.parameters,
                    format=schedule.format,
                    schedule=f"report-schedule-{schedule.pk}",
                    report_schedule=schedule,
                    period=period,
                )
        except IntegrityError:
            logger.info("Report schedule %s: period %s was made already", schedule.pk, period)
            run = None
        except (PermissionDenied, ValidationError) as error:
            # The owner lost the right, or the kind no longer takes these parameters: the
            # schedule stops and says why, rather than failing at every beat.
            messages = getattr(error, "messages", None) or [str(error)]
            schedule.active = False
            schedule.last_error = " ".join(str(m) for m in messages)[:2000]
            run = None
        schedule.save(update_fields=["next_run_at", "active", "last_error"])
    return run


def report_schedules_run_due(*, now: datetime.datetime | None = None) -> list[int]:
    """Make every schedule that is due; return the runs made."""
    now = now or timezone.now()
    due = ReportSchedule.objects.filter(active=True, next_run_at__lte=now).values_list(
        "pk", flat=True
    )
    made = []
    for schedule_id in list(due):
        run = report_schedule_run(schedule_id=schedule_id, now=now)
        if run is not None:
            made.append(run.pk)
    return made
