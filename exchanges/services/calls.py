"""Calls: their terms, criteria and hosts (officials, in the admin or a command), and their opening.

Once someone has submitted an application to a call, its criteria, their weights and each host's
places are frozen: a change goes through ``call_criteria_set`` / ``call_hosts_set``, which refuse
what would change a score or a decision already made (a criterion added, removed or re-weighted
after reviewers scored; a host's places below those already awarded; a host that received
applications leaving the call), and every change is written with who made it (``CallChange``,
shown on the call's admin page).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.api.webhooks import emit
from cooperation.models import Institution, StrategicArea, User
from exchanges.models import (
    Call,
    CallChange,
    CallHost,
    Criterion,
    Score,
    StayApplication,
    criteria_problems,
)
from exchanges.services.common import S, _refuse
from exchanges.services.officials import _require_decider, waitlist_fill
from exchanges.workflow import HOLDS_PLACE

# The call's own fields that officials edit, in the order the change log lists them.
TERMS_FIELDS = (
    "title_es",
    "title_ca",
    "title_en",
    "description_es",
    "description_ca",
    "description_en",
    "direction",
    "opens_at",
    "closes_at",
    "stays_from",
    "stays_until",
    "min_duration_days",
    "max_duration_days",
    "monthly_stipend",
    "stipend_currency",
    "required_documents",
    "report_opens_days_before",
)
# Changing the direction would move the hosts to the other city under submitted applications.
FROZEN_TERMS = frozenset({"direction"})
CRITERION_FIELDS = ("order", "name_es", "name_ca", "name_en", "weight", "is_social_impact")
# What a reviewer's score is weighed with: frozen once someone scored.
SCORING_FIELDS = ("weight", "is_social_impact")


@dataclass(frozen=True)
class CriterionRow:
    """One criterion as an official wants it: an existing one (pk) or a new one (pk None)."""

    pk: int | None
    values: Mapping[str, Any] = field(default_factory=dict)
    delete: bool = False


@dataclass(frozen=True)
class HostRow:
    """One host of the call as an official wants it."""

    pk: int | None
    institution: Institution | None
    places: int
    delete: bool = False


def call_has_submissions(call: Call | None) -> bool:
    """Say whether someone has submitted an application to the call (its terms are frozen)."""
    if call is None or call.pk is None:
        return False
    return StayApplication.objects.filter(call_id=call.pk).exclude(status=S.DRAFT).exists()


def _log(call: Call, actor: User | None, what: str, before: Any = "", after: Any = "") -> None:
    CallChange.objects.create(
        call=call, actor=actor, what=what, before=_text(before), after=_text(after)
    )


def _label(model: Any, name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set):
        return ", ".join(str(v) for v in value)
    return str(value)


def criteria_change_problems(call: Call | None, rows: Sequence[CriterionRow]) -> list[str]:
    """Return why the criteria as given cannot replace the call's (empty when they can)."""
    kept = [row for row in rows if not row.delete]
    problems = criteria_problems(
        [(int(r.values.get("weight") or 0), bool(r.values.get("is_social_impact"))) for r in kept]
    )
    if call is None or call.pk is None or not call_has_submissions(call):
        return problems
    if not Score.objects.filter(criterion__call_id=call.pk).exists():
        return problems  # submitted but not scored yet: a change moves no score
    existing = {c.pk: c for c in Criterion.objects.filter(call_id=call.pk)}
    for row in rows:
        old = existing.get(row.pk) if row.pk else None
        if old is None and not row.delete:
            problems.append(
                str(
                    _(
                        "No criterion can be added once reviewers have scored: it would change "
                        "their scores."
                    )
                )
            )
        elif old is not None and row.delete:
            problems.append(
                str(_("“%(name)s” cannot be removed: reviewers have scored it.") % {"name": old})
            )
        elif old is not None and any(
            row.values.get(name) != getattr(old, name) for name in SCORING_FIELDS
        ):
            problems.append(
                str(
                    _(
                        "The weight of “%(name)s” cannot change once reviewers have scored: it "
                        "would change their scores and the ranking."
                    )
                    % {"name": old.name}
                )
            )
    return problems


