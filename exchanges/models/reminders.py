"""Reminders to hosts that have not answered an application: the officials' setting, the log."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchanges.models.applications import StayApplication


class HostReminderPolicy(models.Model):
    """When the portal reminds a host of an application waiting for its answer (one row).

    Officials edit it in the admin; the beat task reads it each time it runs.
    """

    days = models.PositiveSmallIntegerField(
        _("days before a reminder"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A host that has not answered an application after this many days is reminded, "
            "and again after each further period of this many days."
        ),
    )
    active = models.BooleanField(_("send reminders"), default=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder to hosts")
        verbose_name_plural = _("reminders to hosts")
        constraints = [
            # One setting for the programme: the row whose key is 1.
            models.CheckConstraint(condition=models.Q(pk=1), name="host_reminder_policy_single"),
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=365), name="host_reminder_days_range"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Remind hosts after %(days)s days") % {"days": self.days})

    @classmethod
    def current(cls) -> HostReminderPolicy:
        """Return the programme's setting, made with its defaults the first time."""
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class HostReminder(models.Model):
    """A reminder sent to a host about one application: its number says which period."""

    application = models.ForeignKey(
        StayApplication,
        on_delete=models.CASCADE,
        related_name="host_reminders",
        verbose_name=_("application"),
    )
    number = models.PositiveSmallIntegerField(_("reminder number"))
    days_waiting = models.PositiveSmallIntegerField(_("days waiting"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["application", "number"]
        verbose_name = _("reminder sent to a host")
        verbose_name_plural = _("reminders sent to hosts")
        constraints = [
            # Each reminder of an application once, whatever retries or two beats do.
            models.UniqueConstraint(
                fields=["application", "number"], name="host_reminder_once_per_number"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.application_id} – {self.number}"


class WaitingApplication(StayApplication):
    """Applications waiting for their host's answer, as a list of the admin (question 6)."""

    class Meta:
        proxy = True
        verbose_name = _("application waiting for the host")
        verbose_name_plural = _("applications waiting for the host")
