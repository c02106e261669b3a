"""What a host institution's coordinator does: accept or decline an application."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cooperation.models import User
from exchanges import permissions
from exchanges.models import (
    HostDecision,
    StayApplication,
)
from exchanges.services.common import S, _lock, _refuse, application_transition, date_problems
from exchanges.workflow import Actor


def _as_host(actor: User, application_id: int) -> StayApplication:
    application = _lock(application_id)
    if not permissions.is_host_of(actor, application):
        raise _refuse(_("You do not act for the host institution of this application."), "not_host")
    return application


def host_accept(
    *,
    actor: User,
    application_id: int,
    supervisor_name: str,
    supervisor_email: str,
    confirmed_start: datetime.date,
    confirmed_end: datetime.date,
) -> StayApplication:
    """The host accepts: names the supervisor and confirms the dates."""
    with transaction.atomic():
        application = _as_host(actor, application_id)
        if not supervisor_name.strip():
            raise _refuse(_("Name the supervisor."), "required")
        problems = date_problems(application.call, confirmed_start, confirmed_end)
        if problems:
            raise ValidationError(problems, code="bad_dates")
        application_transition(
            application=application, actor=actor, as_actor=Actor.HOST, to_status=S.HOST_ACCEPTED
        )
        HostDecision.objects.create(
            application=application,
            accepted=True,
            decided_by=actor,
            supervisor_name=supervisor_name,
            supervisor_email=supervisor_email,
            confirmed_start=confirmed_start,
            confirmed_end=confirmed_end,
        )
    return application


def host_decline(*, actor: User, application_id: int, reason: str) -> StayApplication:
    """The host declines, giving the reason the researcher will read."""
    with transaction.atomic():
        application = _as_host(actor, application_id)
        if not reason.strip():
            raise _refuse(_("Give the reason for declining."), "required")
        application_transition(
            application=application,
            actor=actor,
            as_actor=Actor.HOST,
            to_status=S.HOST_DECLINED,
            note=reason,
        )
        HostDecision.objects.create(
            application=application, accepted=False, decided_by=actor, reason=reason
        )
    return application
