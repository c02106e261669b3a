"""A project's own record: created, proposed, changed, moved through its lifecycle, deleted."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

import projects.services.rules as rules
from cooperation.models import Axis, Institution, StrategicArea, User
from cooperation.notifications import notify
from projects import events
from projects.models import JointProject, Participation, ProjectEvent, ProjectStatus
from projects.permissions import (
    can_coordinate_project,
    can_delete_project,
    can_manage_project,
    is_coordinator,
)
from projects.workflow import COORDINATOR, OFFICIAL, TRANSITIONS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

S = ProjectStatus


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
    return User.objects.coordinators().filter(institution__participations__project=project)


def project_officials(project: JointProject) -> QuerySet[User]:
    """Return the active officials of the cities whose institutions take part in the project."""
    party_ids = Participation.objects.filter(project=project).values("institution__party_id")
    return User.objects.officials().filter(party_id__in=party_ids)


def project_party_ids(project: JointProject, *, without: int | None = None) -> list[int]:
    """Return the cities of the project's institutions as stored (leaving out one participation)."""
    participations = Participation.objects.filter(project=project)
    if without is not None:
        participations = participations.exclude(pk=without)
    return list(participations.values_list("institution__party_id", flat=True))


def _record(
    project: JointProject,
    *,
    actor: User | None,
    from_status: str,
    to_status: str,
    note: str,
    note_key: str = "",
    note_params: dict[str, Any] | None = None,
) -> None:
    # Every status change of a project, by whatever path, writes its timeline row here. The
    # portal's own words are a key (read in each reader's language); a person's note is kept
    # as written, with its language.
    ProjectEvent.objects.create(
        project=project,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        note=note,
        note_key=note_key,
        note_params=note_params or {},
        note_language=(translation.get_language() or "") if note else "",
    )


@transaction.atomic
def project_transition(
    *, actor: User, project: JointProject, to_status: str, note: str = ""
) -> JointProject:
    """Move a project to another status, record it in its timeline and tell its coordinators."""
    # Lock the row: two officials acting at once must not both move it from the same state.
    project = JointProject.objects.select_for_update().get(pk=project.pk)
    rules.check_status(to_status)
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
        # Approval is where a project becomes joint; every later status keeps its cities
        # (``participation_remove`` and ``participation_update`` refuse to lose one).
        rules.check_both_cities(to_status, project_party_ids(project))
    from_status = project.status
    project.status = to_status
    project.save(update_fields=["status", "updated_at"])
    _record(project, actor=actor, from_status=from_status, to_status=to_status, note=note)
    notify(
        recipients=project_coordinators(project),
        template="projects/email/status_changed",
        context={"from_status": from_status, "to_status": to_status, "note": note},
        objects={"project": project},
    )
    events.project_status_changed(project, from_status=from_status, to_status=to_status)
    return project


# The columns of a project's texts in each language (django-modeltranslation).
TRANSLATED_FIELDS = ("title", "summary", "impact")
TRANSLATED_TEXTS = frozenset(
    f"{field}_{language}" for field in TRANSLATED_FIELDS for language, _name in settings.LANGUAGES
)


