"""Transfers: an institution of the other city taking a practice up, stage by stage (the MoU's
"replicate and adapt these models")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, TimelineEntry
from cooperation.roles import coordinated_institution_id, is_official, is_programme_admin
from cooperation.validators import DateRange
from knowledge.models.practices import Practice, PracticeStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import User


class TransferStage(models.TextChoices):
    INTEREST = "interest", _("Interest")
    PLANNING = "planning", _("Planning")
    PILOT = "pilot", _("Pilot")
    ADOPTED = "adopted", _("Adopted")
    DISCONTINUED = "discontinued", _("Discontinued")


# A transfer's dates: it cannot end before it started.
TRANSFER_DATES = DateRange(
    "started_on",
    "ended_on",
    _("A transfer cannot end before it started."),
    optional=("ended_on",),
)


class TransferQuerySet(models.QuerySet["Transfer"]):
    def visible_to(self, user: User | AnonymousUser) -> TransferQuerySet:
        """Return the transfers the user may read: officials of both cities every one, a
        coordinator their institution's (adopting or offering), anybody the public ones."""
        if is_programme_admin(user) or is_official(user):
            return self.all()
        public = Q(public=True, practice__status=PracticeStatus.PUBLISHED)
        institution_id = coordinated_institution_id(user)
        if institution_id is None:
            return self.filter(public)
        return self.filter(
            public | Q(institution_id=institution_id) | Q(practice__institution_id=institution_id)
        )

    def for_listing(self) -> TransferQuerySet:
        return self.select_related(
            "practice__origin", "practice__institution", "institution__party"
        )


class Transfer(models.Model):
    """An institution of the other city adopting or adapting a practice, stage by stage."""

    practice = models.ForeignKey(
        Practice, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("practice")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="adopted_practices",
        verbose_name=_("adopting institution"),
    )
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=TransferStage.choices,
        default=TransferStage.INTEREST,
        db_index=True,
    )
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("When it was adopted or discontinued.")
    )
    adaptations = models.TextField(_("what was adapted"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    origin_contact_name = models.CharField(_("contact in the city of origin"), max_length=200)
    origin_contact_email = models.EmailField(_("e-mail of the contact in the city of origin"))
    adopter_contact_name = models.CharField(
        _("contact in the adopting institution"), max_length=200
    )
    adopter_contact_email = models.EmailField(
        _("e-mail of the contact in the adopting institution")
    )
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the practice's public page.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TransferQuerySet.as_manager()
    # ``history``: registered by ``register_knowledge_history`` (knowledge/translation.py).

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=TRANSFER_DATES.condition,
                name="transfer_end_not_before_start",
                violation_error_message=TRANSFER_DATES.message,
            ),
            models.UniqueConstraint(
                fields=["practice", "institution"],
                name="transfer_one_per_institution",
                violation_error_message=_("This institution already records a transfer of it."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.practice} → {self.institution}"


class TransferEvent(TimelineEntry):
    """A stage change of a transfer: who, when, from, to and why."""

    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("transfer")
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("transfer timeline entry")
        verbose_name_plural = _("transfer timeline")

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.from_status} → {self.to_status}"