def hosts_change_problems(call: Call | None, rows: Sequence[HostRow]) -> list[str]:
    """Return why the hosts and places as given cannot replace the call's (empty when they can)."""
    problems: list[str] = []
    kept = [row for row in rows if not row.delete]
    institutions = [row.institution.pk for row in kept if row.institution is not None]
    if len(institutions) != len(set(institutions)):
        problems.append(str(_("Each host institution appears once in a call.")))
    if any(row.places < 1 for row in kept):
        problems.append(str(_("Each host offers at least one place.")))
    if call is None or call.pk is None:
        return problems
    counts = {
        row["host_id"]: row
        for row in StayApplication.objects.filter(call_id=call.pk)
        .values("host_id")
        .annotate(
            submitted=Count("pk", filter=~Q(status=S.DRAFT)),
            held=Count("pk", filter=Q(status__in=HOLDS_PLACE)),
        )
    }
    existing = {
        h.pk: h for h in CallHost.objects.filter(call_id=call.pk).select_related("institution")
    }
    wanted = {row.institution.pk: row for row in kept if row.institution is not None}
    for old in existing.values():
        count = counts.get(old.institution_id, {"submitted": 0, "held": 0})
        row = wanted.get(old.institution_id)
        if row is None and count["submitted"]:
            problems.append(
                str(
                    _("%(host)s cannot leave the call: applications were submitted to it.")
                    % {"host": old.institution}
                )
            )
        elif row is not None and row.places < count["held"]:
            problems.append(
                str(
                    _(
                        "%(host)s has %(held)s places already awarded: its places cannot go "
                        "below that."
                    )
                    % {"host": old.institution, "held": count["held"]}
                )
            )
    return problems


def call_save(*, actor: User, call: Call, areas: Iterable[StrategicArea] | None = None) -> Call:
    """Create or change a call's terms (and eligible areas); write who changed what."""
    _require_decider(actor)
    with transaction.atomic():
        before: Call | None = None
        if call.pk is not None:
            before = Call.objects.select_for_update().get(pk=call.pk)
        changed = [
            name
            for name in TERMS_FIELDS
            # Compared as written in the log: an empty translation is "" or None alike.
            if before is None or _text(getattr(before, name)) != _text(getattr(call, name))
        ]
        if before is not None and call_has_submissions(before):
            frozen = [name for name in changed if name in FROZEN_TERMS]
            if frozen:
                raise _refuse(
                    _("The direction of a call cannot change once applications were submitted."),
                    "frozen",
                )
        call.full_clean(exclude=["areas", "hosts"])
        call.save()
        if before is None:
            _log(call, actor, str(_("Call created")), "", call.title)
        else:
            for name in changed:
                label = _label(Call, name)
                _log(call, actor, str(label), getattr(before, name), getattr(call, name))
        if areas is not None:
            old_areas = set(call.areas.all())
            new_areas = set(areas)
            if old_areas != new_areas:
                call.areas.set(new_areas)
                _log(
                    call,
                    actor,
                    str(_("eligible areas")),
                    sorted(str(a) for a in old_areas),
                    sorted(str(a) for a in new_areas),
                )
    return call


