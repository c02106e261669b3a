"""Every change of a project's status, and the project's money, go through these functions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party, User
from cooperation.notifications import notify
from cooperation.roles import OFFICIAL_ROLES, Role
from projects import events
from projects.models import (
    Currency,
    ExchangeRate,
    FundingCommitment,
    JointProject,
    Participation,
    ProjectEvent,
    ProjectStatus,
    TeamMember,
    check_start_date,
    totals_by_currency,
)
from projects.permissions import (
    can_change_funding,
    can_change_participations,
    can_coordinate_project,
    can_manage_project,
    is_coordinator,
    project_institution_ids,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

S = ProjectStatus
OFFICIAL = "official"  # an administrator, or an official of a city taking part
COORDINATOR = "coordinator"  # a coordinator of an institution taking part

# The project lifecycle on one screen: (from, to) -> who may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.PROPOSED, S.APPROVED): frozenset({OFFICIAL}),
    (S.PROPOSED, S.CANCELLED): frozenset({OFFICIAL, COORDINATOR}),
    (S.APPROVED, S.ACTIVE): frozenset({OFFICIAL, COORDINATOR}),
    (S.APPROVED, S.CANCELLED): frozenset({OFFICIAL}),
    (S.ACTIVE, S.COMPLETED): frozenset({OFFICIAL}),
    (S.ACTIVE, S.SUSPENDED): frozenset({OFFICIAL}),
    (S.SUSPENDED, S.ACTIVE): frozenset({OFFICIAL}),
    (S.SUSPENDED, S.CANCELLED): frozenset({OFFICIAL}),
}


def _actor_kinds(actor: User | AnonymousUser, project: JointProject) -> set[str]:
    kinds = set()
    if can_manage_project(actor, project):
        kinds.add(OFFICIAL)
    if can_coordinate_project(actor, project):
        kinds.add(COORDINATOR)
    return kinds


def allowed_transitions(actor: User | AnonymousUser, project: JointProject) -> list[str]:
    """Return the statuses the actor may move the project to now."""
    kinds = _actor_kinds(actor, project)
    return [to for (frm, to), who in TRANSITIONS.items() if frm == project.status and who & kinds]


def project_coordinators(project: JointProject) -> QuerySet[User]:
    """Return the active coordinators of the institutions taking part in the project."""
    return User.objects.filter(
        is_active=True,
        groups__name=Role.COORDINATOR,
        institution__participations__project=project,
    ).distinct()


def project_officials(project: JointProject) -> QuerySet[User]:
    """Return the active officials of the cities whose institutions take part in the project."""
    party_ids = Participation.objects.filter(project=project).values("institution__party_id")
    return User.objects.filter(
        is_active=True, groups__name__in=OFFICIAL_ROLES, party_id__in=party_ids
    ).distinct()


def _missing_cities(project: JointProject, *, without: int | None = None) -> bool:
    """Say whether a city has no institution in the project (leaving out one participation)."""
    # The MoU's joint projects join the two cities: at least one institution from each.
    participations = Participation.objects.filter(project=project)
    if without is not None:
        participations = participations.exclude(pk=without)
    cities = set(participations.values_list("institution__party_id", flat=True))
    return not set(Party.objects.values_list("pk", flat=True)) <= cities


def _check_both_cities(project: JointProject) -> None:
    if _missing_cities(project):
        raise ValidationError(
            _(
                "A project can only be approved when at least one institution of each city "
                "takes part."
            ),
            code="one_city",
        )


@transaction.atomic
def project_transition(
    *, actor: User, project: JointProject, to_status: str, note: str = ""
) -> JointProject:
    """Move a project to another status, record it in its timeline and tell its coordinators."""
    # Lock the row: two officials acting at once must not both move it from the same state.
    project = JointProject.objects.select_for_update().get(pk=project.pk)
    if to_status not in S.values:
        raise ValidationError(_("Unknown status."), code="unknown_status")
    allowed = TRANSITIONS.get((project.status, to_status))
    if allowed is None:
        raise ValidationError(
            _("A project cannot go from “%(from)s” to “%(to)s”."),
            code="invalid_transition",
            params={"from": S(project.status).label, "to": S(to_status).label},
        )
    if not allowed & _actor_kinds(actor, project):
        raise PermissionDenied(_("You may not make this change to this project."))
    if to_status == S.APPROVED:
        _check_both_cities(project)
    from_status = project.status
    project.status = to_status
    project.save(update_fields=["status", "updated_at"])
    ProjectEvent.objects.create(
        project=project, actor=actor, from_status=from_status, to_status=to_status, note=note
    )
    notify(
        recipients=project_coordinators(project),
        template="projects/email/status_changed",
        context={"from_status": from_status, "to_status": to_status, "note": note},
        objects={"project": project},
    )
    events.project_status_changed(project, from_status=from_status, to_status=to_status)
    return project


# The columns of a project's texts in each language (django-modeltranslation).
TRANSLATED_TEXTS = frozenset(
    f"{field}_{language}"
    for field in ("title", "summary", "impact")
    for language, _name in settings.LANGUAGES
)


@transaction.atomic
def project_propose(
    *,
    actor: User,
    title: str,
    summary: str,
    impact: str,
    primary_area: Any,
    areas: list[Any],
    axes: list[Any],
    start_date: datetime.date,
    end_date: datetime.date,
    partners: list[Institution],
    translations: dict[str, str] | None = None,
) -> JointProject:
    """Create a proposed project led by the coordinator's institution, with its partners.

    ``title``, ``summary`` and ``impact`` are in the active language; ``translations`` may give
    the others by column (``{"title_ca": …, "summary_en": …}``), saved with the project so that
    the announcement to partners carries them.
    """
    if not is_coordinator(actor):
        raise PermissionDenied(_("Only an institution's coordinator may propose a project."))
    check_start_date(start_date)
    if end_date < start_date:
        raise ValidationError(
            {"end_date": _("The planned end cannot be before the planned start.")}
        )
    project = JointProject(
        title=title,
        summary=summary,
        impact=impact,
        primary_area=primary_area,
        start_date=start_date,
        end_date=end_date,
        status=S.PROPOSED,
    )
    for column, text in (translations or {}).items():
        if column not in TRANSLATED_TEXTS:
            raise ValueError(f"{column} is not a translated text of a project")
        setattr(project, column, text)
    project.save()
    project.areas.set(areas)
    project.axes.set(axes)
    Participation.objects.create(
        project=project,
        institution_id=actor.institution_id,  # type: ignore[misc]  # is_coordinator checked it
        role=Participation.Role.LEAD,
    )
    for partner in partners:
        if partner.pk != actor.institution_id:
            Participation.objects.create(
                project=project, institution=partner, role=Participation.Role.PARTNER
            )
    ProjectEvent.objects.create(project=project, actor=actor, from_status="", to_status=S.PROPOSED)
    # The officials of the cities taking part decide on the proposal: tell them, each in
    # their own language, once the proposal is committed.
    notify(
        recipients=project_officials(project),
        template="projects/email/proposed",
        context={
            "proposer": actor.get_full_name() or actor.email,
            "admin_path": reverse("admin:projects_jointproject_change", args=[project.pk]),
        },
        objects={"project": project, "institution": actor.institution},  # type: ignore[dict-item]
    )
    events.project_created(project)
    return project


@dataclass(frozen=True)
class Conversion:
    """An amount converted at a stated rate, valid on a stated date."""

    amount: Decimal
    currency: str
    rate: Decimal
    rate_date: datetime.date


def exchange_rate(
    *, base: str, quote: str, on: datetime.date | None = None
) -> tuple[Decimal, datetime.date] | None:
    """Return the latest rate from ``base`` to ``quote`` on or before ``on``, and its date.

    A rate kept the other way round (quote to base) is used inverted.
    """
    if base == quote:
        return Decimal(1), on or timezone.localdate()
    on = on or timezone.localdate()
    row = (
        ExchangeRate.objects.filter(date__lte=on)
        .filter(Q(base=base, quote=quote) | Q(base=quote, quote=base))
        .order_by("-date", "pk")
        .first()
    )
    if row is None:
        return None
    rate = row.rate if row.base == base else Decimal(1) / row.rate
    return rate, row.date


def convert(
    *, amount: Decimal, base: str, quote: str, on: datetime.date | None = None
) -> Conversion | None:
    """Convert an amount, or return None when officials have kept no rate for the pair."""
    found = exchange_rate(base=base, quote=quote, on=on)
    if found is None:
        return None
    rate, rate_date = found
    value = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Conversion(amount=value, currency=quote, rate=rate, rate_date=rate_date)


@dataclass(frozen=True)
class Totals:
    """Committed amounts per currency, and their sum in one currency where rates allow."""

    per_currency: dict[str, Decimal]
    target_currency: str
    conversions: dict[str, Conversion]
    total: Decimal | None  # None when a currency has no rate to the target


def funding_totals(
    projects: QuerySet[JointProject], *, target: str = Currency.EUR, on: datetime.date | None = None
) -> Totals:
    """Sum the projects' commitments per currency (in SQL), then in ``target`` at stated rates."""
    per_currency = totals_by_currency(projects)
    conversions: dict[str, Conversion] = {}
    total: Decimal | None = Decimal(0)
    for currency, amount in per_currency.items():
        converted = convert(amount=amount, base=currency, quote=target, on=on)
        if converted is None:
            total = None
            continue
        conversions[currency] = converted
        if total is not None:
            total += converted.amount
    return Totals(
        per_currency=per_currency, target_currency=target, conversions=conversions, total=total
    )


