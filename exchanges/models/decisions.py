"""The decisions on an application: the host's, the reviewers' scores, the signatures."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import Party
from exchanges.models.applications import StayApplication
from exchanges.models.calls import Criterion


class HostDecision(models.Model):
    """The host institution's answer: accept (supervisor, confirmed dates) or decline."""

    application = models.OneToOneField(
        StayApplication, on_delete=models.CASCADE, related_name="host_decision"
    )
    accepted = models.BooleanField(_("accepted"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    supervisor_name = models.CharField(_("supervisor"), max_length=200, blank=True)
    supervisor_email = models.EmailField(_("supervisor's e-mail"), blank=True)
    confirmed_start = models.DateField(_("confirmed start"), null=True, blank=True)
    confirmed_end = models.DateField(_("confirmed end"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("host decision")
        verbose_name_plural = _("host decisions")

    def __str__(self) -> str:
        return str(_("accepted") if self.accepted else _("declined"))


class ReviewAssignment(models.Model):
    """A reviewer assigned to an application: a conflict declaration, then scores."""

    application = models.ForeignKey(
        StayApplication,
        on_delete=models.CASCADE,
        related_name="review_assignments",
        verbose_name=_("stay application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="stay_reviews",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    # None until the reviewer declares; True excludes the reviewer from scoring.
    has_conflict = models.BooleanField(_("conflict of interest"), null=True)
    conflict_declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    conflict_explanation = models.TextField(_("conflict explanation"), blank=True)
    # What the reviewer was shown before answering the conflict question, and when: the
    # declaration is not blind (exchanges.services.reviewers.conflict_disclosure).
    disclosed = models.JSONField(_("shown before the declaration"), default=dict, blank=True)
    disclosed_at = models.DateTimeField(_("shown at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)

    class Meta:
        ordering = ["assigned_at"]
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="reviewassignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} → #{self.application_id}"


class Score(models.Model):
    """A reviewer's score (0–10) for one criterion."""

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(0), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="score_unique"),
            models.CheckConstraint(condition=Q(value__lte=10), name="score_at_most_10"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Signature(models.Model):
    """One city's approval of an application; approval takes one from each city."""

    application = models.ForeignKey(
        StayApplication, on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        ordering = ["signed_at"]
        verbose_name = _("approval signature")
        verbose_name_plural = _("approval signatures")
        constraints = [
            models.UniqueConstraint(fields=["application", "party"], name="signature_one_per_city"),
            models.UniqueConstraint(
                fields=["application", "official"], name="signature_one_per_official"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} – {self.official}"
