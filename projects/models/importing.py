"""An import of historical projects from a file, as the worker runs it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProjectImport(models.Model):
    """An import of historical projects that an official confirmed, run by a worker.

    The worker claims it with a conditional UPDATE, checks the file again and writes every row
    in one transaction, whose commit also records the success: a worker killed halfway leaves
    no project written, and the run is handed to another worker (``projects.import_runs``).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(_("checked file"), max_length=40)
    original_name = models.CharField(_("file"), max_length=255, blank=True)
    requested_by = models.ForeignKey(
        "cooperation.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_imports",
        verbose_name=_("requested by"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), default=0)
    rows_done = models.PositiveIntegerField(_("rows written"), default=0)
    imported = models.PositiveIntegerField(_("projects imported"), default=0)
    row_errors = models.JSONField(_("rows with errors"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("project import")
        verbose_name_plural = _("project imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="project_import_progress_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name or self.file_name} ({self.get_state_display()})"

    @property
    def is_finished(self) -> bool:
        return self.state in {self.State.SUCCEEDED, self.State.FAILED}
