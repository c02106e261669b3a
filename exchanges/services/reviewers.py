"""What a reviewer does: declare a conflict of interest, then score."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import User
from exchanges import permissions
from exchanges.models import (
    Call,
    Criterion,
    ReviewAssignment,
    Score,
)
from exchanges.services.common import S, _lock, _refuse


def _own_assignment(actor: User, assignment_id: int) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None or not permissions.is_reviewer_of(actor, assignment):
        raise _refuse(_("This review is not assigned to you."), "not_yours")
    return assignment


def conflict_declare(
    *, actor: User, assignment_id: int, has_conflict: bool, explanation: str = ""
) -> ReviewAssignment:
    """Declare whether the reviewer has a conflict of interest (once, before scoring)."""
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment_id)
        if assignment.has_conflict is not None:
            raise _refuse(_("You have already made your declaration."), "declared")
        if assignment.application.status != S.EVALUATION:
            raise _refuse(_("This application is no longer in evaluation."), "wrong_state")
        assignment.has_conflict = has_conflict
        assignment.conflict_explanation = explanation
        assignment.conflict_declared_at = timezone.now()
        assignment.save(
            update_fields=["has_conflict", "conflict_explanation", "conflict_declared_at"]
        )
    return assignment


def scores_submit(
    *, actor: User, assignment_id: int, scores: Mapping[int, int], comment: str = ""
) -> ReviewAssignment:
    """Score every criterion of the call (0–10) once the reviewer declared no conflict."""
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment_id)
        if assignment.has_conflict is None:
            raise _refuse(_("Declare first whether you have a conflict of interest."), "undeclared")
        if assignment.has_conflict:
            raise _refuse(
                _("You declared a conflict of interest: you cannot score this application."),
                "conflict",
            )
        if assignment.submitted_at:
            raise _refuse(_("You have already submitted your scores."), "submitted")
        application = _lock(assignment.application_id)
        # The call's row lock orders scoring with a change of the call's criteria
        # (calls.call_criteria_set): a weight never changes under a score being written.
        Call.objects.select_for_update().filter(pk=application.call_id).first()
        if application.status != S.EVALUATION:
            raise _refuse(_("This application is no longer in evaluation."), "wrong_state")
        criteria = list(Criterion.objects.filter(call_id=application.call_id))
        if {c.pk for c in criteria} != set(scores) or any(
            not 0 <= int(v) <= 10 for v in scores.values()
        ):
            raise _refuse(_("Give every criterion a score from 0 to 10."), "bad_scores")
        Score.objects.bulk_create(
            Score(assignment=assignment, criterion=c, value=int(scores[c.pk])) for c in criteria
        )
        assignment.comment = comment
        assignment.submitted_at = timezone.now()
        assignment.save(update_fields=["comment", "submitted_at"])
    return assignment
