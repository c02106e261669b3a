"""Who may see and act on a stay application, per object."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cooperation.roles import Role, is_official, is_programme_admin

if TYPE_CHECKING:
    from exchanges.models import Attachment, ReviewAssignment, StayApplication


def is_decider(user: Any) -> bool:
    """Officials of either city and programme administrators co-decide applications."""
    return is_official(user) or is_programme_admin(user)


def is_researcher_of(user: Any, application: StayApplication) -> bool:
    return bool(user.is_authenticated and application.researcher_id == user.pk)


def is_host_of(user: Any, application: StayApplication) -> bool:
    """A coordinator of the host institution, once the application has reached the host."""
    return bool(
        user.is_authenticated
        and user.is_active
        and application.host_id is not None
        and user.has_role(Role.COORDINATOR)
        and user.institution_id == application.host_id
        and application.status != application.Status.DRAFT
    )


def is_reviewer_of(user: Any, assignment: ReviewAssignment) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_role(Role.REVIEWER)
        and assignment.reviewer_id == user.pk
    )


def can_view_application(user: Any, application: StayApplication) -> bool:
    """The applicant, the host's coordinators, officials and administrators (after their
    second factor: ``cooperation.roles``), and the assigned reviewers once they have declared
    that they have no conflict of interest."""
    if not user.is_authenticated:
        return False
    if is_researcher_of(user, application) or is_host_of(user, application):
        return True
    if is_decider(user):
        return application.status != application.Status.DRAFT
    # A reviewer sees what they were assigned only after declaring no conflict: until then the
    # review page shows the declaration alone, and the documents' addresses must not open
    # either.
    return any(
        a.reviewer_id == user.pk and a.has_conflict is False and is_reviewer_of(user, a)
        for a in application.review_assignments.all()
    )


def can_download(user: Any, attachment: Attachment) -> bool:
    return can_view_application(user, attachment.application)


def audience_of(user: Any, application: StayApplication) -> str:
    """Return in whose terms ``user`` reads the application: researcher, host or official."""
    from exchanges.models import Audience

    if getattr(user, "pk", None) == application.researcher_id:
        return Audience.RESEARCHER
    if (
        application.host_id is not None
        and getattr(user, "institution_id", None) == application.host_id
        and user.has_role(Role.COORDINATOR)
    ):
        return Audience.HOST
    return Audience.OFFICIAL
