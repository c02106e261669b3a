"""A project's parts: institutions, funding, team, milestones, indicators and measurements.

Every writer (the coordinators' pages, the partner API, the admin's inlines, the demo data)
calls these functions. Each locks the project first, so that two changes of its parts are
checked one after the other, and always in the same order of locks.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import projects.services.rules as rules
from cooperation.models import Institution, Party, User
from projects import events
from projects.catalogue import catalogue_changed
from projects.models import (
    FundingCommitment,
    Indicator,
    JointProject,
    Measurement,
    Milestone,
    Participation,
    TeamMember,
)
from projects.permissions import (
    can_change_funding,
    can_change_participations,
    can_edit_parts,
    project_institution_ids,
)
from projects.services.lifecycle import project_party_ids

NOT_YOURS = _("You may only change the projects in which your institution or your city takes part.")


def project_parts_changed(project: JointProject) -> None:
    """Date the project's last change when one of its parts changed, and tell partners.

    Call it inside the transaction that changed the part.
    """
    # A queryset update: the project's own history records changes to the project, not to
    # its parts (those keep their own history).
    project.updated_at = timezone.now()
    JointProject.objects.filter(pk=project.pk).update(updated_at=project.updated_at)
    # An update sends no signal: the API's kept lists show the project's last change.
    catalogue_changed()
    events.project_updated(project)


def _locked_project(project: JointProject) -> JointProject:
    return JointProject.objects.select_for_update().get(pk=project.pk)


def _open_for(actor: User, project: JointProject) -> JointProject:
    """Lock the project, check the actor may keep its parts up to date, and that it is open."""
    project = _locked_project(project)
    if not can_edit_parts(actor, project):
        raise PermissionDenied(NOT_YOURS)
    rules.check_open(project)
    return project


def _stored(model: Any, part: Any, project: JointProject) -> Any:
    """Return the stored row of a part, locked; a part of another project is refused."""
    stored = None
    if part is not None and part.pk is not None:
        stored = model.objects.select_for_update().filter(pk=part.pk).first()
    if stored is None:
        raise PermissionDenied(NOT_YOURS)
    owner = stored.indicator.project_id if isinstance(stored, Measurement) else stored.project_id
    if owner != project.pk:
        raise PermissionDenied(NOT_YOURS)
    return stored


def _stored_or_new(model: Any, part: Any, owner: JointProject, **new: Any) -> Any:
    """Return the stored part to change (locked), or a new one when ``part`` is None."""
    if part is None:
        return model(**new)
    return _stored(model, part, owner)


def _save(part: Any, actor: User) -> None:
    part.full_clean()
    # The history names the actor also outside a request (commands, tests); in a request the
    # history middleware knows the user, the API's client account included.
    part._history_user = actor
    part.save()


# Participations


def _require_participation_right(actor: User, project: JointProject) -> None:
    if not can_change_participations(actor, project):
        raise PermissionDenied(
            _(
                "Only the lead institution's coordinators and the officials of the cities "
                "taking part may change who takes part in this project."
            )
        )


def _participation_of(project: JointProject, participation: Participation) -> Participation:
    """Return the stored participation of the project (the project's lock covers it)."""
    stored = Participation.objects.filter(pk=participation.pk, project=project).first()
    if stored is None:
        raise ValidationError(
            _("This institution does not take part in the project."), code="not_taking_part"
        )
    return stored


def _check_joinable(
    project: JointProject, institution: Institution, *, without: int | None
) -> None:
    if not institution.active:
        raise ValidationError(
            {"institution": _("This institution is no longer active in the programme.")},
            code="inactive_institution",
        )
    others = Participation.objects.filter(project=project)
    if without is not None:
        others = others.exclude(pk=without)
    if others.filter(institution=institution).exists():
        # The message of the table's unique constraint, which holds the rule for every writer.
        unique = next(
            c
            for c in Participation._meta.constraints
            if c.name == "participation_unique_institution"
        )
        raise ValidationError(
            {"institution": unique.get_violation_error_message()}, code="already_taking_part"
        )


def _check_leaves_no_parts(project: JointProject, institution_id: int) -> None:
    # Its people and its money belong to the project through it: they go first (a team member
    # must work for an institution taking part; a commitment is its coordinators' to change).
    if (
        TeamMember.objects.filter(project=project, institution_id=institution_id).exists()
        or FundingCommitment.objects.filter(
            project=project, funder_institution_id=institution_id
        ).exists()
    ):
        raise ValidationError(
            _(
                "This institution still has team members or funding commitments in the "
                "project: remove them first."
            ),
            code="has_parts",
        )


def _check_cities_kept(actor: User, project: JointProject, party_ids: list[int]) -> None:
    try:
        rules.check_both_cities(project.status, party_ids)
    except ValidationError:
        raise ValidationError(
            _(
                "This is the last institution of its city in the project; a joint project "
                "past its proposal keeps at least one institution of each city."
            ),
            code="one_city",
        ) from None
    rules.check_official_scope(actor, party_ids)


@transaction.atomic
def participation_add(
    *,
    actor: User,
    project: JointProject,
    institution: Institution,
    role: str = Participation.Role.PARTNER,
) -> Participation:
    """Add an institution to a project, as a partner (or as its lead when it has none)."""
    project = _locked_project(project)
    _require_participation_right(actor, project)
    rules.check_open(project)
    if role not in Participation.Role.values:
        raise ValidationError({"role": _("Choose lead or partner.")}, code="unknown_role")
    _check_joinable(project, institution, without=None)
    roles = list(Participation.objects.filter(project=project).values_list("role", flat=True))
    if role == Participation.Role.LEAD and Participation.Role.LEAD in roles:
        rules.check_one_lead([*roles, role])
    participation = Participation(project=project, institution=institution, role=role)
    _save(participation, actor)
    project_parts_changed(project)
    return participation


@transaction.atomic
def participation_update(
    *,
    actor: User,
    project: JointProject,
    participation: Participation,
    institution: Institution,
    role: str,
) -> Participation:
    """Change which institution a participation names, or its role, under the same rules."""
    project = _locked_project(project)
    _require_participation_right(actor, project)
    rules.check_open(project)
    stored = _participation_of(project, participation)
    if role not in Participation.Role.values:
        raise ValidationError({"role": _("Choose lead or partner.")}, code="unknown_role")
    if stored.role == Participation.Role.LEAD and role != Participation.Role.LEAD:
        raise ValidationError(
            {"role": _("A project keeps its lead institution; change the lead's institution.")},
            code="lead",
        )
    if role == Participation.Role.LEAD:
        others = Participation.objects.filter(project=project).exclude(pk=stored.pk)
        rules.check_one_lead([*others.values_list("role", flat=True), role])
    if institution.pk != stored.institution_id:
        _check_joinable(project, institution, without=stored.pk)
        _check_leaves_no_parts(project, stored.institution_id)
        _check_cities_kept(
            actor, project, [*project_party_ids(project, without=stored.pk), institution.party_id]
        )
    stored.institution, stored.role = institution, role
    _save(stored, actor)
    project_parts_changed(project)
    return stored


@transaction.atomic
def participation_remove(
    *, actor: User, project: JointProject, participation: Participation
) -> None:
    """Remove a partner institution; a project past proposal keeps one institution per city."""
    project = _locked_project(project)
    _require_participation_right(actor, project)
    rules.check_open(project)
    locked = _participation_of(project, participation)
    if locked.role == Participation.Role.LEAD:
        raise ValidationError(
            _("The lead institution cannot be removed from its project."), code="lead"
        )
    _check_leaves_no_parts(project, locked.institution_id)
    _check_cities_kept(actor, project, project_party_ids(project, without=locked.pk))
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.delete()
    project_parts_changed(project)


# Funding


def _require_funding_right(
    actor: User, project: JointProject, commitment: FundingCommitment
) -> None:
    if not can_change_funding(actor, project, commitment):
        raise PermissionDenied(
            _(
                "You may only declare or change the commitments of your own institution, or "
                "of your own city, on projects in which it takes part."
            )
        )


def _commitment_of(project: JointProject, commitment: FundingCommitment) -> FundingCommitment:
    """Return the stored commitment of the project, locked; another project's is refused."""
    stored = FundingCommitment.objects.select_for_update().filter(pk=commitment.pk).first()
    if stored is None or stored.project_id != project.pk:
        raise PermissionDenied(_("This commitment belongs to another project."))
    return stored


@transaction.atomic
def funding_save(
    *,
    actor: User,
    project: JointProject,
    commitment: FundingCommitment | None = None,
    funder_party: Party | None = None,
    funder_institution: Institution | None = None,
    amount: Decimal,
    currency: str,
    year: int,
    kind: str = FundingCommitment.Kind.CASH,
) -> FundingCommitment:
    """Create a funding commitment of the project, or change ``commitment``."""
    project = _locked_project(project)
    stored = None
    if commitment is not None and commitment.pk is not None:
        # The stored commitment, locked: the actor must have the right to it as it was (a
        # coordinator may not take over a city's commitment) and as it will be.
        stored = _commitment_of(project, commitment)
        _require_funding_right(actor, project, stored)
    saved = stored or FundingCommitment(project=project)
    saved.funder_party, saved.funder_institution = funder_party, funder_institution
    saved.amount, saved.currency, saved.year, saved.kind = amount, currency, year, kind
    _require_funding_right(actor, project, saved)
    rules.check_open(project)
    rules.check_funding_year(project, year)
    _save(saved, actor)
    project_parts_changed(project)
    return saved


@transaction.atomic
def funding_remove(*, actor: User, project: JointProject, commitment: FundingCommitment) -> None:
    """Remove a funding commitment; its history keeps what it was and who removed it."""
    project = _locked_project(project)
    stored = _commitment_of(project, commitment)
    _require_funding_right(actor, project, stored)
    rules.check_open(project)
    stored._history_user = actor  # type: ignore[attr-defined]
    stored.delete()
    project_parts_changed(project)


# Team


@transaction.atomic
def team_member_save(
    *,
    actor: User,
    project: JointProject,
    member: TeamMember | None = None,
    name: str,
    email: str,
    institution: Institution,
    role: str,
    gender: str | None = None,
) -> TeamMember:
    """Add a person to the project's team, or change ``member``.

    ``gender`` None keeps a member's self-declared answer as it is (an edit never shows it).
    """
    project = _open_for(actor, project)
    saved = _stored_or_new(TeamMember, member, project, project=project, gender="")
    rules.check_team_institution(institution, project_institution_ids(project))
    saved.name, saved.email, saved.institution, saved.role = name, email, institution, role
    if gender is not None:
        saved.gender = gender
    _save(saved, actor)
    project_parts_changed(project)
    return saved


@transaction.atomic
def team_member_remove(*, actor: User, project: JointProject, member: TeamMember) -> None:
    """Remove a person from the project; the history keeps the removal."""
    project = _open_for(actor, project)
    stored = _stored(TeamMember, member, project)
    stored._history_user = actor
    stored.delete()
    project_parts_changed(project)


# Milestones


@transaction.atomic
def milestone_save(
    *,
    actor: User,
    project: JointProject,
    milestone: Milestone | None = None,
    title: str,
    due_date: datetime.date,
    status: str = Milestone.Status.PLANNED,
    completed_on: datetime.date | None = None,
    evidence_url: str = "",
) -> Milestone:
    """Add a milestone to the project, or change ``milestone`` (which stays in its project)."""
    project = _open_for(actor, project)
    saved = _stored_or_new(Milestone, milestone, project, project=project)
    saved.title, saved.due_date, saved.status = title, due_date, status
    saved.completed_on, saved.evidence_url = completed_on, evidence_url
    _save(saved, actor)
    project_parts_changed(project)
    return saved


@transaction.atomic
def milestone_remove(*, actor: User, project: JointProject, milestone: Milestone) -> None:
    project = _open_for(actor, project)
    stored = _stored(Milestone, milestone, project)
    stored._history_user = actor
    stored.delete()
    project_parts_changed(project)


# Indicators and their measurements


@transaction.atomic
def indicator_save(
    *,
    actor: User,
    project: JointProject,
    indicator: Indicator | None = None,
    name: str,
    unit: str,
    baseline: Decimal,
    target: Decimal,
) -> Indicator:
    """Add an indicator to the project, or change ``indicator``, moving it there if needed.

    A move needs the right to both projects: an official cannot move an indicator into, or
    out of, a project of the other city alone.
    """
    stored = None
    if indicator is not None:
        stored = Indicator.objects.filter(pk=indicator.pk).first()
        if stored is None:
            raise PermissionDenied(NOT_YOURS)
    involved = {project.pk: project}
    if stored is not None:
        involved.setdefault(stored.project_id, stored.project)
    # Every project involved, locked in the order of their ids (as every writer locks them).
    locked = {pk: _open_for(actor, involved[pk]) for pk in sorted(involved)}
    project = locked[project.pk]
    moved_from = None
    if stored is not None:
        if stored.project_id != project.pk:
            moved_from = locked[stored.project_id]
        stored = Indicator.objects.select_for_update().get(pk=stored.pk)
    saved = stored or Indicator()
    saved.project = project
    saved.name, saved.unit, saved.baseline, saved.target = name, unit, baseline, target
    _save(saved, actor)
    project_parts_changed(project)
    if moved_from is not None:
        project_parts_changed(moved_from)
    return saved


@transaction.atomic
def indicator_remove(*, actor: User, project: JointProject, indicator: Indicator) -> None:
    """Remove an indicator and its measurements; the history keeps them."""
    project = _open_for(actor, project)
    stored = _stored(Indicator, indicator, project)
    stored._history_user = actor
    stored.delete()
    project_parts_changed(project)


@transaction.atomic
def measurement_save(
    *,
    actor: User,
    project: JointProject,
    measurement: Measurement | None = None,
    indicator: Indicator,
    date: datetime.date,
    value: Decimal,
) -> Measurement:
    """Record a value of one of the project's indicators, or change ``measurement``."""
    project = _open_for(actor, project)
    if indicator.project_id != project.pk:
        raise PermissionDenied(NOT_YOURS)
    saved = _stored_or_new(Measurement, measurement, project)
    saved.indicator, saved.date, saved.value = indicator, date, value
    _save(saved, actor)
    project_parts_changed(project)
    return saved


@transaction.atomic
def measurement_remove(*, actor: User, project: JointProject, measurement: Measurement) -> None:
    project = _open_for(actor, project)
    stored = _stored(Measurement, measurement, project)
    stored._history_user = actor
    stored.delete()
    project_parts_changed(project)
