"""Practices: a methodology, good practice, tool or policy of one city's institution.

- ``Practice``: its texts in es/ca/en (django-modeltranslation, ``knowledge/translation.py``),
  its review status and its search vectors;
- ``PracticeEvent``: its timeline;
- ``PracticeLink`` and ``PracticeAttachment``: where to read more, each with its licence.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchRank, SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Institution, Party, StrategicArea, TimelineEntry
from cooperation.roles import coordinated_institution_id, is_official, is_programme_admin
from cooperation.search import unaccented_query, unaccented_vector
from cooperation.storage import NamedStorage
from projects.models import SEARCH_CONFIGS, JointProject

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import User


class PracticeKind(models.TextChoices):
    METHODOLOGY = "methodology", _("Methodology")
    GOOD_PRACTICE = "good_practice", _("Good practice")
    TOOL = "tool", _("Tool or platform")
    POLICY = "policy", _("Policy")


class Audience(models.TextChoices):
    TEACHERS = "teachers", _("Teachers")
    STUDENTS = "students", _("Students")
    STUDENTS_WITH_DISABILITIES = "students_disabilities", _("Students with disabilities")
    RESEARCHERS = "researchers", _("Researchers")
    CITIZENS = "citizens", _("Citizens")
    OFFICIALS = "officials", _("Public officials")
    COMPANIES = "companies", _("Companies")


class Licence(models.TextChoices):
    # SPDX identifiers: what open-data catalogues and partner systems read.
    CC_BY = "CC-BY-4.0", _("Creative Commons Attribution 4.0")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons Attribution-ShareAlike 4.0")
    CC_BY_NC = "CC-BY-NC-4.0", _("Creative Commons Attribution-NonCommercial 4.0")
    CC0 = "CC0-1.0", _("Creative Commons Zero (public domain)")
    OPEN_SOFTWARE = "open_source", _("Open-source software licence")
    RESERVED = "reserved", _("All rights reserved")


class PracticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned")


# The texts a practice keeps in each language, and those its search reads.
TRANSLATED_FIELDS = (
    "title",
    "summary",
    "problem",
    "approach",
    "resources",
    "results",
    "evidence",
    "transferability",
)
SEARCHED_FIELDS = ("title", "summary", "problem", "approach", "results")


def search_vector(language: str) -> SearchVector:
    """Return the text-search vector of one language's searched texts (as the catalogue's)."""
    return unaccented_vector(
        (f"{field}_{language}" for field in SEARCHED_FIELDS), SEARCH_CONFIGS[language]
    )


class PracticeQuerySet(models.QuerySet["Practice"]):
    """The reads of practices that the public pages, the portal, the admin and the API share."""

    def published(self) -> PracticeQuerySet:
        return self.filter(status=PracticeStatus.PUBLISHED)

    def of_institution(self, institution_id: int | None) -> PracticeQuerySet:
        if institution_id is None:
            return self.none()
        return self.filter(institution_id=institution_id)

    def in_area(self, area: StrategicArea | int) -> PracticeQuerySet:
        """Return the practices whose primary area, or one of their other areas, is ``area``."""
        area_id = area.pk if isinstance(area, StrategicArea) else area
        through = Practice.areas.through
        return self.filter(
            Q(primary_area_id=area_id)
            | models.Exists(
                through.objects.filter(practice_id=models.OuterRef("pk"), strategicarea_id=area_id)
            )
        )

    def visible_to(self, user: User | AnonymousUser) -> PracticeQuerySet:
        """Return the practices the user may read: published ones, and for officials and
        administrators every practice, for a coordinator also their institution's drafts."""
        if is_programme_admin(user) or is_official(user):
            return self.all()
        institution_id = coordinated_institution_id(user)
        if institution_id is None:
            return self.published()
        return self.filter(Q(status=PracticeStatus.PUBLISHED) | Q(institution_id=institution_id))

    def for_listing(self) -> PracticeQuerySet:
        """Carry what a list shows, so that rendering a page never queries again."""
        return self.select_related("institution", "origin", "primary_area").prefetch_related("axes")

    def for_detail(self) -> PracticeQuerySet:
        """Carry what a practice's page shows (one query per relation, whatever their size)."""
        # Transfers point at practices (their module imports this one): found by the relation.
        transfer_model: Any = Practice._meta.get_field("transfers").related_model

        return self.for_listing().prefetch_related(
            "areas",
            "partners",
            "links",
            "attachments",
            models.Prefetch(
                "projects", queryset=JointProject.objects.filter(public=True).order_by("code")
            ),
            models.Prefetch(
                "transfers",
                queryset=transfer_model.objects.filter(public=True)
                .select_related("institution__party")
                .order_by("-updated_at"),
                to_attr="public_transfers",
            ),
        )

    def search(self, text: str, language: str) -> PracticeQuerySet:
        """Filter by PostgreSQL full-text search in one language, best matches first."""
        if language not in SEARCH_CONFIGS:
            language = "es"
        query = unaccented_query(text, SEARCH_CONFIGS[language])
        column = f"search_{language}"
        return (
            self.annotate(search_rank=SearchRank(models.F(column), query))
            .filter(**{column: query})
            .order_by("-search_rank", "-published_at", "pk")
        )


