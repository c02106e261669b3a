"""A joint project: its code, its texts and their search, its institutions, its timeline.

A project's own texts (title, summary, impact statement) are kept in es/ca/en by
django-modeltranslation (``projects/translation.py``); its history, with those texts, is
registered here (``register_project_history``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVector, SearchVectorField
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.history import PortalHistoricalRecords, register_history
from cooperation.models import Axis, Institution, Party, StrategicArea, TimelineEntry
from cooperation.roles import coordinated_institution_id, is_official, is_programme_admin
from cooperation.search import unaccented_query, unaccented_vector
from cooperation.validators import DateRange
from projects.models.codes import (
    LAST_YEAR,
    check_start_date,
    next_project_code,
    project_code_validator,
)
from projects.models.visibility import TakesPart

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import User


# PostgreSQL text-search configuration per interface language. PostgreSQL ships no Catalan
# dictionary: Catalan text is indexed with the language-neutral "simple" configuration.
SEARCH_CONFIGS = {"es": "spanish", "ca": "simple", "en": "english"}
SEARCHED_FIELDS = ("title", "summary", "impact")


def search_vector(language: str) -> SearchVector:
    """Return the text-search vector of one language's title, summary and impact statement."""
    return unaccented_vector(
        (f"{field}_{language}" for field in SEARCHED_FIELDS), SEARCH_CONFIGS[language]
    )


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


def _named(relation: str, value: models.Model | int | str) -> dict[str, Any]:
    """Return the lookup naming a related row by itself, its id or its code.

    The admin's filters name an area, a city or an institution by id, the partner API by code,
    the catalogue's form by the row itself: each reads the same queryset method.
    """
    if isinstance(value, str):
        return {f"{relation}__code": value}
    return {f"{relation}_id": value.pk if isinstance(value, models.Model) else value}


@dataclass(frozen=True)
class Readership:
    """Which projects ``visible_to`` gives a reader: every one, or the public ones and those
    of one institution (none: the public ones only)."""

    every: bool
    institution_id: int | None

    @property
    def key(self) -> str:
        """Name the class in a cache key: readers of one class read the same projects."""
        if self.every:
            return "every"
        return "public" if self.institution_id is None else f"institution-{self.institution_id}"


def readership(user: User | AnonymousUser) -> Readership:
    """Return the reader's class under the visibility rule (``visible_to``, which reads it).

    A list kept for one class (``projects.api.kept``) is kept by this key, so that it can
    never show a reader a project that ``visible_to`` would not.
    """
    if is_programme_admin(user) or is_official(user):
        return Readership(every=True, institution_id=None)
    return Readership(every=False, institution_id=coordinated_institution_id(user))


