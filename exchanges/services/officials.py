"""What the programme's officials decide: reviewers, signatures, the waiting list, reports."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import User
from cooperation.notifications import notify
from cooperation.roles import Role
from exchanges import permissions
from exchanges.models import (
    CallHost,
    ReviewAssignment,
    Signature,
    Stay,
    StayApplication,
)
from exchanges.services.common import (
    S,
    _event,
    _lock,
    _officials,
    _refuse,
    application_transition,
)
from exchanges.services.rules import missing_signatures
from exchanges.workflow import HOLDS_PLACE, Actor


def _require_decider(actor: User) -> None:
    if not permissions.is_decider(actor):
        raise _refuse(_("Only the programme's officials can do this."), "not_official")


def check_not_own(application: StayApplication, reviewer: User) -> None:
    """Refuse a reviewer who is the applicant: nobody reviews their own application."""
    if reviewer.pk == application.researcher_id:
        raise _refuse(_("Applicants cannot review their own application."), "own")


def review_assign(*, actor: User, application_id: int, reviewer: User) -> ReviewAssignment:
    """Assign a reviewer; the first assignment opens the evaluation."""
    _require_decider(actor)
    if not reviewer.has_role(Role.REVIEWER) or not reviewer.is_active:
        raise _refuse(_("This person is not a reviewer."), "not_reviewer")
    with transaction.atomic():
        application = _lock(application_id)
        check_not_own(application, reviewer)
        if application.status == S.HOST_ACCEPTED:
            application_transition(
                application=application,
                actor=actor,
                as_actor=Actor.OFFICIAL,
                to_status=S.EVALUATION,
            )
        elif application.status != S.EVALUATION:
            raise _refuse(
                _("Reviewers are assigned once the host has accepted the application."),
                "wrong_state",
            )
        assignment, created = ReviewAssignment.objects.get_or_create(
            application=application, reviewer=reviewer, defaults={"assigned_by": actor}
        )
        if created:
            notify(
                recipients=[reviewer],
                template="exchanges/email/review_assigned",
                objects={"application": application},
            )
    return assignment


def _places_left(application: StayApplication) -> int:
    return _places_left_at(application.call_id, application.host_id or 0, exclude=application.pk)


def _places_left_at(call_id: int, host_id: int, *, exclude: int | None = None) -> int:
    # Lock the host's row of the call: two approvals for the last place are serialised.
    call_host = CallHost.objects.select_for_update().get(call_id=call_id, institution_id=host_id)
    taken = StayApplication.objects.filter(call_id=call_id, host_id=host_id, status__in=HOLDS_PLACE)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return call_host.places - taken.count()


def application_sign(*, actor: User, application_id: int) -> StayApplication:
    """Sign the decision for the official's city; the second city's signature decides.

    With both signatures the application is approved when its host has a place left, and
    otherwise goes to the host's waiting list, where it takes the next place that frees, in
    ranking order. Either way both cities signed: one signature alone never awards a stay.
    """
    _require_decider(actor)
    party_id = actor.party_id
    if party_id is None:
        raise _refuse(_("Only an official of one of the two cities can sign."), "no_city")
    with transaction.atomic():
        application = _lock(application_id)
        if application.status not in (S.EVALUATION, S.WAITLISTED):
            raise _refuse(
                _("This action is not possible while the application is “%(status)s”.")
                % {"status": application.get_status_display()},
                "wrong_state",
            )
        if not application.review_assignments.filter(submitted_at__isnull=False).exists():
            raise _refuse(_("At least one reviewer must have scored it first."), "unreviewed")
        signed = {s.party_id: s for s in application.signatures.all()}
        if any(s.official_id == actor.pk for s in signed.values()):
            raise _refuse(_("You have already signed this application."), "signed_twice")
        if party_id in signed:
            raise _refuse(_("Your city has already signed this application."), "city_signed")
        Signature.objects.create(application=application, party_id=party_id, official=actor)
        missing = missing_signatures(application)
        if missing:
            # One signature alone leaves the decision pending: a timeline row, no new status.
            _event(
                application,
                actor=actor,
                from_status=application.status,
                note_key="signed_one_city",
            )
            notify(
                recipients=[o for o in _officials() if o.party_id in {p.pk for p in missing}],
                template="exchanges/email/signature_needed",
                objects={"application": application},
            )
        elif _places_left(application) >= 1:
            application_transition(
                application=application, actor=actor, as_actor=Actor.OFFICIAL, to_status=S.APPROVED
            )
        elif application.status == S.EVALUATION:
            application_transition(
                application=application,
                actor=actor,
                as_actor=Actor.OFFICIAL,
                to_status=S.WAITLISTED,
                note_key="signed_no_place",
            )
        else:
            _event(
                application,
                actor=actor,
                from_status=application.status,
                note_key="signed_waiting_place",
            )
    return application


def _official_move(
    *, actor: User, application_id: int, to_status: str, note: str = ""
) -> tuple[StayApplication, bool]:
    _require_decider(actor)
    with transaction.atomic():
        application = _lock(application_id)
        held_place = application.status in HOLDS_PLACE
        application_transition(
            application=application,
            actor=actor,
            as_actor=Actor.OFFICIAL,
            to_status=to_status,
            note=note,
        )
        if held_place and to_status not in HOLDS_PLACE:
            _give_place_to_waitlist(application)
    return application, held_place


def application_reject(*, actor: User, application_id: int, note: str = "") -> StayApplication:
    return _official_move(
        actor=actor, application_id=application_id, to_status=S.REJECTED, note=note
    )[0]


def application_cancel(*, actor: User, application_id: int, note: str = "") -> StayApplication:
    return _official_move(
        actor=actor, application_id=application_id, to_status=S.CANCELLED, note=note
    )[0]


def final_report_accept(*, actor: User, application_id: int) -> StayApplication:
    """An official accepts the final report, which completes the stay."""
    _require_decider(actor)
    with transaction.atomic():
        application = _lock(application_id)
        stay = Stay.objects.select_for_update().filter(application=application).first()
        if stay is None or not stay.report_submitted_at:
            raise _refuse(_("The final report has not been handed in yet."), "no_report")
        # Accept first: the transition completes only a stay whose report is accepted (and
        # the transaction undoes the acceptance if the move is refused).
        stay.report_accepted_by = actor
        stay.report_accepted_at = timezone.now()
        stay.save(update_fields=["report_accepted_by", "report_accepted_at"])
        application_transition(
            application=application, actor=actor, as_actor=Actor.OFFICIAL, to_status=S.COMPLETED
        )
    return application


def _give_place_to_waitlist(freed: StayApplication) -> StayApplication | None:
    """Give the place that ``freed`` left to the host's waiting list (see ``waitlist_fill``)."""
    return waitlist_fill(call_id=freed.call_id, host_id=freed.host_id or 0, freed=freed)


