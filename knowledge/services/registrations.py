"""Registrations for events: sign-up, cancellation, the waiting list moving up, the reminder.

The places are counted with the event's row locked (``select_for_update``): two sign-ups for
the last place wait for each other, so an event never has more confirmed registrations than
places, whatever the number of web or worker processes. Every e-mail goes through the outbox
in the registration's language, and leaves only if the change commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from cooperation.models import User
from cooperation.notifications import notify
from knowledge.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from knowledge.permissions import is_registrant

R = RegistrationStatus

# How long before the start the reminder leaves ("the day before").
REMINDER_AHEAD = datetime.timedelta(hours=24)


def _language(actor: User, language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    for candidate in (language, getattr(actor, "language", ""), translation.get_language()):
        if candidate and candidate[:2] in codes:
            return candidate[:2]
    return settings.LANGUAGE_CODE


def notify_registrants(registrations: Iterable[Registration], event: Event, template: str) -> None:
    """E-mail each registrant, in the registration's language (not their account's)."""
    for registration in registrations:
        person = registration.person
        # In memory only: ``email_queue`` renders in ``person.language``.
        person.language = registration.language
        notify(
            recipients=[person],
            template=template,
            objects={"event": event, "registration": registration},
        )


def _when(instant: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(instant), "DATETIME_FORMAT")


def _locked_event(event: Event) -> Event:
    # Every change to an event's registrations takes this lock first, so counts stay true.
    return Event.objects.select_for_update().get(pk=event.pk)


@transaction.atomic
def registration_create(*, actor: User, event: Event, language: str | None = None) -> Registration:
    """Sign ``actor`` up: confirmed while places remain, otherwise on the waiting list.

    Refused for an event not published (a draft, a cancelled one), once registration has
    closed or the event is over, and for a person already signed up.
    """
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to register for an event."))
    event = _locked_event(event)
    now = timezone.now()
    if event.status == EventStatus.CANCELLED:
        raise ValidationError(_("This event was cancelled."), code="cancelled")
    if event.status != EventStatus.PUBLISHED:
        raise ValidationError(_("This event is not open for registration."), code="not_published")
    if now >= event.ends_at:
        raise ValidationError(_("This event is over."), code="past")
    if now >= event.registration_closes_at:
        raise ValidationError(
            _("Registration for this event closed on %(when)s.")
            % {"when": _when(event.registration_closes_at)},
            code="closed",
        )
    registrations = Registration.objects.filter(event=event)
    if registrations.active().filter(person=actor).exists():
        raise ValidationError(_("You are already registered for this event."), code="duplicate")
    taken = registrations.holding_place().count()
    registration = Registration(
        event=event, person=actor, language=_language(actor, language), status=R.CONFIRMED
    )
    if taken < event.places:
        registration.confirmed_at = now
        template = "knowledge/email/registration_confirmed"
    else:
        last = registrations.filter(status=R.WAITING).aggregate(last=Max("position"))["last"]
        registration.status = R.WAITING
        registration.position = (last or 0) + 1
        template = "knowledge/email/registration_waiting"
    try:
        # A savepoint: the constraint is the last word should another path skip the check.
        with transaction.atomic():
            registration.save()
    except IntegrityError as error:
        raise ValidationError(
            _("You are already registered for this event."), code="duplicate"
        ) from error
    registration.person = User.objects.get(pk=actor.pk)
    notify_registrants([registration], event, template)
    return registration


@transaction.atomic
def registration_cancel(*, actor: User, registration: Registration) -> Registration:
    """Cancel the actor's own registration; a freed place goes to the first on the waiting list."""
    event = _locked_event(registration.event)
    registration = (
        Registration.objects.select_for_update().select_related("person").get(pk=registration.pk)
    )
    if not is_registrant(actor, registration):
        raise PermissionDenied(_("You may cancel your own registrations only."))
    if registration.status not in (R.CONFIRMED, R.WAITING):
        raise ValidationError(
            _("This registration cannot be cancelled any more."), code="not_active"
        )
    if timezone.now() >= event.ends_at:
        raise ValidationError(_("This event is over."), code="past")
    registration.status = R.CANCELLED
    registration.position = None
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "position", "cancelled_at", "updated_at"])
    notify_registrants([registration], event, "knowledge/email/registration_cancelled")
    promote_waiting(event)
    return registration


