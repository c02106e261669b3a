"""Who may change which project.

Officials see every project but change only those in which an institution of their own city
takes part; administrators change all; a coordinator changes the projects of their institution
in the portal (never in the admin).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cooperation.models import Institution
from cooperation.roles import Role, is_programme_admin, official_party_id
from projects.models import Participation
from projects.workflow import FINAL_STATUSES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import User
    from projects.models import FundingCommitment, JointProject


def project_party_ids(project: JointProject) -> set[int]:
    """Return the ids of the cities whose institutions take part (uses a prefetch if present)."""
    return {p.institution.party_id for p in project.participations.all()}


def project_institution_ids(project: JointProject) -> set[int]:
    return {p.institution_id for p in project.participations.all()}


def can_manage_project(user: User | AnonymousUser, project: JointProject | None) -> bool:
    """Administrators manage every project; an official those with an institution of their city."""
    if is_programme_admin(user):
        return True
    party_id = official_party_id(user)
    if party_id is None:
        return False
    if project is None or project.pk is None:
        return True
    return party_id in project_party_ids(project)


def is_coordinator(user: User | AnonymousUser) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_role(Role.COORDINATOR)
        and user.institution_id
    )


def can_coordinate_project(user: User | AnonymousUser, project: JointProject) -> bool:
    """A coordinator keeps up to date the projects in which their institution takes part."""
    if not is_coordinator(user):
        return False
    return getattr(user, "institution_id", None) in project_institution_ids(project)


def can_change_participations(actor: User | AnonymousUser, project: JointProject) -> bool:
    """Administrators, officials of a city taking part, and coordinators of the lead."""
    if can_manage_project(actor, project):
        return True
    if not is_coordinator(actor):
        return False
    institution_id: int = actor.institution_id  # type: ignore[union-attr,assignment]  # checked
    return project.participations.filter(
        institution_id=institution_id, role=Participation.Role.LEAD
    ).exists()


def can_change_funding(
    actor: User | AnonymousUser, project: JointProject, commitment: FundingCommitment
) -> bool:
    """Administrators change all; officials what their city or its institutions commit, on
    projects their city takes part in; coordinators what their own institution commits."""
    if is_programme_admin(actor):
        return True
    party_id = official_party_id(actor)
    if party_id is not None:
        if party_id not in project_party_ids(project):
            return False
        if commitment.funder_party_id is not None:
            return commitment.funder_party_id == party_id
        return (
            commitment.funder_institution_id is not None
            and Institution.objects.filter(
                pk=commitment.funder_institution_id, party_id=party_id
            ).exists()
        )
    if can_coordinate_project(actor, project):
        return commitment.funder_institution_id == getattr(actor, "institution_id", None)
    return False


def can_change_project(user: User | AnonymousUser, project: JointProject | None) -> bool:
    """Change a project's record in the admin: manage it, and it is not closed yet."""
    if not can_manage_project(user, project):
        return False
    return project is None or project.status not in FINAL_STATUSES


def can_delete_project(user: User | AnonymousUser, project: JointProject | None) -> bool:
    """Delete a proposal entered by mistake; a project once approved is cancelled instead."""
    from projects.models import ProjectStatus

    if not can_manage_project(user, project):
        return False
    return project is None or project.status == ProjectStatus.PROPOSED


def can_edit_parts(user: User | AnonymousUser, project: JointProject) -> bool:
    """Keep a project's team, milestones, indicators and measurements up to date: the officials
    who manage it (admin) and the coordinators of its institutions (portal, API)."""
    return can_manage_project(user, project) or can_coordinate_project(user, project)
