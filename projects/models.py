"""Joint projects between institutions of the two cities, and their parts.

A project's own texts (title, summary, impact statement) are kept in es/ca/en by
django-modeltranslation (``projects/translation.py``, which also registers the project's
history, after the translated columns exist). Every part keeps its own history with
django-simple-history, readable in the admin.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cooperation.models import (
    Axis,
    Institution,
    Party,
    StrategicArea,
    TimelineEntry,
    WebsiteField,
)
from cooperation.roles import coordinated_institution_id, is_official, is_programme_admin

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import User

CODE_PREFIX = "CDMX-BCN"
project_code_validator = RegexValidator(
    r"^CDMX-BCN-\d{4}-\d{4}$",
    _("A project code looks like CDMX-BCN-2026-0001."),
)

# A project's code carries its start year in four digits (CDMX-BCN-2026-0001).
FIRST_YEAR, LAST_YEAR = 1000, 9999


def check_start_date(start_date: datetime.date | None) -> None:
    """Refuse a start whose year the project code cannot carry in four digits."""
    if start_date is not None:
        check_start_year(start_date.year)


def check_start_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            {
                "start_date": _("The planned start must be in a year from %(first)s to %(last)s.")
                % {"first": FIRST_YEAR, "last": LAST_YEAR}
            },
            code="start_year",
        )


# PostgreSQL text-search configuration per interface language. PostgreSQL ships no Catalan
# dictionary: Catalan text is indexed with the language-neutral "simple" configuration.
SEARCH_CONFIGS = {"es": "spanish", "ca": "simple", "en": "english"}
SEARCHED_FIELDS = ("title", "summary", "impact")


def search_vector(language: str) -> SearchVector:
    """Return the text-search vector of one language's title, summary and impact statement."""
    return SearchVector(
        *(f"{field}_{language}" for field in SEARCHED_FIELDS), config=SEARCH_CONFIGS[language]
    )


class Currency(models.TextChoices):
    MXN = "MXN", _("Mexican peso (MXN)")
    EUR = "EUR", _("Euro (EUR)")
    USD = "USD", _("US dollar (USD)")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class JointProjectQuerySet(models.QuerySet["JointProject"]):
    def public(self) -> JointProjectQuerySet:
        return self.filter(public=True)

    def for_institution(self, institution_id: int | None) -> JointProjectQuerySet:
        if institution_id is None:
            return self.none()
        return self.filter(
            Exists(
                Participation.objects.filter(project=OuterRef("pk"), institution_id=institution_id)
            )
        )

    def in_city(self, party_id: int) -> JointProjectQuerySet:
        return self.filter(
            Exists(
                Participation.objects.filter(project=OuterRef("pk"), institution__party_id=party_id)
            )
        )

    def visible_to(self, user: User | AnonymousUser) -> JointProjectQuerySet:
        """Return the projects the user may read: the one visibility rule of the programme.

        Everybody reads the public projects. A non-public one is read by officials and
        administrators (after their second factor, ``cooperation.access``) and by the
        coordinators of the institutions taking part (and their partner systems' clients);
        by no other role, whatever institution a person names. The API, the portal, the
        forms and the reports all read projects through here.
        """
        if is_programme_admin(user) or is_official(user):
            return self.all()
        institution_id = coordinated_institution_id(user)
        if institution_id is None:
            return self.public()
        # IN (a hashed subplan in PostgreSQL, as EXISTS would be) needs no outer reference
        # resolved: cheaper to build on every call of every list of the API.
        own = Participation.objects.filter(institution_id=institution_id).values("project_id")
        return self.filter(Q(public=True) | Q(pk__in=own))

    def for_listing(self) -> JointProjectQuerySet:
        """Carry what a list shows, so that rendering a page never queries again."""
        return self.select_related("primary_area").prefetch_related(
            models.Prefetch(
                "participations",
                queryset=Participation.objects.select_related("institution__party").order_by(
                    "role", "institution__name"
                ),
            ),
            "axes",
        )

    def search(self, text: str, language: str) -> JointProjectQuerySet:
        """Filter by PostgreSQL full-text search in one language, best matches first.

        The filter reads the language's stored vector, which its GIN index covers.
        """
        if language not in SEARCH_CONFIGS:
            language = "es"
        query = SearchQuery(text, config=SEARCH_CONFIGS[language], search_type="websearch")
        column = f"search_{language}"
        return (
            self.annotate(search_rank=SearchRank(models.F(column), query))
            .filter(**{column: query})
            .order_by("-search_rank", "-start_date", "code")
        )