class Practice(models.Model):
    """A methodology, good practice, tool or policy that one city's institution offers."""

    kind = models.CharField(_("kind"), max_length=20, choices=PracticeKind.choices)
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    problem = models.TextField(_("problem it answers"), blank=True)
    approach = models.TextField(_("how it works"), blank=True)
    resources = models.TextField(_("resources it needs"), blank=True)
    results = models.TextField(_("results"), blank=True)
    evidence = models.TextField(_("evidence of the results"), blank=True)
    transferability = models.TextField(_("what makes it transferable"), blank=True)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="practices",
        verbose_name=_("institution"),
        help_text=_("The institution that offers the practice; its coordinators keep it."),
    )
    # The city of origin is the institution's, copied by the services when the practice is
    # created: lists filter on it without a join, and an official's scope reads it.
    origin = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="practices", verbose_name=_("city of origin")
    )
    partners: models.ManyToManyField[Institution, Any] = models.ManyToManyField(
        Institution,
        blank=True,
        related_name="partner_practices",
        verbose_name=_("other institutions behind it"),
    )
    primary_area = models.ForeignKey(
        StrategicArea,
        on_delete=models.PROTECT,
        related_name="primary_practices",
        verbose_name=_("primary strategic area"),
    )
    areas: models.ManyToManyField[StrategicArea, Any] = models.ManyToManyField(
        StrategicArea,
        blank=True,
        related_name="secondary_practices",
        verbose_name=_("other strategic areas"),
    )
    axes: models.ManyToManyField[Axis, Any] = models.ManyToManyField(
        Axis, blank=True, related_name="practices", verbose_name=_("axes")
    )
    audiences = ArrayField(
        models.CharField(max_length=30, choices=Audience.choices),
        verbose_name=_("audiences"),
        default=list,
        blank=True,
    )
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    projects: models.ManyToManyField[JointProject, Any] = models.ManyToManyField(
        JointProject, blank=True, related_name="practices", verbose_name=_("linked projects")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PracticeStatus.choices,
        default=PracticeStatus.DRAFT,
        db_index=True,
    )
    review_note = models.TextField(
        _("review note"), blank=True, help_text=_("Why the practice was returned.")
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
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
    search_es = models.GeneratedField(
        expression=search_vector("es"), output_field=SearchVectorField(), db_persist=True
    )
    search_ca = models.GeneratedField(
        expression=search_vector("ca"), output_field=SearchVectorField(), db_persist=True
    )
    search_en = models.GeneratedField(
        expression=search_vector("en"), output_field=SearchVectorField(), db_persist=True
    )

    objects = PracticeQuerySet.as_manager()
    # ``history``: registered by ``register_knowledge_history`` (knowledge/translation.py).

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="practice_published",
            ),
            GinIndex(fields=["audiences"], name="practice_audiences"),
            GinIndex(fields=["search_es"], name="practice_search_es"),
            GinIndex(fields=["search_ca"], name="practice_search_ca"),
            GinIndex(fields=["search_en"], name="practice_search_en"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("knowledge:detail", kwargs={"pk": self.pk})

    @property
    def audience_labels(self) -> list[str]:
        return [str(Audience(value).label) for value in self.audiences if value in Audience]


class PracticeEvent(TimelineEntry):
    """A status change of a practice: who, when, from, to and why (the review's note)."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("practice")
    )

    NOTES: ClassVar[dict[str, Any]] = {
        "back_to_review": _("Changed after publication: back to review."),
    }

    class Meta(TimelineEntry.Meta):
        verbose_name = _("practice timeline entry")
        verbose_name_plural = _("practice timeline")

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.from_status} → {self.to_status}"


class PracticeLink(models.Model):
    """A web page about a practice (its platform, a guide, a video), with its licence."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="links", verbose_name=_("practice")
    )
    title = models.CharField(_("title"), max_length=255)
    url = models.URLField(_("web address"), max_length=500)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.title


@deconstructible(path="knowledge.models.DocumentStorage")
class DocumentStorage(NamedStorage):
    """Practices' documents in the ``private`` storage of settings.STORAGES, under ``knowledge/``.

    No public URL (the private storage gives none): a draft's documents are not public, so the
    download view checks who may read the practice before it serves a file.
    """

    def __init__(self) -> None:
        super().__init__("private")


def attachment_path(instance: PracticeAttachment, filename: str) -> str:
    # A random name: nothing of the uploader's file name reaches the file system.
    return f"knowledge/practices/{instance.practice_id}/{uuid.uuid4().hex}.pdf"


class PracticeAttachment(models.Model):
    """A PDF document of a practice (a guide, an evaluation), checked by its content."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("practice")
    )
    title = models.CharField(_("title"), max_length=255)
    file = models.FileField(_("file"), upload_to=attachment_path, storage=DocumentStorage())
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title