def waitlist_fill(
    *, call_id: int, host_id: int, freed: StayApplication | None = None
) -> StayApplication | None:
    """Give a free place of the host to the first co-signed application of its waiting list.

    The waiting list is in ranking order and holds only applications that both cities signed,
    so the promotion is their award; the officials of both cities are told, each in their
    language, whether someone took the place. Returns the promoted application, if any.
    """
    call_host = CallHost.objects.filter(call_id=call_id, institution_id=host_id).first()
    if call_host is None or _places_left_at(call_id, host_id) < 1:
        return None
    promoted = None
    ranked = (
        StayApplication.objects.filter(call_id=call_id, host_id=host_id, status=S.WAITLISTED)
        .ranked()
        .values_list("pk", flat=True)
    )
    for candidate_id in ranked:
        candidate = _lock(candidate_id)
        # A row waitlisted before both cities signed (older data) waits for its signature.
        if candidate.status == S.WAITLISTED and not missing_signatures(candidate):
            application_transition(
                application=candidate,
                actor=None,
                as_actor=Actor.SYSTEM,
                to_status=S.APPROVED,
                note_key="place_freed",
            )
            promoted = candidate
            break
    objects: dict[str, Any] = {"call_host": call_host}
    if freed is not None:
        objects["freed"] = freed
    if promoted is not None:
        objects["promoted"] = promoted
    notify(recipients=_officials(), template="exchanges/email/place_freed", objects=objects)
    return promoted