class JointProjectQuerySet(models.QuerySet["JointProject"]):
    """The reads of projects that the admin, the portal, the API and the stays share."""

    def public(self) -> JointProjectQuerySet:
        return self.filter(public=True)

    def for_institution(self, institution: Institution | int | str | None) -> JointProjectQuerySet:
        """Return the projects in which ``institution`` (the row, its id or its code) takes part."""
        if institution is None:
            return self.none()
        return self.filter(
            Exists(
                Participation.objects.filter(
                    project=OuterRef("pk"), **_named("institution", institution)
                )
            )
        )

    def with_late_milestones(self, today: datetime.date | None = None) -> JointProjectQuerySet:
        """Return the projects with a milestone not done by its due date (before ``today``).

        The one rule of lateness (``Milestone.is_late``) as a query, for the admin's filter and
        the dashboard's panel.
        """
        today = today or timezone.localdate()
        milestone: Any = self.model.milestones.rel.related_model
        late = milestone._default_manager.filter(
            project=OuterRef("pk"), due_date__lt=today
        ).exclude(status="done")
        return self.filter(Exists(late))

    def in_city(self, party: Party | int | str) -> JointProjectQuerySet:
        """Return the projects in which an institution of ``party`` (the row, id or code) takes
        part."""
        return self.filter(
            Exists(
                Participation.objects.filter(
                    project=OuterRef("pk"), **_named("institution__party", party)
                )
            )
        )

    def in_area(self, area: StrategicArea | int | str) -> JointProjectQuerySet:
        """Return the projects whose primary area, or one of their other areas, is ``area`` (the
        row, its id or its code)."""
        through = JointProject.areas.through
        return self.filter(
            Q(**_named("primary_area", area))
            | Exists(
                through.objects.filter(
                    jointproject_id=OuterRef("pk"), **_named("strategicarea", area)
                )
            )
        )

    def started_in(self, year: int) -> JointProjectQuerySet:
        """Return the projects planned to start in ``year``; a year the calendar lacks matches none.

        A range of dates rather than ``start_date__year``: the start date's indexes read it.
        """
        if not 1 <= year <= LAST_YEAR:
            return self.none()
        first_day = datetime.date(year, 1, 1)
        if year == LAST_YEAR:  # no 1 January after it
            return self.filter(start_date__gte=first_day)
        return self.filter(start_date__gte=first_day, start_date__lt=datetime.date(year + 1, 1, 1))

    def linkable_for(self, *, researcher: User, host_id: int | None) -> JointProjectQuerySet:
        """Return the projects a researcher's stay may contribute to, by code.

        Current ones the researcher may read (``visible_to``), public or with the stay's host
        taking part. A researcher reads only public projects: the stay's form must not list
        another institution's private codes and titles to anybody who signs up.
        """
        host_takes_part = Participation.objects.filter(
            project=OuterRef("pk"), institution_id=host_id or 0
        )
        return (
            self.visible_to(researcher)
            .filter(
                status__in=[ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.PROPOSED]
            )
            .filter(Q(public=True) | Exists(host_takes_part))
            .order_by("code")
        )

    def visible_to(
        self, user: User | AnonymousUser, *, row_by_row: bool = False
    ) -> JointProjectQuerySet:
        """Return the projects the user may read: the one visibility rule of the programme.

        Everybody reads the public projects. A non-public one is read by officials and
        administrators (after their second factor, ``cooperation.access``) and by the
        coordinators of the institutions taking part (and their partner systems' clients);
        by no other role, whatever institution a person names. The API, the portal, the
        forms and the reports all read projects through here.
        """
        reader = readership(user)
        if reader.every:
            return self.all()
        institution_id = reader.institution_id
        if institution_id is None:
            return self.public()
        if row_by_row:
            # A page read in order up to a limit (the API's list, a project by its code):
            # each non-public row asks whether the institution takes part, by the unique
            # index. IN and EXISTS become a hash of all the institution's participations,
            # built again for every page: most of a page's time at 100,000 projects.
            return self.filter(Q(public=True) | Q(TakesPart(institution_id)))
        # IN (a hashed subplan in PostgreSQL, as EXISTS would be) needs no outer reference
        # resolved: cheaper to build on every call of every list of the API, and cheaper than
        # row by row when every project is read (the parts' lists: ``project__in=``).
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
        query = unaccented_query(text, SEARCH_CONFIGS[language])
        column = f"search_{language}"
        return (
            self.annotate(search_rank=SearchRank(models.F(column), query))
            .filter(**{column: query})
            .order_by("-search_rank", "-start_date", "code")
        )


# A project's planned dates: the end on or after the start. The table's constraint, the
# model's clean, the services (``rules.check_dates``), the coordinators' form and the API's
# serializer all hold this one rule, with this one message.
PLANNED_DATES = DateRange(
    "start_date", "end_date", _("The planned end cannot be before the planned start.")
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
    # ``history``: every change of the row, registered by ``register_project_history`` below.

    class Meta:
        ordering = ["-start_date", "code"]
        verbose_name = _("joint project")
        verbose_name_plural = _("joint projects")
        constraints = [
            models.CheckConstraint(
                condition=PLANNED_DATES.condition,
                name="project_end_not_before_start",
                violation_error_message=PLANNED_DATES.message,
            )
        ]
        indexes = [
            # The public catalogue: its filters and its search in each language. The id is
            # included so that a page's keys come from the index alone (projects.catalogue).
            models.Index(
                fields=["-start_date", "code"],
                include=["id"],
                condition=Q(public=True),
                name="project_public_by_start_id",
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
        PLANNED_DATES.check(self.start_date, self.end_date)


# The stored search vectors are derived from the texts: the history keeps the texts only.
HISTORY_EXCLUDED_FIELDS = ["search_es", "search_ca", "search_en"]


def register_project_history() -> None:
    """Keep the history of every project (``JointProject.history``), with its texts in every
    language.

    django-modeltranslation adds the texts' columns of each language (``title_es``...) only once
    every app is loaded, and the historical rows must copy them: ``HistoricalRecords()`` on the
    model would be built too early and keep no language. So ``projects/translation.py`` calls
    this once, right after it registers the texts, the order django-simple-history documents
    for django-modeltranslation. A part's history is an ordinary ``PortalHistoricalRecords()``
    (``cooperation/history.py``).
    """
    register_history(JointProject, app="projects", excluded_fields=HISTORY_EXCLUDED_FIELDS)


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
    history = PortalHistoricalRecords()

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


class ProjectEvent(TimelineEntry):
    """A status change of a project: who, when, from, to and why."""

    project = models.ForeignKey(
        JointProject,
        on_delete=models.CASCADE,
        related_name="timeline",
        verbose_name=_("project"),
    )

    NOTES: ClassVar[dict[str, Any]] = {
        "imported": _("Imported from a file (line %(line)s)."),
    }

    class Meta(TimelineEntry.Meta):
        verbose_name = _("project timeline entry")
        verbose_name_plural = _("project timeline")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_status} → {self.to_status}"