def call_criteria_set(*, actor: User, call_id: int, rows: Sequence[CriterionRow]) -> None:
    """Replace the call's criteria by ``rows``, refusing what would change a score."""
    _require_decider(actor)
    with transaction.atomic():
        # The call's row lock serialises this with reviewers scoring (scores_submit takes it).
        call = Call.objects.select_for_update().get(pk=call_id)
        problems = criteria_change_problems(call, rows)
        if problems:
            raise ValidationError(problems, code="frozen")
        existing = {c.pk: c for c in Criterion.objects.filter(call=call)}
        for row in rows:
            old = existing.get(row.pk) if row.pk else None
            if old is not None and row.delete:
                _log(call, actor, str(_("Criterion removed")), str(old), "")
                old.delete()
        # Turn the social-impact flag off before another criterion takes it (one per call).
        updates = sorted(
            (row for row in rows if row.pk in existing and not row.delete),
            key=lambda row: bool(row.values.get("is_social_impact")),
        )
        for row in updates:
            old = existing[row.pk]  # type: ignore[index]
            changes = [
                (name, getattr(old, name), row.values.get(name))
                for name in CRITERION_FIELDS
                if name in row.values and _text(row.values.get(name)) != _text(getattr(old, name))
            ]
            for name, value_before, value_after in changes:
                setattr(old, name, value_after)
                label = _label(Criterion, name)
                _log(call, actor, f"{old.name}: {label}", value_before, value_after)
            if changes:
                old.full_clean(exclude=["call"])
                old.save(update_fields=[name for name, _b, _a in changes])
        for row in rows:
            if row.pk is None and not row.delete:
                criterion = Criterion(
                    call=call, **{k: v for k, v in row.values.items() if k in CRITERION_FIELDS}
                )
                criterion.full_clean(exclude=["call"])
                criterion.save()
                _log(call, actor, str(_("Criterion added")), "", str(criterion))


def call_hosts_set(*, actor: User, call_id: int, rows: Sequence[HostRow]) -> None:
    """Replace the call's hosts and places by ``rows``; new places go to the waiting list."""
    _require_decider(actor)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call_id)
        problems = hosts_change_problems(call, rows)
        if problems:
            raise ValidationError(problems, code="frozen")
        existing = {
            h.institution_id: h
            for h in CallHost.objects.select_for_update()
            .filter(call=call)
            .select_related("institution")
        }
        wanted = {row.institution.pk: row for row in rows if not row.delete and row.institution}
        for institution_id, gone in existing.items():
            if institution_id not in wanted:
                _log(call, actor, str(_("Host removed")), str(gone), "")
                gone.delete()
        raised = []
        for institution_id, row in wanted.items():
            old = existing.get(institution_id)
            if old is None:
                host = CallHost.objects.create(
                    call=call, institution_id=institution_id, places=row.places
                )
                _log(call, actor, str(_("Host added")), "", str(host))
            elif old.places != row.places:
                _log(call, actor, f"{old.institution}: {_('places')}", old.places, row.places)
                if row.places > old.places:
                    raised.append(institution_id)
                old.places = row.places
                old.save(update_fields=["places"])
        for institution_id in raised:
            # A place added is a place freed: the co-signed waiting list takes it, in ranking order.
            while waitlist_fill(call_id=call.pk, host_id=institution_id) is not None:
                pass


def call_delete(*, actor: User, call_id: int) -> None:
    """Delete a call that no one has applied to yet."""
    _require_decider(actor)
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None:
            return
        if StayApplication.objects.filter(call=call).exists():
            raise _refuse(_("A call that has applications cannot be deleted."), "has_applications")
        call.delete()


def calls_announce_opened(*, now: datetime.datetime | None = None) -> list[int]:
    """Tell partner systems of each call that has opened since the last run, exactly once.

    The conditional UPDATE claims each call, so two beat ticks or workers never announce twice.
    """
    now = now or timezone.now()
    announced = []
    for call in Call.objects.filter(opens_at__lte=now, opening_announced_at__isnull=True):
        with transaction.atomic():
            claimed = Call.objects.filter(pk=call.pk, opening_announced_at__isnull=True).update(
                opening_announced_at=now
            )
            if not claimed:
                continue
            emit(
                "call.opened",
                {
                    "call": call.pk,
                    "title": {
                        lang: getattr(call, f"title_{lang}") or "" for lang in ("es", "ca", "en")
                    },
                    "direction": call.direction,
                    "opens_at": call.opens_at,
                    "closes_at": call.closes_at,
                },
            )
            announced.append(call.pk)
    return announced
