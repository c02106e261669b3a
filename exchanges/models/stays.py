"""The stay itself, once awarded: arrival, departure, visa, final report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperation.validators import DateRange
from exchanges.models.applications import StayApplication

# The order of a stay's arrival and departure: one rule (``cooperation.validators.DateRange``)
# that the service recording them reads (``rules.stay_record_problems``).
STAY_RECORD = DateRange(
    "arrived_on",
    "departed_on",
    _("The departure must be after the arrival."),
    same_day=False,
    optional=("arrived_on", "departed_on"),
)


class Stay(models.Model):
    """The stay itself, once awarded: arrival, departure, insurance, visa, final report."""

    class VisaStatus(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        PENDING = "pending", _("Applied for")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")

    application = models.OneToOneField(
        StayApplication, on_delete=models.CASCADE, related_name="stay"
    )
    arrived_on = models.DateField(_("arrival"), null=True, blank=True)
    departed_on = models.DateField(_("departure"), null=True, blank=True)
    insurance = models.CharField(
        _("health insurance (provider and policy)"), max_length=200, blank=True
    )
    visa_status = models.CharField(
        _("visa status"), max_length=12, choices=VisaStatus.choices, blank=True
    )
    final_report_text = models.TextField(_("results and impact"), blank=True)
    report_submitted_at = models.DateTimeField(_("report submitted at"), null=True, blank=True)
    report_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    report_accepted_at = models.DateTimeField(_("report accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")

    def __str__(self) -> str:
        return str(self.application)
