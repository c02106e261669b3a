"""Parameters shared by the programme's reports, and the SQL filters they become."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Institution, Party, StrategicArea
from projects.models import Currency, JointProject, Participation
from reports.sql import table


class CityChoiceField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=lambda: (
                [("", _("Both cities"))]
                + [(p.code, p.name) for p in Party.objects.order_by("code")]
            ),
            required=False,
            label=_("City"),
            **kwargs,
        )


class PeriodForm(forms.Form):
    date_from = forms.DateField(label=_("Period from"), required=False)
    date_to = forms.DateField(label=_("Period until"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return data


def areas_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=StrategicArea.objects.order_by("number"),
        required=False,
        label=_("Strategic areas"),
        help_text=_("Leave empty for all."),
    )


def axes_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=Axis.objects.order_by("number"),
        required=False,
        label=_("Axes"),
        help_text=_("Leave empty for all."),
    )


class ProjectsForm(PeriodForm):
    """Projects running in the period, by area, axis and the city that leads them."""

    areas = areas_field()
    axes = axes_field()
    city = CityChoiceField(help_text=_("Projects led from this city and funding it committed."))


class MoneyForm(ProjectsForm):
    currency = forms.ChoiceField(
        label=_("Reporting currency"), choices=Currency.choices, required=False, initial="EUR"
    )
    rate_date = forms.DateField(
        label=_("Date of the exchange rates"),
        required=False,
        help_text=_("The latest rate kept on or before this date is used. Empty: today."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Fixed when the report is requested, so that a run can be explained later.
        data["currency"] = data.get("currency") or Currency.EUR
        data["rate_date"] = data.get("rate_date") or timezone.localdate()
        return data


def as_date(value: Any) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def project_conditions(
    parameters: dict[str, Any], alias: str = "jp"
) -> tuple[list[str], list[Any]]:
    """Return SQL conditions (and their parameters) on the projects of the report."""
    conditions: list[str] = []
    params: list[Any] = []
    if start := as_date(parameters.get("date_from")):
        conditions.append(f"{alias}.end_date >= %s")
        params.append(start)
    if end := as_date(parameters.get("date_to")):
        conditions.append(f"{alias}.start_date <= %s")
        params.append(end)
    if parameters.get("areas"):
        conditions.append(f"{alias}.primary_area_id = ANY(%s)")
        params.append([int(pk) for pk in parameters["areas"]])
    if parameters.get("axes"):
        conditions.append(
            f"EXISTS (SELECT 1 FROM {table(JointProject.axes.through)} x "  # noqa: S608 (names from Meta)
            f"WHERE x.jointproject_id = {alias}.id AND x.axis_id = ANY(%s))"
        )
        params.append([int(pk) for pk in parameters["axes"]])
    return conditions, params


def call_conditions(parameters: dict[str, Any], alias: str = "c") -> tuple[list[str], list[Any]]:
    """Return SQL conditions (and their parameters) on the calls open during the period:
    closing on or after its first day and opening on or before its last."""
    conditions: list[str] = []
    params: list[Any] = []
    if first := as_date(parameters.get("date_from")):
        conditions.append(f"{alias}.closes_at::date >= %s")
        params.append(first)
    if last := as_date(parameters.get("date_to")):
        conditions.append(f"{alias}.opens_at::date <= %s")
        params.append(last)
    return conditions, params


def lead_city_join(alias: str = "jp") -> str:
    """Join the city of the project's lead institution as ``lead_party.code`` (one row)."""
    return (
        "LEFT JOIN LATERAL (SELECT lp.code FROM "  # noqa: S608 (names from Meta)
        f"{table(Participation)} pa JOIN {table(Institution)} li ON li.id = pa.institution_id "
        f"JOIN {table(Party)} lp ON lp.id = li.party_id "
        f"WHERE pa.project_id = {alias}.id AND pa.role = 'lead' ORDER BY pa.id LIMIT 1"
        ") lead_party ON true"
    )


def where(conditions: list[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def area_names(using: str) -> dict[int, str]:
    return {a.pk: str(a.name) for a in StrategicArea.objects.using(using).order_by("number")}


def axis_names(using: str) -> dict[int, str]:
    return {a.pk: str(a.name) for a in Axis.objects.using(using).order_by("number")}


NONE = "—"
