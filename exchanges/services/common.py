"""What every actor's service shares: locking, refusals, the timeline and the one transition.

``application_transition`` is the only function that writes an application's ``status``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from cooperation.api.webhooks import emit
from cooperation.models import User
from cooperation.notifications import notify
from exchanges.models import (
    STAY_DATES,
    ApplicationEvent,
    Call,
    StayApplication,
)
from exchanges.services.rules import transition_problems
from exchanges.workflow import Actor, allowed

S = StayApplication.Status

# Who hears of each new status, besides the researcher (who hears of every change).
NOTIFY_HOST = frozenset({S.HOST_REVIEW, S.WITHDRAWN, S.CANCELLED, S.AWARDED, S.COMPLETED})
NOTIFY_OFFICIALS = frozenset({S.HOST_ACCEPTED, S.APPROVED, S.AWARDED, S.WITHDRAWN})
DECISIONS = frozenset({S.APPROVED, S.WAITLISTED, S.REJECTED})


def _refuse(message: Any, code: str = "refused") -> ValidationError:
    return ValidationError(message, code=code)


def _lock(application_id: int) -> StayApplication:
    try:
        return StayApplication.objects.select_for_update(of=("self",)).get(pk=application_id)
    except StayApplication.DoesNotExist:
        raise _refuse(_("This application does not exist."), "not_found") from None


def _host_coordinators(application: StayApplication) -> list[User]:
    if application.host_id is None:
        return []
    return list(User.objects.coordinators().filter(institution_id=application.host_id))


def _officials() -> list[User]:
    return list(User.objects.officials())


def _event(
    application: StayApplication,
    *,
    actor: User | None,
    from_status: str,
    note: str = "",
    note_key: str = "",
    note_params: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Write a timeline row: the portal's message as a key, a person's note as written."""
    if note_key and note_key not in ApplicationEvent.NOTES:
        raise ValueError(f"unknown timeline message {note_key!r}")
    return ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        from_status=from_status,
        to_status=application.status,
        note_key=note_key,
        note_params=note_params or {},
        note=note,
        # A person writes in the language of the page they use.
        note_language=(translation.get_language() or "") if note else "",
    )


def application_transition(
    *,
    application: StayApplication,
    actor: User | None,
    as_actor: Actor,
    to_status: str,
    note: str = "",
    note_key: str = "",
    note_params: dict[str, Any] | None = None,
    extra_fields: Iterable[str] = (),
) -> None:
    """Move a locked application to ``to_status`` if the workflow table allows it.

    The only function that writes ``status``; callers lock the row first (``_lock``). It
    refuses, whoever asks, a move that the table or ``rules.transition_problems`` forbids.
    """
    from_status = application.status
    if not allowed(from_status, to_status, as_actor):
        raise _refuse(
            _("This action is not possible while the application is “%(status)s”.")
            % {"status": application.get_status_display()},
            "wrong_state",
        )
    # The MoU's rules (both cities' signatures, the stay's dates, an accepted final report)
    # hold here, for every caller, the system included.
    problems = transition_problems(application, to_status)
    if problems:
        raise ValidationError(problems, code="rule")
    application.status = to_status
    application.save(update_fields=["status", *extra_fields])
    event = _event(
        application,
        actor=actor,
        from_status=from_status,
        note=note,
        note_key=note_key,
        note_params=note_params,
    )
    recipients: list[User] = [application.researcher]
    if to_status in NOTIFY_HOST and application.host_id:
        recipients += _host_coordinators(application)
    if to_status in NOTIFY_OFFICIALS and as_actor != Actor.SYSTEM:
        # The system's moves (a freed place) are told to the officials by their caller.
        recipients += _officials()
    notify(
        recipients=[r for r in recipients if r.pk != getattr(actor, "pk", None)]
        or [application.researcher],
        template="exchanges/email/status_changed",
        # The event, not its text: each recipient reads the message in their language.
        objects={"application": application, "event": event},
    )
    if to_status in DECISIONS:
        # Partner systems hear of decisions, without the applicant's personal data.
        emit(
            "application.decided",
            {
                "application": application.pk,
                "call": application.call_id,
                "decision": to_status,
                "host": getattr(application.host, "code", None),
                "decided_at": timezone.now(),
            },
        )


def date_problems(call: Call, start: datetime.date | None, end: datetime.date | None) -> list[str]:
    """Return why planned dates do not fit the call (empty when they do)."""
    if not start or not end:
        return [str(_("Give both the planned start and end dates."))]
    problems = []
    if start < call.stays_from or end > call.stays_until:
        problems.append(
            str(
                _("The stay must take place between %(start)s and %(end)s.")
                % {
                    "start": formats.date_format(call.stays_from),
                    "end": formats.date_format(call.stays_until),
                }
            )
        )
    days = (end - start).days
    if not STAY_DATES.ordered(start, end):
        problems.append(str(STAY_DATES.message))
    elif not call.min_duration_days <= days <= call.max_duration_days:
        problems.append(
            str(
                _("The stay must last between %(min)s and %(max)s days; these dates give %(days)s.")
                % {"min": call.min_duration_days, "max": call.max_duration_days, "days": days}
            )
        )
    return problems