def promote_waiting(event: Event) -> list[Registration]:
    """Give the free places to the first people of the waiting list, in order, and e-mail them.

    The caller holds the event's lock (``registration_cancel``, ``event_update``).
    """
    if event.status != EventStatus.PUBLISHED or timezone.now() >= event.ends_at:
        return []
    registrations = Registration.objects.filter(event=event)
    free = event.places - registrations.holding_place().count()
    if free <= 0:
        return []
    promoted = list(registrations.waiting().select_related("person")[:free])
    now = timezone.now()
    for registration in promoted:
        registration.status = R.CONFIRMED
        registration.position = None
        registration.confirmed_at = now
        registration.save(update_fields=["status", "position", "confirmed_at", "updated_at"])
    notify_registrants(promoted, event, "knowledge/email/registration_promoted")
    return promoted


def due_reminders(now: datetime.datetime) -> list[int]:
    """Return the confirmed registrations whose event starts within a day and not reminded."""
    return list(
        Registration.objects.filter(
            status=R.CONFIRMED,
            reminded_at__isnull=True,
            event__status=EventStatus.PUBLISHED,
            event__starts_at__gt=now,
            event__starts_at__lte=now + REMINDER_AHEAD,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def registration_remind(*, registration_id: int, now: datetime.datetime | None = None) -> bool:
    """Send one registration's reminder, once: return whether this call sent it.

    The conditional UPDATE claims the reminder (``reminded_at`` still empty): a retry, or a
    second run at the same time, finds it claimed and sends nothing. The e-mail is queued in
    the same transaction, so a claim that rolls back leaves the reminder to the next run.
    """
    now = now or timezone.now()
    claimed = Registration.objects.filter(
        pk=registration_id, reminded_at__isnull=True, status=R.CONFIRMED
    ).update(reminded_at=now)
    if not claimed:
        return False
    registration = Registration.objects.select_related("person", "event").get(pk=registration_id)
    notify_registrants([registration], registration.event, "knowledge/email/registration_reminder")
    return True


def registrations_remind_due(*, now: datetime.datetime | None = None) -> int:
    """Send the reminders due now (the beat task's work); return how many were sent."""
    now = now or timezone.now()
    return sum(registration_remind(registration_id=pk, now=now) for pk in due_reminders(now))


@transaction.atomic
def registrations_purge_past(*, now: datetime.datetime | None = None) -> int:
    """Delete the registrations of events that ended more than the retention period ago.

    The event keeps its attendance as a number (the registrants who came, if the organisers
    recorded none), so the officials' figures do not change when the people are forgotten.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.EVENT_REGISTRATION_RETENTION_DAYS)
    old = Registration.objects.filter(event__ends_at__lt=cutoff)
    for event in Event.objects.select_for_update().filter(
        pk__in=old.values("event_id"), attendance__isnull=True
    ):
        event.attendance = event.registrations.filter(status=R.ATTENDED).count()
        event.save(update_fields=["attendance", "updated_at"])
    deleted, _by_model = old.delete()
    return deleted


def registrations_cancel_for_erasure(*, person: User) -> list[Registration]:
    """Cancel the person's places at events not over yet, each through ``registration_cancel``.

    Run when the person asks for erasure, while their address is still there: each place is
    freed at once and goes to the first of the waiting list (who is told), and the person is
    told in the registration's language, as when they cancel themselves. What is left (places
    at events over, attended ones) the anonymisation deletes (``registrations_erase``).
    """
    cancelled = []
    pending = (
        Registration.objects.filter(
            person=person, status__in=(R.CONFIRMED, R.WAITING), event__ends_at__gt=timezone.now()
        )
        # Events locked in id order, as ``registrations_erase`` does: no deadlock between them.
        .order_by("event_id", "pk")
        .select_related("event")
    )
    for registration in pending:
        try:
            cancelled.append(registration_cancel(actor=person, registration=registration))
        except ValidationError:
            continue  # ended or cancelled meanwhile: the anonymisation deletes it
    return cancelled


@transaction.atomic
def registrations_erase(*, user_id: int) -> int:
    """Delete a person's registrations (erasure): their places go to the waiting lists.

    An event already over keeps its attendance as a number first, as the retention does, so
    the officials' figures stay right.
    """
    registrations = Registration.objects.filter(person_id=user_id)
    # Locked in id order, as every path that locks several events does: no deadlock.
    events = list(
        Event.objects.select_for_update()
        .filter(pk__in=registrations.values("event_id"))
        .order_by("pk")
    )
    now = timezone.now()
    for event in events:
        if event.ends_at <= now and event.attendance is None:
            event.attendance = event.registrations.filter(status=R.ATTENDED).count()
            event.save(update_fields=["attendance", "updated_at"])
    deleted, _by_model = registrations.delete()
    for event in events:
        promote_waiting(event)
    return deleted
