"""The MoU's rules for joint projects, each in one function that every write path calls.

These functions read, never write: the services (``lifecycle``, ``parts``) call them under their
row locks, and the import's dry run calls them to report a bad row before anything is written.
Each raises ``ValidationError`` with the message the person sees, in their language.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party
from cooperation.roles import is_programme_admin, official_party_id
from projects.models import (
    PLANNED_DATES,
    FundingCommitment,
    JointProject,
    Participation,
    ProjectStatus,
    check_start_date,
)
from projects.workflow import APPROVED_STATUSES, FINAL_STATUSES  # read from the lifecycle

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import User

S = ProjectStatus


def check_status(status: str) -> None:
    if status not in S.values:
        raise ValidationError(_("Unknown status."), code="unknown_status")


def check_open(project: JointProject) -> None:
    """Refuse any change to a completed or cancelled project: it is a closed record."""
    if project.status in FINAL_STATUSES:
        raise ValidationError(
            _("A project in status “%(status)s” can no longer change."),
            code="final_status",
            params={"status": S(project.status).label},
        )


def city_ids() -> frozenset[int]:
    """Return the ids of the MoU's parties (the two cities)."""
    return frozenset(Party.objects.values_list("pk", flat=True))


def check_both_cities(
    status: str, party_ids: Iterable[int | None], *, cities: frozenset[int] | None = None
) -> None:
    """Refuse an approved (or later) project without an institution of each city.

    The MoU's joint projects join the two cities: approval needs at least one institution from
    each, and a project past approval keeps them. ``cities`` saves a query per call when many
    projects are checked at once (an import).
    """
    if status not in APPROVED_STATUSES:
        return
    if not (city_ids() if cities is None else cities) <= set(party_ids):
        raise ValidationError(
            _(
                "A project can only be approved when at least one institution of each city "
                "takes part."
            ),
            code="one_city",
        )


def check_one_lead(roles: Iterable[str]) -> None:
    """Refuse a set of participations without exactly one lead institution."""
    leads = sum(1 for role in roles if role == Participation.Role.LEAD)
    if leads == 0:
        raise ValidationError(_("A project needs one lead institution."), code="no_lead")
    if leads > 1:
        raise ValidationError(
            {"role": _("The project already has a lead institution; add this one as a partner.")},
            code="one_lead",
        )


def check_official_scope(
    actor: User | AnonymousUser | None, party_ids: Iterable[int | None]
) -> None:
    """Refuse an official's project (or change of one) without an institution of their city.

    Officials change only the projects of their own city: one that left out their city would
    be theirs no more, or would be the other city's project made by them.
    """
    if actor is None or is_programme_admin(actor):
        return
    party_id = official_party_id(actor)
    if party_id is not None and party_id not in set(party_ids):
        raise ValidationError(
            _(
                "Keep at least one institution of your city: otherwise you could not change "
                "the project any more."
            ),
            code="official_scope",
        )


def check_team_institution(institution: Institution, institution_ids: Iterable[int]) -> None:
    """Refuse a team member who does not work for an institution taking part in the project.

    The forms offer only those; this holds the rule for every caller (admin, API, portal).
    """
    if institution.pk not in set(institution_ids):
        raise ValidationError(
            {"institution": _("Choose one of the institutions taking part in the project.")},
            code="institution_outside_project",
        )


def check_dates(start: datetime.date, end: datetime.date) -> None:
    """Refuse an end before the start, or a start year the project code cannot carry."""
    check_start_date(start)
    PLANNED_DATES.check(start, end)


def check_funding_year(project: JointProject, year: int | None) -> None:
    """Refuse a commitment for a year outside the project's planned years."""
    first, last = project.start_date.year, project.end_date.year
    if year is not None and not first <= year <= last:
        raise ValidationError(
            {
                "year": ValidationError(
                    _("Choose a year of the project, from %(first)s to %(last)s."),
                    code="year_outside_project",
                    params={"first": first, "last": last},
                )
            }
        )


def check_funding_years_kept(project: JointProject) -> None:
    """Refuse new planned dates that would leave a stored commitment outside the project."""
    first, last = project.start_date.year, project.end_date.year
    outside = sorted(
        set(
            FundingCommitment.objects.filter(project_id=project.pk)
            .exclude(year__gte=first, year__lte=last)
            .values_list("year", flat=True)
        )
    )
    if outside:
        raise ValidationError(
            _(
                "Funding is committed for %(years)s, outside the new dates (%(first)s to "
                "%(last)s): change those commitments first."
            ),
            code="funding_outside_dates",
            params={"years": ", ".join(map(str, outside)), "first": first, "last": last},
        )
