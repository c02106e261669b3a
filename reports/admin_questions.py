"""The admin lists behind the figures of the officials' questions (their drill-downs)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy

from reports.kinds import participation, people
from reports.models import PeriodApplication, PeriodStay, UnengagedEcosInstitution
from reports.questions import applications_of_period, stays_of_period, unengaged_ecos
from reports.services import can_use_reports


class _ReadOnly(admin.ModelAdmin):
    """Read by those who may use reports; changed only in the records' own admin."""

    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_reports(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_reports(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _ScopeFilter(admin.SimpleListFilter):
    """One condition of a dashboard figure's records (the stays of question 4, the applicants
    of question 5), kept in the list's address so that its pages and sorting keep it; shown
    only when set. A value it does not take is refused, as the dashboard's form refuses it."""

    allowed: ClassVar[dict[str, Any]] = {}  # the values it takes, with their labels

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        value = self.value()
        return [(value, str(self.allowed.get(value, value)))] if value else []

    def valid(self, value: str) -> bool:
        """Whether the filter takes ``value``: one of ``allowed``, else a date."""
        return value in self.allowed if self.allowed else _is_date(value)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if not self.valid(value):
            raise IncorrectLookupParameters(value)
        return self.scope(queryset, {str(self.parameter_name): value})

    def scope(self, queryset: QuerySet[Any], condition: dict[str, str]) -> QuerySet[Any]:
        raise NotImplementedError


class _StayScopeFilter(_ScopeFilter):
    def scope(self, queryset: QuerySet[Any], condition: dict[str, str]) -> QuerySet[Any]:
        return stays_of_period(queryset, condition)


class HostCityFilter(_StayScopeFilter):
    title = gettext_lazy("host city")
    parameter_name = "host_city"
    allowed = {city: city for city in people.CITIES}


class HostFilter(_StayScopeFilter):
    """Question 7: the stays of one host (its name in the list, the id in the address)."""

    title = gettext_lazy("host institution")
    parameter_name = "host"

    def valid(self, value: str) -> bool:
        return value.isdigit()


class StaysFromFilter(_StayScopeFilter):
    title = gettext_lazy("stays ending on or after")
    parameter_name = "date_from"


class StaysUntilFilter(_StayScopeFilter):
    title = gettext_lazy("stays starting on or before")
    parameter_name = "date_to"


@admin.register(PeriodStay)
class PeriodStayAdmin(_ReadOnly):
    """Question 4: the stays behind the dashboard's "stays each way" of a period and city.

    Each filter is one condition of the stays' statement; together they are the dashboard's.
    """

    list_display = ("id", "researcher", "call", "host", "status", "start_date", "end_date")
    list_filter = (HostCityFilter, HostFilter, StaysFromFilter, StaysUntilFilter)
    list_select_related = ("researcher", "call", "host")
    ordering = ("pk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return stays_of_period(super().get_queryset(request), {})


class _ApplicationScopeFilter(_ScopeFilter):
    def scope(self, queryset: QuerySet[Any], condition: dict[str, str]) -> QuerySet[Any]:
        return applications_of_period(queryset, condition)


class ApplicationHostCityFilter(_ApplicationScopeFilter):
    title = gettext_lazy("host city")
    parameter_name = "host_city"
    allowed = {city: city for city in people.CITIES}


class CallsFromFilter(_ApplicationScopeFilter):
    title = gettext_lazy("calls closing on or after")
    parameter_name = "date_from"


class CallsUntilFilter(_ApplicationScopeFilter):
    title = gettext_lazy("calls opening on or before")
    parameter_name = "date_to"


class AwardedFilter(_ApplicationScopeFilter):
    title = gettext_lazy("awarded a stay")
    parameter_name = "awarded"
    allowed = {"yes": gettext_lazy("Yes")}


class AxisNumberFilter(_ApplicationScopeFilter):
    title = gettext_lazy("axis of the joint project")
    parameter_name = "axis"
    allowed = {str(participation.AXIS_NUMBER): str(participation.AXIS_NUMBER)}


@admin.register(PeriodApplication)
class PeriodApplicationAdmin(_ReadOnly):
    """Question 5: the applicants (and awardees) behind the dashboard's women's participation.

    Each filter is one condition of the applicants' statement; together they are the
    dashboard's. Gender is not shown: the list names people, the figures only count them.
    """

    list_display = ("id", "researcher", "call", "host", "status", "joint_project")
    list_filter = (
        ApplicationHostCityFilter,
        CallsFromFilter,
        CallsUntilFilter,
        AwardedFilter,
        AxisNumberFilter,
    )
    list_select_related = ("researcher", "call", "host", "joint_project")
    ordering = ("pk",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return applications_of_period(super().get_queryset(request), {})


def _is_date(value: str) -> bool:
    try:
        return parse_date(value) is not None
    except ValueError:
        return False


@admin.register(UnengagedEcosInstitution)
class UnengagedEcosInstitutionAdmin(_ReadOnly):
    """Question 9: read here, changed in the institutions' own admin (each name links there)."""

    list_display = ("name", "code", "kind", "party")
    list_filter = ("party__code",)
    list_select_related = ("party",)
    search_fields = ("code", "name_es", "name_ca", "name_en")
    ordering = ("party__code", "name")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return unengaged_ecos(super().get_queryset(request))