class JointProject(models.Model):
    """A project run jointly by institutions of Mexico City and Barcelona."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[project_code_validator],
        help_text=_("Generated when the project is created, for example CDMX-BCN-2026-0001."),
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    impact = models.TextField(_("social and urban impact"), blank=True)
    primary_area = models.ForeignKey(
        StrategicArea,
        on_delete=models.PROTECT,
        related_name="primary_projects",
        verbose_name=_("primary strategic area"),
    )
    areas = models.ManyToManyField(
        StrategicArea,
        blank=True,
        related_name="secondary_projects",
        verbose_name=_("other strategic areas"),
    )
    axes: models.ManyToManyField[Axis, Any] = models.ManyToManyField(
        Axis, blank=True, related_name="projects", verbose_name=_("axes")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProjectStatus.choices,
        default=ProjectStatus.PROPOSED,
        db_index=True,
    )
    start_date = models.DateField(_("planned start"))
    end_date = models.DateField(_("planned end"))
    public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown in the public catalogue.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The searched texts of each language as stored tsvectors, kept by PostgreSQL: the GIN
    # index finds the matches and ranking reads the stored vector instead of parsing the
    # texts of every match again.
    search_es = models.GeneratedField(
        expression=search_vector("es"), output_field=SearchVectorField(), db_persist=True
    )
    search_ca = models.GeneratedField(
        expression=search_vector("ca"), output_field=SearchVectorField(), db_persist=True
    )
    search_en = models.GeneratedField(
        expression=search_vector("en"), output_field=SearchVectorField(), db_persist=True
    )

    objects = JointProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="project_end_not_before_start",
                violation_error_message=_("The planned end cannot be before the planned start."),
            )
        ]
        indexes = [
            # The public catalogue: its filters and its search in each language.
            models.Index(
                fields=["-start_date", "code"],
                condition=Q(public=True),
                name="project_public_by_start",
            ),
            GinIndex(fields=["search_es"], name="project_search_es"),
            GinIndex(fields=["search_ca"], name="project_search_ca"),
            GinIndex(fields=["search_en"], name="project_search_en"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.code:
            year = (self.start_date or timezone.localdate()).year
            self.code = next_project_code(year)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("projects:detail", kwargs={"code": self.code})

    def clean(self) -> None:
        check_start_date(self.start_date)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The planned end cannot be before the planned start.")}
            )


class ProjectCodeCounter(models.Model):
    """The last number given to a project code in one year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("project code counter")
        verbose_name_plural = _("project code counters")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def next_project_code(year: int) -> str:
    """Return the year's next code; one UPSERT, so two concurrent creations never collide."""
    # Every path that makes a project ends here: none may make a code its pattern refuses.
    check_start_year(year)
    table = ProjectCodeCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 (table name from Meta)
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        number = cursor.fetchone()[0]
    return f"{CODE_PREFIX}-{year}-{number:04d}"


def reserve_project_codes(codes: list[str]) -> None:
    """Move each year's counter past imported codes, so generated codes never collide."""
    highest: dict[int, int] = {}
    for code in codes:
        year, number = (int(part) for part in code.rsplit("-", 2)[1:])
        highest[year] = max(highest.get(year, 0), number)
    table = ProjectCodeCounter._meta.db_table
    with connection.cursor() as cursor:
        for year, number in highest.items():
            cursor.execute(
                f"INSERT INTO {table} (year, last) VALUES (%s, %s) "  # noqa: S608
                f"ON CONFLICT (year) DO UPDATE SET last = GREATEST({table}.last, EXCLUDED.last)",
                [year, number],
            )


class Participation(models.Model):
    """An institution taking part in a project, as its lead or as a partner."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        PARTNER = "partner", _("Partner")

    project = models.ForeignKey(
        JointProject,
        on_delete=models.CASCADE,
        related_name="participations",
        verbose_name=_("project"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("institution"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.PARTNER)
    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "pk"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "institution"],
                name="participation_unique_institution",
                violation_error_message=_("This institution already takes part in the project."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} ({self.get_role_display()})"


class ProjectListing(models.Model):
    """A project as the partner API lists it, as a row of a database view.

    The view (``migrations/0003_projectlisting.py``) writes each project's list representation
    in JSON (code, titles, status, areas, axes, dates, institutions with their city and role,
    last change), so that a page of projects is one simple query whose rows go to the response
    untouched (``projects.api``; ``bench/api.py`` measures it). PostgreSQL computes it when it
    is read, so it is always current. Read-only.

    PostgreSQL refuses to change the type of a column a view reads (a project's code, titles,
    status, dates or flag; the codes of areas, axes, institutions and cities; a participation's
    role): a migration that alters one must drop the view first and create it again after,
    with the SQL of ``0003_projectlisting`` (``migrations.RunSQL(VIEW)``), changed if needed.
    """

    project = models.OneToOneField(
        JointProject,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        related_name="listing",
        db_column="project_id",
    )
    # JSON text, keys in the order of ``projects.api.ProjectListSerializer``.
    representation = models.TextField()

    class Meta:
        managed = False
        db_table = "projects_listing"
        verbose_name = _("project listing")
        verbose_name_plural = _("project listings")

    def __str__(self) -> str:
        return str(self.pk)


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
    history = HistoricalRecords(excluded_fields=["gender"])

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

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
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self) -> str:
        return f"{self.date}: {self.value}"


class ProjectEvent(TimelineEntry):
    """A status change of a project: who, when, from, to and why."""

    project = models.ForeignKey(
        JointProject,
        on_delete=models.CASCADE,
        related_name="timeline",
        verbose_name=_("project"),
    )

    class Meta(TimelineEntry.Meta):
        verbose_name = _("project timeline entry")
        verbose_name_plural = _("project timeline")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


def totals_by_currency(projects: models.QuerySet[JointProject]) -> dict[str, Decimal]:
    """Return the committed amounts of the projects, summed per currency in SQL."""
    rows = (
        FundingCommitment.objects.filter(project__in=projects)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by("currency")
    )
    return {row["currency"]: row["total"] for row in rows}


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
