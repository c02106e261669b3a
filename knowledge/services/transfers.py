"""A transfer's record: an institution of the other city taking a practice up, stage by stage."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, User
from knowledge import events
from knowledge.models import (
    TRANSFER_DATES,
    Practice,
    PracticeStatus,
    Transfer,
    TransferEvent,
    TransferStage,
)
from knowledge.permissions import can_change_transfer, can_keep_transfer
from knowledge.workflow import ADOPTER, FINAL_STAGES, TRANSFER_TRANSITIONS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

T = TransferStage

TRANSFER_TEXTS = frozenset(
    f"{field}_{language}"
    for field in ("adaptations", "lessons")
    for language, _name in settings.LANGUAGES
)
CONTACT_FIELDS = (
    "origin_contact_name",
    "origin_contact_email",
    "adopter_contact_name",
    "adopter_contact_email",
)


def allowed_transfer_moves(actor: User | AnonymousUser, transfer: Transfer) -> list[str]:
    """Return the stages the actor may move the transfer to now."""
    if not can_change_transfer(actor, transfer):
        return []
    return [to for (frm, to), who in TRANSFER_TRANSITIONS.items() if frm == transfer.stage]


def _check_other_city(practice: Practice, institution: Institution) -> None:
    # The MoU's exchange is between the two cities: a practice is taken up by the other one.
    if institution.party_id == practice.origin_id:
        raise ValidationError(
            {
                "institution": _(
                    "A practice is transferred to an institution of the other city, not of "
                    "its own city."
                )
            },
            code="same_city",
        )


def _check_contacts(values: Mapping[str, str]) -> None:
    missing = {name: _("This contact is required.") for name in CONTACT_FIELDS if not values[name]}
    if missing:
        raise ValidationError(missing)


def _check_end(ended_on: datetime.date | None) -> None:
    # The end is the day it was adopted or discontinued: a day still to come is not known.
    if ended_on is not None and ended_on > timezone.localdate():
        raise ValidationError(
            {"ended_on": _("A transfer cannot end after today.")}, code="end_in_future"
        )


def _record(transfer: Transfer, *, actor: User | None, frm: str, to: str, note: str) -> None:
    TransferEvent.objects.create(
        transfer=transfer,
        actor=actor,
        from_status=frm,
        to_status=to,
        note=note,
        # A person writes in the language of the page they use.
        note_language=(translation.get_language() or "") if note else "",
    )


@transaction.atomic
def transfer_create(
    *,
    actor: User,
    practice: Practice,
    institution: Institution,
    started_on: datetime.date,
    origin_contact_name: str,
    origin_contact_email: str,
    adopter_contact_name: str,
    adopter_contact_email: str,
    texts: Mapping[str, str] | None = None,
    public: bool = False,
) -> Transfer:
    """Record that ``institution`` (of the other city) is interested in a published practice."""
    if not can_keep_transfer(actor, institution):
        raise PermissionDenied(_("You may record transfers to your own institution only."))
    # Lock the practice: it must stay published while the transfer is recorded.
    practice = Practice.objects.select_for_update().get(pk=practice.pk)
    if practice.status != PracticeStatus.PUBLISHED:
        raise ValidationError(
            {"practice": _("Only a published practice can be transferred.")},
            code="not_published",
        )
    _check_other_city(practice, institution)
    contacts = {
        "origin_contact_name": (origin_contact_name or "").strip(),
        "origin_contact_email": (origin_contact_email or "").strip(),
        "adopter_contact_name": (adopter_contact_name or "").strip(),
        "adopter_contact_email": (adopter_contact_email or "").strip(),
    }
    _check_contacts(contacts)
    if Transfer.objects.filter(practice=practice, institution=institution).exists():
        raise ValidationError(
            {"institution": _("This institution already records a transfer of it.")},
            code="duplicate",
        )
    transfer = Transfer(
        practice=practice,
        institution=institution,
        stage=T.INTEREST,
        started_on=started_on,
        public=public,
        created_by=actor,
        **contacts,
    )
    for column, text in (texts or {}).items():
        if column not in TRANSFER_TEXTS:
            raise ValueError(f"{column} is not a translated text of a transfer")
        setattr(transfer, column, text)
    transfer.full_clean(exclude=["practice", "institution", "created_by"], validate_unique=False)
    transfer.save()
    _record(transfer, actor=actor, frm="", to=T.INTEREST, note="")
    events.transfer_updated(transfer)
    return transfer


_FIXED = ("practice_id", "institution_id", "stage", "created_by_id")


@transaction.atomic
def transfer_update(*, actor: User, transfer: Transfer) -> Transfer:
    """Save a transfer's changed details (dates, contacts, adaptations, lessons, public flag).

    ``transfer`` carries the new values; the stored row, locked, decides who may change it.
    """
    stored = (
        Transfer.objects.select_for_update()
        .select_related("institution__party")
        .get(pk=transfer.pk)
    )
    if not can_change_transfer(actor, stored):
        raise PermissionDenied(_("You may not change this transfer."))
    for name in _FIXED:
        if getattr(transfer, name) != getattr(stored, name):
            raise ValidationError(
                _(
                    "A transfer keeps its practice and institution, and its stage moves only one "
                    "step at a time."
                ),
                code="fixed_field",
            )
    _check_contacts({name: (getattr(transfer, name) or "").strip() for name in CONTACT_FIELDS})
    TRANSFER_DATES.check(transfer.started_on, transfer.ended_on)
    _check_end(transfer.ended_on)
    transfer.full_clean(exclude=["practice", "institution", "created_by"], validate_unique=False)
    transfer.save()
    events.transfer_updated(transfer, was_public=stored.public)
    return transfer


@transaction.atomic
def transfer_move(
    *,
    actor: User,
    transfer: Transfer,
    to_stage: str,
    on: datetime.date | None = None,
    note: str = "",
    lessons: Mapping[str, str] | None = None,
) -> Transfer:
    """Move a transfer to its next stage (or stop it), and record it in its timeline.

    Stopping it (discontinued) needs its lessons learned, in ``lessons`` (by column,
    ``{"lessons_es": …}``) or already recorded. A final stage dates the transfer's end ``on``
    (today by default).
    """
    # Lock the row: two people of the institution moving it at once.
    transfer = (
        Transfer.objects.select_for_update().select_related("institution").get(pk=transfer.pk)
    )
    if to_stage not in T.values:
        raise ValidationError(_("Unknown stage."), code="unknown_stage")
    move = (transfer.stage, to_stage)
    allowed = TRANSFER_TRANSITIONS.get(move)
    if allowed is None:
        raise ValidationError(
            _("A transfer cannot go from “%(from)s” to “%(to)s”."),
            code="invalid_transition",
            params={"from": T(transfer.stage).label, "to": T(to_stage).label},
        )
    if ADOPTER not in allowed or not can_change_transfer(actor, transfer):
        raise PermissionDenied(_("You may not change this transfer."))
    fields = ["stage", "updated_at"]
    for column, text in (lessons or {}).items():
        if column not in TRANSFER_TEXTS or not column.startswith("lessons_"):
            raise ValueError(f"{column} is not a lessons text of a transfer")
        setattr(transfer, column, text)
        fields.append(column)
    if to_stage == T.DISCONTINUED and not any(
        (getattr(transfer, f"lessons_{language}") or "").strip()
        for language, _name in settings.LANGUAGES
    ):
        raise ValidationError(
            {"lessons": _("Say what was learned before the transfer is discontinued.")},
            code="lessons_required",
        )
    if to_stage in FINAL_STAGES:
        transfer.ended_on = on or timezone.localdate()
        TRANSFER_DATES.check(transfer.started_on, transfer.ended_on)
        _check_end(transfer.ended_on)
        fields.append("ended_on")
    transfer.stage = to_stage
    transfer.save(update_fields=fields)
    _record(transfer, actor=actor, frm=move[0], to=to_stage, note=(note or "").strip())
    events.transfer_updated(transfer)
    return transfer
