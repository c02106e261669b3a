"""A researcher's profile and applications: documents, consents and the timeline."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Avg, Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, TimelineEntry
from cooperation.validators import DateRange
from exchanges.models.calls import Call, DocumentKind
from exchanges.storage import PrivateStorage
from exchanges.validators import normalize_orcid, validate_orcid

# The order of a stay application's dates: one rule (``cooperation.validators.DateRange``) that the
# table's constraint, the model's clean and the services read.
STAY_DATES = DateRange(
    "start_date",
    "end_date",
    _("The end date must be after the start date."),
    same_day=False,
    optional=("end_date", "start_date"),
)


class ResearcherProfile(models.Model):
    """What a researcher tells about themselves; gender and accessibility only with consent."""

    class CareerStage(models.TextChoices):
        R1 = "r1", _("R1 First-stage researcher (up to the PhD)")
        R2 = "r2", _("R2 Recognised researcher (PhD holder)")
        R3 = "r3", _("R3 Established researcher")
        R4 = "r4", _("R4 Leading researcher")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        OTHER = "other", _("Another identity")
        UNDISCLOSED = "undisclosed", _("I prefer not to say")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="researcher_profile"
    )
    home_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("home institution"),
    )
    career_stage = models.CharField(_("career stage"), max_length=4, choices=CareerStage.choices)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("For example 0000-0002-1825-0097."),
    )
    gender = models.CharField(
        _("gender (optional)"), max_length=12, choices=Gender.choices, blank=True
    )
    accessibility_needs = models.TextField(_("accessibility needs (optional)"), blank=True)
    sensitive_consent_at = models.DateTimeField(
        _("consent to optional data given at"), null=True, blank=True
    )
    sensitive_consent_version = models.CharField(
        _("consent text version"), max_length=20, blank=True
    )
    erasure_requested_at = models.DateTimeField(_("erasure requested at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("researcher profile")
        verbose_name_plural = _("researcher profiles")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        self.orcid = normalize_orcid(self.orcid) if self.orcid else ""


class ApplicationQuerySet(models.QuerySet["StayApplication"]):
    def for_lists(self) -> ApplicationQuerySet:
        return self.select_related(
            "call", "host", "host__party", "researcher", "researcher__researcher_profile"
        )

    def waiting_for_host(self) -> ApplicationQuerySet:
        """Return the applications with their host, unanswered, the longest waiting first.

        An application reaches its host when it is submitted (same transaction), so it has
        waited since ``submitted_at``.
        """
        return self.filter(
            status=StayApplication.Status.HOST_REVIEW, submitted_at__isnull=False
        ).order_by("submitted_at", "pk")

    def with_scores(self) -> ApplicationQuerySet:
        """Annotate the weighted score (average over reviewers) and the impact score.

        Only scores of submitted, conflict-free assignments count.
        """
        counted = Q(review_assignments__submitted_at__isnull=False) & Q(
            review_assignments__has_conflict=False
        )
        weighted_sum = Sum(
            F("review_assignments__scores__value")
            * F("review_assignments__scores__criterion__weight"),
            filter=counted,
        )
        reviewers = Count("review_assignments", filter=counted, distinct=True)
        return self.annotate(
            weighted_total=weighted_sum,
            reviewer_count=reviewers,
            impact_score=Avg(
                "review_assignments__scores__value",
                filter=counted & Q(review_assignments__scores__criterion__is_social_impact=True),
            ),
        ).annotate(
            weighted_score=models.ExpressionWrapper(
                models.Case(
                    models.When(reviewer_count=0, then=None),
                    default=F("weighted_total")
                    * Decimal("1.0")
                    / (F("reviewer_count") * Decimal("100")),
                ),
                output_field=models.DecimalField(max_digits=8, decimal_places=3),
            )
        )

    def ranked(self) -> ApplicationQuerySet:
        """Rank per call: weighted score, ties broken by the social and urban impact score."""
        order = [
            F("weighted_score").desc(nulls_last=True),
            F("impact_score").desc(nulls_last=True),
            F("submitted_at").asc(),
        ]
        return (
            self.with_scores()
            .annotate(rank=Window(RowNumber(), partition_by=[F("call_id")], order_by=order))
            .order_by("call_id", *order)
        )


class StayApplication(models.Model):
    """A researcher's application for a stay at a host institution of the other city."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        HOST_REVIEW = "host_review", _("With the host")
        HOST_DECLINED = "host_declined", _("Declined by the host")
        HOST_ACCEPTED = "host_accepted", _("Accepted by the host")
        EVALUATION = "evaluation", _("In evaluation")
        REJECTED = "rejected", _("Rejected")
        WAITLISTED = "waitlisted", _("On the waiting list")
        APPROVED = "approved", _("Approved, awaiting the researcher's confirmation")
        AWARDED = "awarded", _("Awarded")
        IN_PROGRESS = "in_progress", _("Stay in progress")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        CANCELLED = "cancelled", _("Cancelled")

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    researcher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="stay_applications",
        verbose_name=_("researcher"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    host = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_stay_applications",
        verbose_name=_("host institution"),
    )
    start_date = models.DateField(_("planned start"), null=True, blank=True)
    end_date = models.DateField(_("planned end"), null=True, blank=True)
    title = models.CharField(_("project title"), max_length=255, blank=True)
    work_plan = models.TextField(_("work plan"), blank=True)
    impact_statement = models.TextField(_("social and urban impact statement"), blank=True)
    joint_project = models.ForeignKey(
        "projects.JointProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stay_applications",
        verbose_name=_("joint project"),
        help_text=_("Optional: the programme's joint project that the stay contributes to."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    documents_purged_at = models.DateTimeField(_("documents purged at"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stay application")
        verbose_name_plural = _("stay applications")
        constraints = [
            # One application per researcher and call: a second one is refused.
            models.UniqueConstraint(
                fields=["call", "researcher"], name="stayapplication_one_per_call"
            ),
            models.CheckConstraint(
                condition=STAY_DATES.condition, name="stayapplication_dates_ordered"
            ),
        ]
        indexes = [models.Index(fields=["call", "status"], name="stayapp_call_status")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.call} – {self.researcher}"

    @property
    def duration_days(self) -> int | None:
        if self.start_date and self.end_date:
            return (self.end_date - self.start_date).days
        return None


class Audience(models.TextChoices):
    """Who reads a status: each is told it in their own terms."""

    RESEARCHER = "researcher", _("researcher")
    HOST = "host", _("host")
    OFFICIAL = "official", _("official")


# The statuses whose wording depends on the reader; any other reads as its ``Status`` label,
# which is the officials' (and the admin's) wording.
AUDIENCE_LABELS: dict[str, dict[str, Any]] = {
    Audience.RESEARCHER: {
        StayApplication.Status.HOST_REVIEW: _("With the host institution"),
        StayApplication.Status.APPROVED: _("Approved, awaiting your confirmation"),
        StayApplication.Status.WITHDRAWN: _("Withdrawn by you"),
    },
    Audience.HOST: {
        StayApplication.Status.HOST_REVIEW: _("Awaiting your decision"),
        StayApplication.Status.HOST_ACCEPTED: _("Accepted by your institution"),
        StayApplication.Status.HOST_DECLINED: _("Declined by your institution"),
        StayApplication.Status.WITHDRAWN: _("Withdrawn by the researcher"),
    },
    Audience.OFFICIAL: {
        StayApplication.Status.WITHDRAWN: _("Withdrawn by the researcher"),
    },
}


def status_label(status: str, audience: str = Audience.OFFICIAL) -> str:
    """Return a status's label in the words that fit ``audience``, in the active language."""
    label = AUDIENCE_LABELS.get(audience, {}).get(status)
    if label is not None:
        return str(label)
    try:
        return str(StayApplication.Status(status).label)
    except ValueError:
        return status


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never comes from the user: no path tricks, no collisions.
    return f"stays/{instance.application_id}/{uuid.uuid4().hex}.pdf"


class Attachment(models.Model):
    """A PDF document of an application, kept in the private storage."""

    application = models.ForeignKey(
        StayApplication, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("document"), max_length=20, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=PrivateStorage())
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="attachment_one_per_kind")
        ]

    def __str__(self) -> str:
        return self.original_name


class ConsentRecord(models.Model):
    """A consent that a person gave, with the version of the text they read."""

    class Purpose(models.TextChoices):
        PROCESSING = "processing", _("Processing of the application's personal data")
        SENSITIVE = "sensitive", _("Optional gender and accessibility data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stay_consents"
    )
    application = models.ForeignKey(
        StayApplication,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        ordering = ["given_at"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} v{self.text_version}"


class ApplicationEvent(TimelineEntry):
    """A step in the life of an application, written by the transition service."""

    application = models.ForeignKey(
        StayApplication, on_delete=models.CASCADE, related_name="events"
    )

    NOTES: ClassVar[dict[str, Any]] = {
        "sent_to_host": _("Sent to the host institution."),
        "erasure_requested": _("Erasure requested."),
        "visa_refused": _("Visa refused: the stay cannot start."),
        "report_handed_in": _("Final report handed in."),
        "signed_one_city": _("Signed for one city; awaiting the other city's signature."),
        "signed_no_place": _(
            "Signed by both cities; the host has no place left: on the waiting list, in "
            "ranking order."
        ),
        "signed_waiting_place": _("Signed by both cities; waiting for a place at the host."),
        "place_freed": _("A place became free: first on the waiting list."),
    }

    class Meta(TimelineEntry.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