def _require_coordinator(actor: User, project: JointProject) -> None:
    if not can_coordinate_project(actor, project):
        raise PermissionDenied(_("You may only change the projects of your own institution."))


def project_parts_changed(project: JointProject) -> None:
    """Date the project's last change when one of its parts changed, and tell partners.

    Call it inside the transaction that changed the part.
    """
    # A queryset update: the project's own history records changes to the project, not to
    # its parts (those keep their own history).
    project.updated_at = timezone.now()
    JointProject.objects.filter(pk=project.pk).update(updated_at=project.updated_at)
    events.project_updated(project)


def _check_member_institution(project: JointProject, member: TeamMember) -> None:
    # A member works for one of the institutions taking part (the form offers only those;
    # the service holds the rule for every caller).
    if member.institution_id not in project_institution_ids(project):
        raise ValidationError(
            {"institution": _("Choose one of the institutions taking part in the project.")},
            code="institution_outside_project",
        )


@transaction.atomic
def team_member_add(*, actor: User, project: JointProject, form: Any) -> Any:
    """Add a person to a coordinator's project from a valid ``TeamMemberForm``."""
    _require_coordinator(actor, project)
    member = form.save(commit=False)
    member.project = project
    _check_member_institution(project, member)
    member.full_clean()
    member.save()
    project_parts_changed(project)
    return member


