"""A project's public page read in one statement (``bench/pages.py`` measures it).

The project's shown columns come with the ids of its areas and axes (named from the reference
data, ``projects.catalogue.reference``) and, as JSON arrays built by PostgreSQL, its
participations with their institutions and cities, its milestones and its indicators with
their latest measurement. Each array becomes the model instances the template reads (nothing
is saved from them), so the page reads as it did with four statements and their prefetches:
one round trip instead of four, and no prefetch machinery per request.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import orjson
from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Subquery, TextField
from django.db.models.functions import Cast, JSONObject

from cooperation.models import Institution, Party
from projects.models import Indicator, JointProject, Measurement, Milestone, Participation

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# Search vectors and the creation instant: never shown on the page.
UNSHOWN = ("search_es", "search_ca", "search_en", "created_at")


def _participations() -> ArraySubquery:
    names = {f"name_{lang}": f"institution__name_{lang}" for lang in LANGUAGES}
    cities = {f"city_name_{lang}": f"institution__party__name_{lang}" for lang in LANGUAGES}
    rows = (
        Participation.objects.filter(project_id=OuterRef("pk"))
        .order_by("institution__party__code", "role", "institution__name")
        .values(
            row=JSONObject(
                id="pk",
                role="role",
                institution_id="institution_id",
                institution_code="institution__code",
                city_id="institution__party_id",
                city_code="institution__party__code",
                **names,
                **cities,
            )
        )
    )
    return ArraySubquery(rows)


def _milestones() -> ArraySubquery:
    rows = (
        Milestone.objects.filter(project_id=OuterRef("pk"))
        .order_by("due_date", "pk")
        .values(
            row=JSONObject(
                id="pk",
                title="title",
                due_date="due_date",
                status="status",
                completed_on="completed_on",
                evidence_url="evidence_url",
            )
        )
    )
    return ArraySubquery(rows)


def _indicators() -> ArraySubquery:
    latest = Measurement.objects.filter(indicator_id=OuterRef("pk")).order_by("-date", "-pk")
    # Amounts as text: JSON numbers would come back as floats ("9.0" instead of "9.00").
    rows = (
        Indicator.objects.filter(project_id=OuterRef("pk"))
        .order_by("pk")
        .values(
            row=JSONObject(
                id="pk",
                name="name",
                unit="unit",
                baseline=Cast("baseline", TextField()),
                target=Cast("target", TextField()),
                latest_value=Subquery(latest.values(text=Cast("value", TextField()))[:1]),
                latest_date=Subquery(latest.values("date")[:1]),
            )
        )
    )
    return ArraySubquery(rows)


def detail_queryset() -> Any:
    """Return the projects with what their page shows, in one statement."""
    through_areas = JointProject.areas.through.objects.filter(jointproject_id=OuterRef("pk"))
    through_axes = JointProject.axes.through.objects.filter(jointproject_id=OuterRef("pk"))
    return (
        JointProject.objects.prefetch_related(None)
        .defer(*UNSHOWN)
        .annotate(
            area_ids=ArraySubquery(through_areas.values("strategicarea_id")),
            axis_ids=ArraySubquery(through_axes.values("axis_id")),
            participation_rows=_participations(),
            milestone_rows=_milestones(),
            indicator_rows=_indicators(),
        )
    )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def participations(project: JointProject) -> list[Participation]:
    """Return the project's participations, each with its institution and city."""
    cities: dict[int, Party] = {}
    found = []
    for row in project.participation_rows:  # type: ignore[attr-defined]
        city = cities.get(row["city_id"])
        if city is None:
            city = Party(
                id=row["city_id"],
                code=row["city_code"],
                **{f"name_{lang}": row[f"city_name_{lang}"] for lang in LANGUAGES},
            )
            cities[city.pk] = city
        institution = Institution(
            id=row["institution_id"],
            code=row["institution_code"],
            party=city,
            **{f"name_{lang}": row[f"name_{lang}"] for lang in LANGUAGES},
        )
        found.append(
            Participation(id=row["id"], project=project, institution=institution, role=row["role"])
        )
    return found


def milestones(project: JointProject) -> list[Milestone]:
    """Return the project's milestones, by due date."""
    return [
        Milestone(
            id=row["id"],
            project=project,
            title=row["title"],
            due_date=datetime.date.fromisoformat(row["due_date"]),
            status=row["status"],
            completed_on=_date(row["completed_on"]),
            evidence_url=row["evidence_url"],
        )
        for row in project.milestone_rows  # type: ignore[attr-defined]
    ]


def indicators(project: JointProject) -> list[dict[str, Any]]:
    """Return the project's indicators, each with its latest measurement (or None)."""
    found = []
    for row in project.indicator_rows:  # type: ignore[attr-defined]
        indicator = Indicator(
            id=row["id"],
            project=project,
            name=row["name"],
            unit=row["unit"],
            baseline=Decimal(row["baseline"]),
            target=Decimal(row["target"]),
        )
        latest = (
            {"value": _decimal(row["latest_value"]), "date": _date(row["latest_date"])}
            if row["latest_date"] is not None
            else None
        )
        found.append({"indicator": indicator, "latest": latest})
    return found


# The anonymous visitor's statement (public projects by code), compiled once per process:
# building and compiling the annotated queryset was most of the page's Python. Everybody
# else's goes through ``visible_to`` each time.
_public_statement: list[tuple[str, list[Any], int]] = []
_CODE_MARK = "\x00code\x00"


def _json(value: Any) -> Any:
    # Django's psycopg2 backend hands jsonb over undecoded; JSONField decodes it, raw() not.
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def public_project(code: str) -> JointProject | None:
    """Return the public project with this code and what its page shows, or None."""
    if not _public_statement:
        query = detail_queryset().public().filter(code=_CODE_MARK)[:1].query
        sql, params = query.sql_with_params()
        _public_statement.append((sql, list(params), list(params).index(_CODE_MARK)))
    sql, params, position = _public_statement[0]
    params = [*params[:position], code, *params[position + 1 :]]
    project = next(iter(JointProject.objects.raw(sql, params)), None)
    if project is not None:
        for name in ("participation_rows", "milestone_rows", "indicator_rows"):
            setattr(project, name, [_json(row) for row in getattr(project, name)])
    return project
