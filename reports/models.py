"""Report runs: a report an official asked for, or a schedule started, and its file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution
from cooperation.storage import NamedStorage
from exchanges.models import StayApplication


def kind_title(code: str) -> str:
    """Return the title of a report kind in the active language (its code if it is unknown)."""
    from reports.kinds.registry import REGISTRY  # the kinds read these models

    kind = REGISTRY.get(code)
    return str(kind.title) if kind else code


@deconstructible
class ReportStorage(NamedStorage):
    """The ``reports`` storage of settings.STORAGES: served only through a view, never a URL.

    Looked up at each use, so that tests and deployments can choose the backend and folder.
    """

    def __init__(self) -> None:
        super().__init__("reports")


report_storage = ReportStorage()


class ReportRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PDF = "pdf", "PDF"

    kind = models.CharField(_("kind"), max_length=40)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_runs",
        verbose_name=_("requested by"),
    )
    schedule = models.CharField(
        _("schedule"), max_length=200, blank=True, help_text=_("The schedule that started it.")
    )
    notify_officials = models.BooleanField(_("e-mail the officials when ready"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    file = models.FileField(_("file"), storage=report_storage, blank=True)
    rows = models.PositiveIntegerField(_("rows written"), default=0)
    error = models.TextField(_("error"), blank=True)
    report_schedule = models.ForeignKey(
        "reports.ReportSchedule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("official's schedule"),
    )
    period = models.DateField(
        _("period"), null=True, blank=True, help_text=_("The day, week or month it was due for.")
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report run")
        verbose_name_plural = _("report runs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            # A schedule runs once per due period, whatever a retried task or a second beat
            # does: the second insert of the same period fails (reports.schedules).
            models.UniqueConstraint(
                fields=["report_schedule", "period"], name="report_once_per_schedule_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def title(self) -> str:
        return kind_title(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED}

    @property
    def duration(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ReportSchedule(models.Model):
    """A report an official asked to receive regularly; beat makes it when it is due."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_schedules",
        verbose_name=_("owner"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    format = models.CharField(
        _("format"), max_length=4, choices=ReportRun.Format.choices, default=ReportRun.Format.PDF
    )
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    next_run_at = models.DateTimeField(_("next run"), db_index=True)
    active = models.BooleanField(_("active"), default=True)
    last_error = models.TextField(
        _("why it did not run"), blank=True, help_text=_("Set when a due run was refused.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["next_run_at", "pk"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self) -> str:
        return f"{self.title} ({self.get_frequency_display()})"

    @property
    def title(self) -> str:
        return kind_title(self.kind)


class Dashboard(ReportRun):
    """The officials' dashboard, as an entry of the admin index (it stores nothing)."""

    class Meta:
        proxy = True
        verbose_name = _("officials' dashboard")
        verbose_name_plural = _("officials' dashboard")


class UnengagedEcosInstitution(Institution):
    """ECOS Network institutions in no project and no call as a host (question 9), as a list
    of the admin (``reports.questions.unengaged_ecos``)."""

    class Meta:
        proxy = True
        verbose_name = _("ECOS institution taking part in nothing")
        verbose_name_plural = _("ECOS institutions taking part in nothing")


class PeriodStay(StayApplication):
    """The stays of a period hosted in a city, as counted on the dashboard (question 4), as a
    list of the admin (``reports.questions.stays_of_period``)."""

    class Meta:
        proxy = True
        verbose_name = _("stay of the period")
        verbose_name_plural = _("stays of the period")


class PeriodApplication(StayApplication):
    """The applicants (or awardees) of a period, as counted on the dashboard's women's
    participation (question 5), as a list of the admin (``reports.questions.
    applications_of_period``)."""

    class Meta:
        proxy = True
        verbose_name = _("applicant of the period")
        verbose_name_plural = _("applicants of the period")


class PeriodicReportClaim(models.Model):
    """The run of one period of a periodic task's report (``reports.tasks.scheduled_report``).

    Inserted with the run, in one transaction; unique per task and due time, so a message
    the broker delivers again, or a second beat, finds the period taken (``reports.periodic``).
    """

    task_name = models.CharField(_("periodic task"), max_length=255)
    due_at = models.DateTimeField(_("due at"))
    run = models.OneToOneField(
        ReportRun, on_delete=models.CASCADE, related_name="periodic_claim", verbose_name=_("run")
    )
    created_at = models.DateTimeField(_("claimed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("periodic report's period")
        verbose_name_plural = _("periodic reports' periods")
        constraints = [
            models.UniqueConstraint(
                fields=["task_name", "due_at"], name="periodic_report_once_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_name} @ {self.due_at:%Y-%m-%d %H:%M}"