def _locked_member(project: JointProject, member: TeamMember) -> TeamMember:
    # Lock the row so that an edit and a removal at once cannot both succeed.
    locked = TeamMember.objects.select_for_update().filter(pk=member.pk).first()
    if locked is None or locked.project_id != project.pk:
        raise PermissionDenied(_("You may only change the projects of your own institution."))
    return locked


@transaction.atomic
def team_member_update(*, actor: User, project: JointProject, form: Any) -> TeamMember:
    """Save the changes of a valid ``TeamMemberForm`` bound to a member of the project."""
    _require_coordinator(actor, project)
    _locked_member(project, form.instance)
    member: TeamMember = form.save(commit=False)
    member.project = project
    _check_member_institution(project, member)
    member.full_clean()
    member.save()
    project_parts_changed(project)
    return member


@transaction.atomic
def team_member_remove(*, actor: User, project: JointProject, member: TeamMember) -> None:
    """Remove a person from a coordinator's project; the history keeps the removal."""
    _require_coordinator(actor, project)
    locked = _locked_member(project, member)
    locked.delete()
    project_parts_changed(project)


@transaction.atomic
def milestone_save(*, actor: User, project: JointProject, form: Any) -> Any:
    """Create or update a milestone of a coordinator's project from a valid ``MilestoneForm``."""
    _require_coordinator(actor, project)
    milestone = form.save(commit=False)
    if milestone.pk and milestone.project_id != project.pk:
        raise PermissionDenied(_("You may only change the projects of your own institution."))
    milestone.project = project
    milestone.full_clean()
    milestone.save()
    project_parts_changed(project)
    return milestone


@transaction.atomic
def measurement_add(*, actor: User, project: JointProject, form: Any) -> Any:
    """Record a value of one of a coordinator's project's indicators."""
    _require_coordinator(actor, project)
    measurement = form.save(commit=False)
    if measurement.indicator.project_id != project.pk:
        raise PermissionDenied(_("You may only change the projects of your own institution."))
    measurement.full_clean()
    measurement.save()
    project_parts_changed(project)
    return measurement


# Statuses no move leaves (read from the lifecycle table): a project there is a closed record,
# and its participations and funding no longer change.
FINAL_STATUSES = frozenset(S.values) - {frm for frm, _to in TRANSITIONS}


def _locked_project(project: JointProject) -> JointProject:
    # Lock the project: two changes of its parts at once (two removals of the last
    # institution of a city, say) must be checked one after the other.
    return JointProject.objects.select_for_update().get(pk=project.pk)


