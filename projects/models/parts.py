"""A project's parts (team, funding, milestones, indicators and their measurements), and the
currencies and exchange rates its funding is counted in.

Every part keeps its own history with django-simple-history, readable in the admin.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.history import PortalHistoricalRecords
from cooperation.models import Institution, Party, WebsiteField
from projects.models.project import JointProject


class Currency(models.TextChoices):
    MXN = "MXN", _("Mexican peso (MXN)")
    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")


class TeamMember(models.Model):
    """A person working on a project. Gender is self-declared and only used in aggregates."""

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NON_BINARY = "non_binary", _("Non-binary")
        UNDISCLOSED = "undisclosed", _("Prefers not to say")

    project = models.ForeignKey(
        JointProject, on_delete=models.CASCADE, related_name="team", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="team_members",
        verbose_name=_("institution"),
    )
    role = models.CharField(_("role in the project"), max_length=120)
    gender = models.CharField(
        _("gender (self-declared, optional)"),
        max_length=20,
        choices=Gender.choices,
        blank=True,
        help_text=_("Only used in anonymous totals; never shown publicly."),
    )
    # The history keeps no gender: read person by person, it would show what only totals may.
    history = PortalHistoricalRecords(excluded_fields=["gender"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")

    def __str__(self) -> str:
        return self.name


class FundingCommitment(models.Model):
    """Money or in-kind support promised to a project by a city or an institution."""

    class Kind(models.TextChoices):
        CASH = "cash", _("Cash")
        IN_KIND = "in_kind", _("In kind")

    project = models.ForeignKey(
        JointProject, on_delete=models.CASCADE, related_name="funding", verbose_name=_("project")
    )
    funder_party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_commitments",
        verbose_name=_("funding city"),
    )
    funder_institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_commitments",
        verbose_name=_("funding institution"),
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), _("The amount must be greater than zero."))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000, _("Enter a year from 2000 on."))]
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CASH)
    history = PortalHistoricalRecords()

    class Meta:
        ordering = ["year", "pk"]
        verbose_name = _("funding commitment")
        verbose_name_plural = _("funding commitments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="funding_amount_positive",
                violation_error_message=_("The amount must be greater than zero."),
            ),
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values),
                name="funding_currency_known",
                violation_error_message=_("Choose MXN, EUR or USD."),
            ),
            models.CheckConstraint(
                condition=Q(funder_party__isnull=True, funder_institution__isnull=False)
                | Q(funder_party__isnull=False, funder_institution__isnull=True),
                name="funding_one_funder",
                violation_error_message=_("Choose either a funding city or an institution."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.year})"

    @property
    def funder(self) -> Party | Institution | None:
        return self.funder_party or self.funder_institution


class ExchangeRate(models.Model):
    """One unit of ``base`` is worth ``rate`` units of ``quote`` on ``date`` (kept by officials)."""

    date = models.DateField(_("date"))
    base = models.CharField(_("from currency"), max_length=3, choices=Currency.choices)
    quote = models.CharField(_("to currency"), max_length=3, choices=Currency.choices)
    rate = models.DecimalField(
        _("rate"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"), _("The rate must be positive."))],
    )
    history = PortalHistoricalRecords()

    class Meta:
        ordering = ["-date", "base", "quote"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [
            models.UniqueConstraint(
                fields=["date", "base", "quote"], name="exchange_rate_unique_per_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~Q(base=models.F("quote")),
                name="exchange_rate_two_currencies",
                violation_error_message=_("Choose two different currencies."),
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.date})"


class Milestone(models.Model):
    """A dated step of a project; late when not done by its due date."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    project = models.ForeignKey(
        JointProject,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("project"),
    )
    title = models.CharField(_("title"), max_length=255)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence_url = WebsiteField(_("evidence link"), blank=True)
    history = PortalHistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.status == self.Status.DONE and not self.completed_on:
            raise ValidationError({"completed_on": _("Give the date the milestone was done.")})

    def is_late(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != self.Status.DONE and self.due_date < today


class Indicator(models.Model):
    """A measured result of a project: baseline, target and the values measured over time."""

    project = models.ForeignKey(
        JointProject,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("project"),
    )
    name = models.CharField(_("name"), max_length=255)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=0)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    history = PortalHistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Measurement(models.Model):
    """A value of an indicator on a date."""

    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name=_("indicator"),
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    history = PortalHistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.date}: {self.value}"


def totals_by_currency(projects: models.QuerySet[JointProject]) -> dict[str, Decimal]:
    """Return the committed amounts of the projects, summed per currency in SQL."""
    rows = (
        FundingCommitment.objects.filter(project__in=projects)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {row["currency"]: row["total"] for row in rows}
