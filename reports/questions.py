"""The officials' questions that the dashboard answers beside its charts, with drill-downs.

Each drill-down is an admin list filtered to exactly the records a figure counts, for the
dashboard's period and city (README, "The officials' questions").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.translation import gettext as _

from cooperation.models import Institution
from exchanges.models import CallHost
from projects.models import Participation
from reports.kinds import participation, people
from reports.kinds.common import as_date


def _period_lookups(parameters: dict[str, Any]) -> dict[str, str]:
    """The admin lookups of "running in the period" and "led from the city"."""
    lookups: dict[str, str] = {}
    if start := as_date(parameters.get("date_from")):
        lookups["end_date__gte"] = start.isoformat()
    if end := as_date(parameters.get("date_to")):
        lookups["start_date__lte"] = end.isoformat()
    if parameters.get("city"):
        lookups["participations__role"] = "lead"
        lookups["participations__institution__party__code"] = str(parameters["city"])
    return lookups


def project_links(kind: str, parameters: dict[str, Any]) -> Callable[[int], str]:
    """Return the address of the admin list of the projects of one area or axis (question 1).

    Areas count a project under its primary area, axes under each of its axes, as the chart.
    """
    listing = reverse("admin:projects_jointproject_changelist")
    lookup = "primary_area__id__exact" if kind == "area" else "axes__id__exact"
    scope = _period_lookups(parameters)

    def link(pk: int) -> str:
        return listing + "?" + urlencode({lookup: pk, **scope})

    return link


def none_note(kind: str, names: list[str]) -> str:
    """Name the areas or axes without any project in the period (question 1)."""
    if kind == "area":
        if not names:
            return _("Every strategic area has projects in the period.")
        return _("Strategic areas with no project: %(names)s.") % {"names": "; ".join(names)}
    if not names:
        return _("Every axis has projects in the period.")
    return _("Axes with no project: %(names)s.") % {"names": "; ".join(names)}


def unengaged_ecos(queryset: QuerySet[Any] | None = None) -> QuerySet[Any]:
    """Return the active ECOS Network institutions that take part in no project and host in
    no call, ever (question 9): the panel counts them and the admin list shows them."""
    queryset = Institution.objects.all() if queryset is None else queryset
    return (
        queryset.filter(ecos_member=True, active=True)
        .exclude(Exists(Participation.objects.filter(institution_id=OuterRef("pk"))))
        .exclude(Exists(CallHost.objects.filter(institution_id=OuterRef("pk"))))
    )


def stays_of_period(queryset: QuerySet[Any], scope: dict[str, str]) -> QuerySet[Any]:
    """Return the stays of the period hosted in the city (question 4), exactly the ones the
    dashboard counts: the stays' own statement (``reports.kinds.people``) selects them."""
    source, conditions, params, _band = people.stays_where(scope)
    if scope.get("host_city"):
        conditions += " AND hp.code = %s"
        params = [*params, scope["host_city"]]
    if scope.get("host"):  # question 7: one host's stays
        conditions += " AND a.host_id = %s"
        params = [*params, int(scope["host"])]
    return queryset.filter(pk__in=RawSQL(f"SELECT a.id {source} {conditions}", params))  # noqa: S611 (names from Meta, values as parameters)


def stays_link(host_city: str, parameters: dict[str, Any], *, host: int | None = None) -> str:
    """Return the address of the admin list of the stays of the period hosted in a city (or
    by one host of it)."""
    scope = {"host_city": host_city}
    if host is not None:
        scope["host"] = str(host)
    for key in ("date_from", "date_to"):
        if value := as_date(parameters.get(key)):
            scope[key] = value.isoformat()
    return reverse("admin:reports_periodstay_changelist") + "?" + urlencode(scope)


def applications_of_period(queryset: QuerySet[Any], scope: dict[str, str]) -> QuerySet[Any]:
    """Return the applicants of the period (question 5), exactly the ones the dashboard counts:
    the applicants' own statement (``reports.kinds.participation``) selects them."""
    source, conditions, params = participation.applications_where(scope)
    return queryset.filter(pk__in=RawSQL(f"SELECT a.id {source} {conditions}", params))  # noqa: S611 (names from Meta, values as parameters)


def applications_link(parameters: dict[str, Any], *, awarded: bool, axis: bool) -> str:
    """Return the address of the admin list of the applicants (or awardees) of the period,
    hosted in the dashboard's city, over all axes or for axis 3."""
    scope: dict[str, str] = {}
    for key in ("date_from", "date_to"):
        if value := as_date(parameters.get(key)):
            scope[key] = value.isoformat()
    if parameters.get("city"):
        scope["host_city"] = str(parameters["city"])
    if awarded:
        scope["awarded"] = "yes"
    if axis:
        scope["axis"] = str(participation.AXIS_NUMBER)
    listing = reverse("admin:reports_periodapplication_changelist")
    return listing + ("?" + urlencode(scope) if scope else "")
