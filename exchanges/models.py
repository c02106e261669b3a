"""Researcher stays: calls, applications, host decisions, review, bilateral signatures, stays.

The workflow of an application is the table ``exchanges.workflow.TRANSITIONS``; every change of
status goes through ``exchanges.services``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Avg, Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party, StrategicArea, TimelineEntry
from cooperation.validators import DateRange
from exchanges.storage import PrivateStorage
from exchanges.validators import normalize_orcid, validate_orcid

currency_validator = RegexValidator(r"^[A-Z]{3}$", _("Use a three-letter ISO 4217 code."))


class Direction(models.TextChoices):
    CDMX_TO_BCN = "cdmx_bcn", _("Mexico City → Barcelona")
    BCN_TO_CDMX = "bcn_cdmx", _("Barcelona → Mexico City")
    BOTH = "both", _("Both directions")


# The party code of the host city that each direction allows.
DIRECTION_HOST_PARTIES = {
    Direction.CDMX_TO_BCN: {"BCN"},
    Direction.BCN_TO_CDMX: {"CDMX"},
    Direction.BOTH: {"BCN", "CDMX"},
}


class DocumentKind(models.TextChoices):
    CV = "cv", _("Curriculum vitae")
    MOTIVATION = "motivation", _("Motivation letter")
    INVITATION = "invitation", _("Host invitation letter")
    FINAL_REPORT = "final_report", _("Final report")


def default_required_documents() -> list[str]:
    return [DocumentKind.CV, DocumentKind.MOTIVATION, DocumentKind.INVITATION]


# The order of a call's and a stay's dates, one rule each (``cooperation.validators.DateRange``):
# the tables' constraints, the models' clean and the services (``date_problems``,
# ``stay_record_problems``) read them.
CALL_PERIOD = DateRange(
    "opens_at", "closes_at", _("The call must close after it opens."), same_day=False
)
STAY_WINDOW = DateRange(
    "stays_from", "stays_until", _("The stay window must end after it starts."), same_day=False
)
STAY_DATES = DateRange(
    "start_date",
    "end_date",
    _("The end date must be after the start date."),
    same_day=False,
    optional=("end_date", "start_date"),
)
STAY_RECORD = DateRange(
    "arrived_on",
    "departed_on",
    _("The departure must be after the arrival."),
    same_day=False,
    optional=("arrived_on", "departed_on"),
)


class CallQuerySet(models.QuerySet["Call"]):
    def with_hosts(self) -> CallQuerySet:
        """Prefetch the areas and the hosts with their institution and city (two queries)."""
        return self.prefetch_related(
            "areas",
            models.Prefetch(
                "call_hosts", queryset=CallHost.objects.select_related("institution__party")
            ),
        )

    def public(self) -> CallQuerySet:
        """Open and upcoming calls, soonest deadline first, with what the list shows."""
        return self.filter(closes_at__gt=timezone.now()).with_hosts().order_by("closes_at")


class Call(models.Model):
    """A call for researcher stays in the other city."""

    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    areas = models.ManyToManyField(
        StrategicArea, related_name="stay_calls", verbose_name=_("eligible areas")
    )
    hosts: models.ManyToManyField[Institution, CallHost] = models.ManyToManyField(
        Institution,
        through="CallHost",
        related_name="stay_calls",
        verbose_name=_("host institutions"),
    )
    stays_from = models.DateField(_("stays may start from"))
    stays_until = models.DateField(_("stays must end by"))
    min_duration_days = models.PositiveSmallIntegerField(
        _("minimum duration (days)"), validators=[MinValueValidator(1)]
    )
    max_duration_days = models.PositiveSmallIntegerField(_("maximum duration (days)"))
    monthly_stipend = models.DecimalField(
        _("monthly stipend"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    stipend_currency = models.CharField(
        _("stipend currency"), max_length=3, validators=[currency_validator]
    )
    report_opens_days_before = models.PositiveSmallIntegerField(
        _("final report opens (days before departure)"),
        default=0,
        validators=[MaxValueValidator(90)],
        help_text=_(
            "The researcher can hand in the final report from this many days before the "
            "departure (0: from the departure day)."
        ),
    )
    opening_announced_at = models.DateTimeField(
        _("opening announced at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When partner systems were told that the call opened."),
    )
    required_documents = ArrayField(
        models.CharField(max_length=20, choices=DocumentKind.choices),
        verbose_name=_("required documents"),
        default=default_required_documents,
        help_text=_("Comma-separated: cv, motivation, invitation."),
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at"]
        verbose_name = _("call for stays")
        verbose_name_plural = _("calls for stays")
        constraints = [
            models.CheckConstraint(
                condition=CALL_PERIOD.condition, name="call_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(max_duration_days__gte=F("min_duration_days")),
                name="call_duration_range",
            ),
            models.CheckConstraint(condition=STAY_WINDOW.condition, name="call_stay_window"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, Any] = {}
        if not CALL_PERIOD.ordered(self.opens_at, self.closes_at):
            errors[CALL_PERIOD.end] = CALL_PERIOD.message
        if (
            self.min_duration_days
            and self.max_duration_days is not None
            and self.max_duration_days < self.min_duration_days
        ):
            errors["max_duration_days"] = _("The maximum duration is below the minimum.")
        if not STAY_WINDOW.ordered(self.stays_from, self.stays_until):
            errors[STAY_WINDOW.end] = STAY_WINDOW.message
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.opens_at <= now < self.closes_at

    def host_party_codes(self) -> set[str]:
        return set(DIRECTION_HOST_PARTIES[Direction(self.direction)])


class CallHost(models.Model):
    """A host institution that a call offers, with its number of places."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="call_hosts")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["institution__name"]
        verbose_name = _("host institution")
        verbose_name_plural = _("host institutions")
        constraints = [
            models.UniqueConstraint(fields=["call", "institution"], name="callhost_unique")
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.places})"


class Criterion(models.Model):
    """An evaluation criterion of a call with its weight (weights of a call sum to 100)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    is_social_impact = models.BooleanField(
        _("social and urban impact"),
        default=False,
        help_text=_("The MoU asks stays to prioritise social and urban impact."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(is_social_impact=True),
                name="criterion_one_social_impact_per_call",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


def criteria_problems(criteria: list[tuple[int, bool]]) -> list[str]:
    """Return what is wrong with a call's criteria given as (weight, is_social_impact) pairs."""
    problems: list[str] = []
    if sum(weight for weight, _impact in criteria) != 100:
        problems.append(str(_("The weights of the evaluation criteria must sum to 100.")))
    if sum(1 for _weight, impact in criteria if impact) != 1:
        problems.append(str(_("Exactly one criterion must be social and urban impact.")))
    return problems


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
        APPROVED = "approved", _("Approved, awaiting your confirmation")
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
        StayApplication, on_delete=models.CASCADE, related_name="review_assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="stay_reviews",
        verbose_name=_("reviewer"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
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


class ApplicationEvent(TimelineEntry):
    """A step in the life of an application, written by the transition service."""

    application = models.ForeignKey(
        StayApplication, on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class CallChange(models.Model):
    """One change to a call's terms, criteria or hosts: who made it, when, from what to what."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    what = models.CharField(_("what"), max_length=255)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("change to the call")
        verbose_name_plural = _("changes to the call")

    def __str__(self) -> str:
        return self.what
