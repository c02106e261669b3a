"""The partner API's filters of projects and of their parts."""

from __future__ import annotations

from typing import Any

import django_filters

from cooperation.api.filters import RequestedFilterSet
from projects.models import (
    FundingCommitment,
    JointProject,
    JointProjectQuerySet,
    Participation,
    ProjectStatus,
)


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

    # The view's queryset is the caller's visible projects; each filter is one of its methods,
    # as the admin's and the catalogue's filters are.

    def filter_city(self, queryset: JointProjectQuerySet, name: str, value: str) -> Any:
        return queryset.in_city(value)

    def filter_area(self, queryset: JointProjectQuerySet, name: str, value: str) -> Any:
        return queryset.in_area(value)

    def filter_institution(self, queryset: JointProjectQuerySet, name: str, value: str) -> Any:
        return queryset.for_institution(value)

    def filter_year(self, queryset: JointProjectQuerySet, name: str, value: Any) -> Any:
        # Years outside the calendar (0, 10000, 2026.5) match no project; they are not errors.
        if value != int(value):
            return queryset.none()
        return queryset.started_in(int(value))

    def filter_public(self, queryset: JointProjectQuerySet, name: str, value: str) -> Any:
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
