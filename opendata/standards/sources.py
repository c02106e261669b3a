"""What both standards read of a project: its rows in chunks, texts, organisations, money.

The writers stream: ``projects_in_chunks`` reads the projects a chunk at a time with their
parts prefetched per chunk (a constant number of queries per chunk, whatever the number of
projects), so that only one chunk is ever in memory. Nothing here reads a person: team
members are never loaded, and the organisations are institutions and cities.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from cooperation.models import Institution, Party
from projects.models import FundingCommitment, JointProject, Participation, ProjectStatus
from projects.models.project import ProjectEvent

LANGUAGES = ("es", "ca", "en")
FILE_LANGUAGE = "es"  # the language both files declare; the programme's default
CHUNK_SIZE = 500
ROR_PREFIX = "XI-ROR"  # the org-id.guide list of the Research Organization Registry


def projects_in_chunks(projects: QuerySet[JointProject]) -> Iterator[JointProject]:
    """Yield the given projects in code order, their parts prefetched a chunk at a time.

    The caller's queryset decides which projects are published (the public ones): it is
    only narrowed to what the files need, never widened.
    """
    steps = ProjectEvent.objects.filter(
        to_status__in=[ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]
    ).order_by("at", "pk")
    queryset = (
        # The caller's own prefetches are dropped: one of the same relation with another
        # queryset (``for_listing``'s participations) would be refused next to these.
        projects.prefetch_related(None)
        .select_related("primary_area")
        .prefetch_related(
            "areas",
            "axes",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("institution__party").order_by(
                    "role", "institution__code"
                ),
            ),
            Prefetch(
                "funding",
                queryset=FundingCommitment.objects.select_related(
                    "funder_party", "funder_institution__party"
                ).order_by("year", "pk"),
            ),
            Prefetch("timeline", queryset=steps, to_attr="open_data_steps"),
        )
        .order_by("code")
    )
    yield from queryset.iterator(chunk_size=CHUNK_SIZE)


def project_record(project: JointProject) -> str:
    return _("project %(code)s") % {"code": project.code}


def commitment_record(project: JointProject, commitment: FundingCommitment) -> str:
    return _("funding commitment %(id)s of project %(code)s") % {
        "id": commitment.pk,
        "code": project.code,
    }


def texts(obj: Any, field: str) -> dict[str, str]:
    """Return the non-empty translations of a translated field, by language."""
    found = {}
    for language in LANGUAGES:
        value = (getattr(obj, f"{field}_{language}", None) or "").strip()
        if value:
            found[language] = value
    return found


@dataclass(frozen=True)
class Text:
    """A text in the file's language, or what stands in for it, and whether it was completed."""

    value: str
    language: str
    completed: bool


def in_file_language(obj: Any, field: str, *, fallback: str) -> Text:
    """Return the Spanish text, else the first translation there is, else ``fallback``.

    A Spanish text missing is completed the standards' way: the text in another language,
    marked with its language (IATI's narrative ``xml:lang``), rather than an empty one.
    """
    found = texts(obj, field)
    if FILE_LANGUAGE in found:
        return Text(found[FILE_LANGUAGE], FILE_LANGUAGE, completed=False)
    for language in LANGUAGES:
        if language in found:
            return Text(found[language], language, completed=True)
    return Text(fallback, FILE_LANGUAGE, completed=True)


def name_of(organisation: Any) -> str:
    """Return a name in Spanish (required), else in any language, else the code."""
    return in_file_language(organisation, "name", fallback=organisation.code).value


def organisation_id(organisation: Institution | Party, *, prefix: str) -> str:
    """Return an organisation's identifier, the same in both standards.

    A registered one first: ``OPEN_DATA_ORG_IDS`` maps a city's or an institution's code to
    its org-id (``{"city:BCN": "ES-DIR3-...", "institution:UNAM": "..."}``), then an
    institution's ROR id (``XI-ROR-<id>``). Otherwise one scoped to the programme's own
    prefix (``<prefix>-institution-<code>``, ``<prefix>-city-<code>``), stable with the code.
    """
    kind = "institution" if isinstance(organisation, Institution) else "city"
    registered = getattr(settings, "OPEN_DATA_ORG_IDS", {}) or {}
    if f"{kind}:{organisation.code}" in registered:
        return str(registered[f"{kind}:{organisation.code}"])
    if isinstance(organisation, Institution) and organisation.ror_id:
        return f"{ROR_PREFIX}-{organisation.ror_id}"
    return f"{prefix}-{kind}-{organisation.code}"


def lead_of(project: JointProject) -> Institution | None:
    for participation in project.participations.all():
        if participation.role == Participation.Role.LEAD:
            return participation.institution
    return None


def institutions_of(project: JointProject) -> list[tuple[Institution, str]]:
    """Return the project's institutions and their roles, the lead first."""
    return [(p.institution, p.role) for p in project.participations.all()]


def areas_of(project: JointProject) -> list[Any]:
    """Return the primary area, then the other areas in their order, each once."""
    areas = [project.primary_area]
    for area in sorted(project.areas.all(), key=lambda a: a.number):
        if area.pk != project.primary_area_id:
            areas.append(area)
    return areas


def axes_of(project: JointProject) -> list[Any]:
    return sorted(project.axes.all(), key=lambda a: a.number)


def gender_axis_code() -> str:
    """Return the code of the axis whose projects carry the gender-equality marker.

    Axis 3, "high-level training with a gender perspective (women in STEAM)", by its seeded
    code; a setting so that a renamed or renumbered catalogue needs no code change.
    """
    return str(getattr(settings, "OPEN_DATA_GENDER_AXIS", "GENDER_TRAINING"))


def commitment_date(commitment: FundingCommitment, published_on: datetime.date) -> datetime.date:
    """Return the date a commitment stands for: 1 January of its year, never after the file.

    The programme keeps the year a commitment is for, not the day it was made. A commitment
    for a later year is already made when the file is published, and both standards refuse
    dates in the future for what has happened (IATI's rule on transaction dates).
    """
    return min(datetime.date(commitment.year, 1, 1), published_on)


def funder_of(commitment: FundingCommitment) -> Party | Institution:
    """Return the city or institution that commits (``commitment_problem`` checked one)."""
    funder = commitment.funder
    if funder is None:
        raise ValueError(f"Commitment {commitment.pk} names no funder")
    return funder


def commitment_problem(commitment: FundingCommitment) -> str | None:
    """Return why a commitment cannot be published as money committed, or None if it can.

    The table's constraints refuse most of these today; rows written before them (imports
    of historical data) may still hold them, and one bad row must not break a file.
    """
    if commitment.funder is None:
        return _("It names no funding city or institution.")
    amount = commitment.amount
    if amount is None or not isinstance(amount, Decimal) or not amount.is_finite() or amount <= 0:
        return _("Its amount is missing or not greater than zero.")
    currency = commitment.currency or ""
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        return _("Its currency is missing or not an ISO 4217 code.")
    if not commitment.year:
        return _("Its year is missing.")
    if commitment.kind == FundingCommitment.Kind.IN_KIND:
        return _("It is support in kind, which the standard publishes only as money committed.")
    return None


def amount_number(amount: Decimal) -> int | float:
    """Return an amount as a JSON number: whole amounts as integers, cents kept exactly.

    An amount has at most 14 digits, 2 after the point: a float's shortest form
    gives back the same digits.
    """
    return int(amount) if amount == amount.to_integral_value() else float(amount)
