"""Remind hosts of the applications waiting for their answer, after the officials' delay.

Reminder ``n`` of an application is due once it has waited ``n`` times the officials' number of
days. It is recorded (``HostReminder``, unique per application and number) with its e-mails in
one transaction, under the application's row lock: a retried task, a redelivered message or
two beats at once send each reminder once, and a host that answers in the meantime (the lock
serialises it with the answer) is not reminded.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import User
from cooperation.notifications import notify
from exchanges import permissions
from exchanges.models import HostReminder, HostReminderPolicy, StayApplication

logger = logging.getLogger(__name__)


def days_waiting(application: StayApplication, now: datetime.datetime) -> int:
    """Return the whole days since the application reached its host."""
    if application.submitted_at is None:
        return 0
    return max((now - application.submitted_at).days, 0)


def host_reminder_policy_update(*, actor: Any, days: Any, active: bool) -> HostReminderPolicy:
    """Set after how many days hosts are reminded; officials and administrators only."""
    if not permissions.is_decider(actor):
        raise PermissionDenied(_("Only programme officials may change the reminders to hosts."))
    # A whole number only (not a bool, a fraction or text): every caller gets the same refusal.
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError(
            {"days": _("Choose a number of days from 1 to 365.")}, code="days_out_of_range"
        )
    with transaction.atomic():
        policy = HostReminderPolicy.current()
        policy = HostReminderPolicy.objects.select_for_update().get(pk=policy.pk)
        policy.days, policy.active = days, bool(active)
        policy.save(update_fields=["days", "active", "updated_at"])
    return policy


def host_remind(*, application_id: int, number: int, now: datetime.datetime) -> bool:
    """Send reminder ``number`` of one application to its host's coordinators, once.

    Return whether it was sent here (False: the host answered, or it was sent already).
    """
    with transaction.atomic():
        application = (
            StayApplication.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("call", "host")
            .filter(pk=application_id, status=StayApplication.Status.HOST_REVIEW)
            .first()
        )
        if application is None:  # answered, withdrawn, or another beat holds it
            return False
        waited = days_waiting(application, now)
        try:
            with transaction.atomic():  # a savepoint: the reminder may exist already
                HostReminder.objects.create(
                    application=application, number=number, days_waiting=waited
                )
        except IntegrityError:
            return False
        coordinators = (
            list(User.objects.coordinators().filter(institution_id=application.host_id))
            if application.host_id is not None
            else []
        )
        if not coordinators:
            # Nobody to remind at the host: the officials hear of it instead.
            logger.warning("Application %s: its host has no coordinator to remind", application.pk)
            coordinators = list(User.objects.officials())
        notify(
            recipients=coordinators,
            template="exchanges/email/host_reminder",
            context={"days": waited, "site_url": settings.SITE_URL},
            objects={"application": application},
        )
    return True


def host_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders that are due; return how many were sent.

    Each application waiting at least the officials' number of days gets the reminder of its
    latest whole period (after 25 days with a delay of 10: reminder 2), if not sent already.
    """
    now = now or timezone.now()
    policy = HostReminderPolicy.current()
    if not policy.active:
        return 0
    delay = datetime.timedelta(days=policy.days)
    waiting = (
        StayApplication.objects.waiting_for_host()
        .filter(submitted_at__lte=now - delay)
        .values_list("pk", "submitted_at")
    )
    sent = 0
    for application_id, submitted_at in list(waiting):
        if submitted_at is None:  # waiting_for_host() keeps submitted ones only
            continue
        number = (now - submitted_at).days // policy.days
        if HostReminder.objects.filter(application_id=application_id, number=number).exists():
            continue
        sent += host_remind(application_id=application_id, number=number, now=now)
    return sent
