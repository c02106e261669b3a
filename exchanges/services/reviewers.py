"""What a reviewer does: declare a conflict of interest, then score."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Mapping

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import User
from exchanges import permissions
from exchanges.models import (
    Call,
    Criterion,
    ResearcherProfile,
    ReviewAssignment,
    Score,
    StayApplication,
)
from exchanges.services.common import S, _lock, _refuse


def _own_assignment(actor: User, assignment_id: int) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.select_for_update().filter(pk=assignment_id).first()
    if assignment is None or not permissions.is_reviewer_of(actor, assignment):
        raise _refuse(_("This review is not assigned to you."), "not_yours")
    return assignment


# How long the page that showed the applicant's details stays valid for declaring.
DISCLOSURE_MAX_AGE = datetime.timedelta(days=1)
DISCLOSURE_SALT = "exchanges.conflict-disclosure"


def conflict_disclosure(application: StayApplication) -> dict[str, str]:
    """Return who and what the reviewer is asked about: shown before the conflict question."""
    researcher = application.researcher
    profile = ResearcherProfile.objects.filter(user_id=researcher.pk).select_related(
        "home_institution"
    )
    home = next((str(p.home_institution) for p in profile), "")
    project = application.joint_project
    return {
        "applicant": researcher.get_full_name() or researcher.email,
        "home_institution": home,
        "host": str(application.host) if application.host else "",
        "title": application.title,
        "joint_project": f"{project.code}: {project.title}" if project else "",
    }


def _digest(disclosure: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(disclosure, sort_keys=True).encode()).hexdigest()


def conflict_disclosure_token(assignment: ReviewAssignment) -> str:
    """Sign what the review page shows now, for the declaration to carry back."""
    disclosure = conflict_disclosure(assignment.application)
    return signing.dumps(
        {
            "assignment": assignment.pk,
            "digest": _digest(disclosure),
            "at": timezone.now().isoformat(),
        },
        salt=DISCLOSURE_SALT,
        compress=True,
    )


def conflict_declare(
    *,
    actor: User,
    assignment_id: int,
    has_conflict: bool,
    shown: str,
    explanation: str = "",
) -> ReviewAssignment:
    """Declare whether the reviewer has a conflict of interest (once, before scoring).

    ``shown`` is the token of the page that showed the applicant's name, home institution,
    host and project (``conflict_disclosure_token``): the declaration records what was shown
    and when, and is refused if the reviewer was not shown them or they have changed since.
    """
    with transaction.atomic():
        assignment = _own_assignment(actor, assignment_id)
        if assignment.has_conflict is not None:
            raise _refuse(_("You have already made your declaration."), "declared")
        if assignment.application.status != S.EVALUATION:
            raise _refuse(_("This application is no longer in evaluation."), "wrong_state")
        try:
            value = signing.loads(shown, salt=DISCLOSURE_SALT, max_age=DISCLOSURE_MAX_AGE)
        except (signing.BadSignature, TypeError, ValueError):
            value = None  # missing, forged or older than a day
        disclosure = conflict_disclosure(assignment.application)
        if not isinstance(value, dict) or value.get("assignment") != assignment.pk:
            raise _refuse(
                _("Read who the applicant is on the review page before declaring."), "unseen"
            )
        if value.get("digest") != _digest(disclosure):
            raise _refuse(
                _("The applicant's details changed since the page was shown: read them again."),
                "changed",
            )
        assignment.has_conflict = has_conflict
        assignment.conflict_explanation = explanation
        assignment.conflict_declared_at = timezone.now()
        assignment.disclosed = disclosure
        assignment.disclosed_at = datetime.datetime.fromisoformat(value["at"])
        assignment.save(
            update_fields=[
                "has_conflict",
                "conflict_explanation",
                "conflict_declared_at",
                "disclosed",
                "disclosed_at",
            ]
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