def _check_open(project: JointProject) -> None:
    if project.status in FINAL_STATUSES:
        raise ValidationError(
            _("A project in status “%(status)s” can no longer change."),
            code="final_status",
            params={"status": S(project.status).label},
        )


def _require_participation_right(actor: User, project: JointProject) -> None:
    if not can_change_participations(actor, project):
        raise PermissionDenied(
            _(
                "Only the lead institution's coordinators and the officials of the cities "
                "taking part may change who takes part in this project."
            )
        )


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
    _check_open(project)
    if role not in Participation.Role.values:
        raise ValidationError({"role": _("Choose lead or partner.")}, code="unknown_role")
    if not institution.active:
        raise ValidationError(
            {"institution": _("This institution is no longer active in the programme.")},
            code="inactive_institution",
        )
    participations = Participation.objects.filter(project=project)
    if participations.filter(institution=institution).exists():
        # The message of the table's unique constraint, which holds the rule for every writer.
        unique = next(
            c
            for c in Participation._meta.constraints
            if c.name == "participation_unique_institution"
        )
        raise ValidationError(
            {"institution": unique.get_violation_error_message()}, code="already_taking_part"
        )
    if role == Participation.Role.LEAD and participations.filter(role=role).exists():
        raise ValidationError(
            {"role": _("The project already has a lead institution; add this one as a partner.")},
            code="one_lead",
        )
    participation = Participation(project=project, institution=institution, role=role)
    # The history names the actor also outside a request (commands, tests); in a request the
    # history middleware knows the user, the API's client account included.
    participation._history_user = actor  # type: ignore[attr-defined]
    participation.save()
    project_parts_changed(project)
    return participation


@transaction.atomic
def participation_remove(
    *, actor: User, project: JointProject, participation: Participation
) -> None:
    """Remove a partner institution; a project past proposal keeps one institution per city."""
    project = _locked_project(project)
    _require_participation_right(actor, project)
    _check_open(project)
    locked = Participation.objects.filter(pk=participation.pk, project=project).first()
    if locked is None:
        raise ValidationError(
            _("This institution does not take part in the project."), code="not_taking_part"
        )
    if locked.role == Participation.Role.LEAD:
        raise ValidationError(
            _("The lead institution cannot be removed from its project."), code="lead"
        )
    # Its people and its money belong to the project through it: they go first (a team member
    # must work for an institution taking part; a commitment is its coordinators' to change).
    institution_id = locked.institution_id
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
    # Approval needs an institution of each city (project_transition); a project approved,
    # active or suspended must keep them.
    if project.status != S.PROPOSED and _missing_cities(project, without=locked.pk):
        raise ValidationError(
            _(
                "This is the last institution of its city in the project; a joint project "
                "past its proposal keeps at least one institution of each city."
            ),
            code="one_city",
        )
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.delete()
    project_parts_changed(project)


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


@transaction.atomic
def funding_save(*, actor: User, project: JointProject, form: Any) -> FundingCommitment:
    """Create or update a funding commitment from a valid ``FundingForm`` of the project."""
    project = _locked_project(project)
    commitment: FundingCommitment = form.save(commit=False)
    if commitment.pk:
        # The stored commitment, locked: the actor must have the right to it as it was (a
        # coordinator may not take over a city's commitment) and as it will be.
        stored = FundingCommitment.objects.select_for_update().filter(pk=commitment.pk).first()
        if stored is None or stored.project_id != project.pk:
            raise PermissionDenied(_("This commitment belongs to another project."))
        _require_funding_right(actor, project, stored)
    commitment.project = project
    _require_funding_right(actor, project, commitment)
    _check_open(project)
    commitment.full_clean()
    commitment._history_user = actor  # type: ignore[attr-defined]
    commitment.save()
    project_parts_changed(project)
    return commitment


@transaction.atomic
def funding_remove(*, actor: User, project: JointProject, commitment: FundingCommitment) -> None:
    """Remove a funding commitment; its history keeps what it was and who removed it."""
    project = _locked_project(project)
    stored = FundingCommitment.objects.select_for_update().filter(pk=commitment.pk).first()
    if stored is None or stored.project_id != project.pk:
        raise PermissionDenied(_("This commitment belongs to another project."))
    _require_funding_right(actor, project, stored)
    _check_open(project)
    stored._history_user = actor  # type: ignore[attr-defined]
    stored.delete()
    project_parts_changed(project)
