"""Calls for stays: their terms, host institutions, evaluation criteria and changes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, StrategicArea
from cooperation.validators import DateRange

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


# The order of a call's dates: one rule (``cooperation.validators.DateRange``) that the
# table's constraint, the model's clean and the services read.
CALL_PERIOD = DateRange(
    "opens_at", "closes_at", _("The call must close after it opens."), same_day=False
)
STAY_WINDOW = DateRange(
    "stays_from", "stays_until", _("The stay window must end after it starts."), same_day=False
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
