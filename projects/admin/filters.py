"""The projects list's filters, and the rows of its CSV and XLSX exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperation.inputs import bounded_int
from cooperation.models import Institution, Party, StrategicArea
from projects.models import LAST_YEAR, JointProject


class LateMilestonesFilter(admin.SimpleListFilter):
    """Projects with a milestone not done by its due date (the dashboard's panel links here)."""

    title = gettext_lazy("late milestones")
    parameter_name = "late"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [("yes", _("With late milestones"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() != "yes":
            return queryset
        return queryset.with_late_milestones()  # type: ignore[attr-defined]


class AreaFilter(admin.SimpleListFilter):
    title = gettext_lazy("strategic area")
    parameter_name = "area"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [(a.pk, str(a)) for a in StrategicArea.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = bounded_int(self.value())  # anything but an id filters nothing
        if value is None:
            return queryset
        return queryset.in_area(value)  # type: ignore[attr-defined]


class CityFilter(admin.SimpleListFilter):
    title = gettext_lazy("city")
    parameter_name = "city"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [(p.pk, str(p)) for p in Party.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = bounded_int(self.value())
        if value is None:
            return queryset
        return queryset.in_city(value)  # type: ignore[attr-defined]


class InstitutionFilter(admin.SimpleListFilter):
    title = gettext_lazy("institution")
    parameter_name = "institution"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [
            (i.pk, str(i))
            for i in Institution.objects.filter(participations__isnull=False)
            .distinct()
            .order_by("name")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = bounded_int(self.value())
        if value is None:
            return queryset
        return queryset.for_institution(value)  # type: ignore[attr-defined]


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("start year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        years = JointProject.objects.dates("start_date", "year", order="DESC")
        return [(d.year, str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        year = bounded_int(self.value(), minimum=1, maximum=LAST_YEAR)  # a year the calendar has
        if year is None:
            return queryset
        return queryset.started_in(year)  # type: ignore[attr-defined]


EXPORT_COLUMNS = (
    ("code", gettext_lazy("code")),
    ("title", gettext_lazy("title")),
    ("status", gettext_lazy("status")),
    ("primary_area", gettext_lazy("primary strategic area")),
    ("start_date", gettext_lazy("planned start")),
    ("end_date", gettext_lazy("planned end")),
    ("public", gettext_lazy("public")),
    ("institutions", gettext_lazy("institutions")),
)


def export_rows(queryset: QuerySet[JointProject]) -> Iterator[list[Any]]:
    yield [str(label) for _key, label in EXPORT_COLUMNS]
    # The admin's queryset already carries the listing's select and prefetch.
    for project in queryset.iterator(chunk_size=500):
        yield [
            project.code,
            project.title,
            project.get_status_display(),
            str(project.primary_area),
            project.start_date,
            project.end_date,
            _("yes") if project.public else _("no"),
            "; ".join(
                f"{p.institution.code} ({p.institution.party.code}, {p.get_role_display()})"
                for p in project.participations.all()
            ),
        ]


class MissingTranslationFilter(admin.SimpleListFilter):
    """Projects whose title, summary or impact statement lacks its text in one language.

    Officials find here what the Catalan or English pages show in Spanish (marked "in
    Spanish" there) and fill it on the project's page, where the languages sit side by side.
    """

    title = gettext_lazy("missing translation")
    parameter_name = "untranslated"
    LANGUAGES = ("ca", "en")

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        from django.conf import settings

        names = dict(settings.LANGUAGES)
        return [(code, str(names[code])) for code in self.LANGUAGES if code in names]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        from django.db.models import Q

        language = self.value()
        if language not in self.LANGUAGES:
            return queryset  # anything else filters nothing
        missing = Q()
        for field in ("title", "summary", "impact"):
            base = f"{field}_es"
            name = f"{field}_{language}"
            # A text exists in Spanish (the required language) but not in this one.
            missing |= (Q(**{f"{name}__isnull": True}) | Q(**{name: ""})) & ~(
                Q(**{f"{base}__isnull": True}) | Q(**{base: ""})
            )
        return queryset.filter(missing)
