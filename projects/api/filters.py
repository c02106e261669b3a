"""The partner API's filters of projects and of their parts."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from cooperation.api.filters import RequestedFilterSet
from projects.models import FundingCommitment, JointProject, Participation, ProjectStatus


class ProjectFilter(RequestedFilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    city = django_filters.ChoiceFilter(
        choices=[("CDMX", "CDMX"), ("BCN", "BCN")], method="filter_city"
    )
    area = django_filters.CharFilter(method="filter_area")
    axis = django_filters.CharFilter(field_name="axes__code")
    institution = django_filters.CharFilter(method="filter_institution")
    year = django_filters.NumberFilter(method="filter_year")
    public = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_public"
    )

    class Meta:
        model = JointProject
        fields = ["status", "city", "area", "axis", "institution", "year", "public"]

    def filter_city(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        return queryset.filter(
            Exists(
                Participation.objects.filter(project=OuterRef("pk"), institution__party__code=value)
            )
        )

    def filter_area(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        through = JointProject.areas.through
        return queryset.filter(
            Q(primary_area__code=value)
            | Exists(
                through.objects.filter(jointproject_id=OuterRef("pk"), strategicarea__code=value)
            )
        )

    def filter_institution(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        return queryset.filter(
            Exists(Participation.objects.filter(project=OuterRef("pk"), institution__code=value))
        )

    def filter_year(self, queryset: QuerySet[JointProject], name: str, value: Any) -> Any:
        # Years outside the calendar (0, 10000, 2026.5) match no project; they are not errors.
        if value != int(value) or not 1 <= value <= 9999:
            return queryset.none()
        return queryset.filter(start_date__year=int(value))

    def filter_public(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        return queryset.filter(public=value == "true")


class ProjectPartFilter(RequestedFilterSet):
    project = django_filters.CharFilter(
        field_name="project__code", help_text="A project's code, e.g. CDMX-BCN-2026-0001."
    )


class ParticipationFilter(ProjectPartFilter):
    class Meta:
        model = Participation
        fields = ["project"]


class FundingFilter(ProjectPartFilter):
    class Meta:
        model = FundingCommitment
        fields = ["project"]