@transaction.atomic
def project_propose(
    *,
    actor: User,
    title: str,
    summary: str,
    impact: str,
    primary_area: StrategicArea,
    areas: list[StrategicArea],
    axes: list[Axis],
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
    rules.check_dates(start_date, end_date)
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
    _record(project, actor=actor, from_status="", to_status=S.PROPOSED, note="")
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


def check_may_add_projects(actor: User | None) -> None:
    """Refuse anybody but the programme's officials adding projects (the admin, an import);
    ``actor`` None is the server's operator (a management command)."""
    if actor is not None and not can_manage_project(actor, None):
        raise PermissionDenied(_("Only the programme's officials may add projects here."))


def check_new_project(
    *,
    actor: User | None,
    status: str,
    start_date: datetime.date,
    end_date: datetime.date,
    institutions: Sequence[tuple[Institution, str]],
    cities: frozenset[int] | None = None,
) -> None:
    """Check a project about to be created (admin, import) against the MoU's rules.

    The import's dry run calls it for every row, so a bad row is reported before anything is
    written; ``project_create`` calls it again under its transaction.
    """
    check_may_add_projects(actor)
    rules.check_status(status)
    rules.check_dates(start_date, end_date)
    ids = [institution.pk for institution, _role in institutions]
    if len(set(ids)) != len(ids):
        raise ValidationError(
            _("An institution is listed twice in the project."), code="already_taking_part"
        )
    rules.check_one_lead(role for _institution, role in institutions)  # none listed: no lead
    party_ids = [institution.party_id for institution, _role in institutions]
    rules.check_both_cities(status, party_ids, cities=cities)
    rules.check_official_scope(actor, party_ids)


# No savepoint of its own: an import calls it for each of thousands of rows inside one
# transaction, and any refusal fails the whole import (or admin page) anyway.
@transaction.atomic(savepoint=False)
def project_create(
    *,
    actor: User | None,
    project: JointProject,
    institutions: Sequence[tuple[Institution, str]],
    areas: Iterable[StrategicArea] = (),
    axes: Iterable[Axis] = (),
    note: str = "",
    note_key: str = "",
    note_params: dict[str, Any] | None = None,
    cities: frozenset[int] | None = None,
) -> JointProject:
    """Create a project with its institutions (officials' admin, imports) and its timeline row.

    ``project`` is unsaved and carries its fields; its status is "proposed" from the admin, or
    any status of the lifecycle for an imported historical project (the timeline records it).
    ``institutions`` are (institution, role) pairs: exactly one lead. ``actor`` None is the
    server's operator (a management command). ``cities`` (``rules.city_ids()``) saves a query
    per project when an import creates many.
    """
    if project.pk is not None:
        raise ValueError("project_create saves a new project")
    check_new_project(
        actor=actor,
        status=project.status,
        start_date=project.start_date,
        end_date=project.end_date,
        institutions=institutions,
        cities=cities,
    )
    project.save()
    # A new project: its rows of areas, axes and participations are written in one INSERT each
    # (and the participations' history in one more), which an import of 20,000 rows needs.
    for relation, values in (("areas", areas), ("axes", axes)):
        manager: Any = getattr(project, relation)
        manager.through.objects.bulk_create(
            [
                manager.through(
                    **{manager.source_field_name: project, manager.target_field_name: value}
                )
                for value in values
            ]
        )
    participations = Participation.objects.bulk_create(
        [Participation(project=project, institution=i, role=role) for i, role in institutions]
    )
    Participation.history.bulk_history_create(participations, default_user=actor)
    _record(
        project,
        actor=actor,
        from_status="",
        to_status=project.status,
        note=note,
        note_key=note_key,
        note_params=note_params,
    )
    events.project_created(project)
    return project


def _same(new: Any, old: Any) -> bool:
    # A text of a language that was never written is stored as NULL; a form sends it as "".
    return new == old or (new in (None, "") and old in (None, ""))


# Fields the admin's form may change; the status moves only through ``project_transition``
# and the code is generated once.
_FIXED_FIELDS = ("code", "status", "created_at")


@transaction.atomic
def project_update(
    *,
    actor: User,
    project: JointProject,
    areas: Iterable[StrategicArea] | None = None,
    axes: Iterable[Axis] | None = None,
) -> JointProject:
    """Save the changed fields of a project (its texts, dates, areas, axes, public flag).

    ``project`` carries the new values; the stored row, locked, decides who may change it.
    """
    stored = JointProject.objects.select_for_update().get(pk=project.pk)
    if not can_manage_project(actor, stored):
        raise PermissionDenied(_("You may not make this change to this project."))
    rules.check_open(stored)
    for name in _FIXED_FIELDS:
        if getattr(project, name) != getattr(stored, name):
            raise ValidationError(
                _(
                    "A project's code never changes, and its status moves only through "
                    "“Change the status”."
                ),
                code="status_through_lifecycle",
            )
    rules.check_dates(project.start_date, project.end_date)
    rules.check_funding_years_kept(project)
    # The texts are compared per language column (title_es…), never through the field that
    # django-modeltranslation reads in the active language.
    changed = [
        field.attname
        for field in JointProject._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and field.name not in TRANSLATED_FIELDS
        and not _same(getattr(project, field.attname), getattr(stored, field.attname))
    ]
    touched = bool(changed)
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
    for relation, values in (("areas", areas), ("axes", axes)):
        if values is None:
            continue
        manager: Any = getattr(project, relation)
        wanted = {value.pk for value in values}
        if wanted != set(manager.values_list("pk", flat=True)):
            manager.set(list(values))
            touched = True
    if touched:
        if not changed:
            project.save(update_fields=["updated_at"])
        events.project_updated(project)
    return project


@transaction.atomic
def project_delete(*, actor: User, project: JointProject) -> None:
    """Delete a proposal entered by mistake; a project once approved is cancelled instead."""
    stored = JointProject.objects.select_for_update().get(pk=project.pk)
    if not can_delete_project(actor, stored):
        raise PermissionDenied(
            _("Only a proposal of your city can be deleted; cancel a project that was approved.")
        )
    stored.delete()
