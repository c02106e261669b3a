"""An event's record: created as a draft, changed, published, cancelled, its attendance after.

Every path (the organisers' pages, the officials' admin, the demo data) calls these functions;
none saves an event itself. Registrations are ``knowledge.services.registrations``'s.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party, StrategicArea, User
from cooperation.notifications import notify
from cooperation.roles import official_party_id
from cooperation.validators import validate_web_url
from knowledge import events as webhooks
from knowledge.models import (
    ACTIVE,
    EVENT_TEXTS,
    EVENT_TIMES,
    REGISTRATION_CLOSE,
    Event,
    EventKind,
    EventMode,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from knowledge.permissions import can_manage_event, can_organise_at, can_organise_in
from knowledge.services.registrations import notify_registrants, promote_waiting

S = EventStatus

# PostgreSQL's integer, the column of places and attendance: a larger number is refused here,
# with its reason, rather than failing in the database.
MAX_COUNT = 2**31 - 1

# The columns of an event's texts in each language (django-modeltranslation).
EVENT_TEXT_COLUMNS = frozenset(
    f"{field}_{language}" for field in EVENT_TEXTS for language, _name in settings.LANGUAGES
)
# What an organiser may change with ``event_update`` (status and attendance have their own).
DETAIL_FIELDS = (
    "kind",
    "mode",
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "city",
    "places",
    "registration_closes_at",
)


def _check(event: Event) -> None:
    """Refuse an event whose details do not hold together, each error by its field."""
    errors: dict[str, Any] = {}
    if event.kind not in EventKind.values:
        errors["kind"] = _("Choose one of the kinds of event.")
    if event.mode not in EventMode.values:
        errors["mode"] = _("Choose whether it is online, in person or hybrid.")
    if event.mode in (EventMode.IN_PERSON, EventMode.HYBRID) and not event.venue.strip():
        errors["venue"] = _("An event in person needs its venue.")
    if event.mode in (EventMode.ONLINE, EventMode.HYBRID) and not event.online_url.strip():
        errors["online_url"] = _("An online event needs its link.")
    if event.online_url:
        try:
            validate_web_url(event.online_url)
        except ValidationError as error:
            errors["online_url"] = error.messages
    if not (getattr(event, "title_es", "") or "").strip():
        errors["title_es"] = _("An event needs a title in Spanish.")
    for name in ("starts_at", "ends_at", "registration_closes_at"):
        value = getattr(event, name)
        if value is not None and timezone.is_naive(value):
            raise ValueError(f"{name} must be an aware datetime")
    if event.places is None or event.places < 0:
        errors["places"] = _("Give the number of places (zero or more).")
    elif event.places > MAX_COUNT:
        errors["places"] = _count_error()
    if errors:
        raise ValidationError(errors)
    EVENT_TIMES.check(event.starts_at, event.ends_at)
    REGISTRATION_CLOSE.check(event.registration_closes_at, event.ends_at)


def _check_place(actor: User, institution: Institution, city_id: int) -> None:
    """Refuse to hold an event where ``actor`` may not organise it (on creation and on a move)."""
    if can_organise_in(actor, institution, city_id):
        return
    if official_party_id(actor) is not None:
        message = _("You may organise events in your own city only.")
    else:
        # Only on a move: creating it, they would have been refused the institution first.
        message = _(
            "You may not move this event to another city: ask its institution's coordinators "
            "or the programme's administrators."
        )
    raise ValidationError({"city": message}, code="city_out_of_reach")


def _count_error() -> str:
    return _("Give a number from 0 to %(max)d.") % {"max": MAX_COUNT}


def _set_texts(event: Event, texts: Mapping[str, str]) -> list[str]:
    for column, text in texts.items():
        if column not in EVENT_TEXT_COLUMNS:
            raise ValueError(f"{column} is not a translated text of an event")
        setattr(event, column, (text or "").strip())
    return list(texts)


@transaction.atomic
def event_create(
    *,
    actor: User,
    institution: Institution,
    city: Party,
    kind: str,
    mode: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    registration_closes_at: datetime.datetime,
    places: int,
    texts: Mapping[str, str],
    areas: Iterable[StrategicArea],
    organisers: Iterable[User] = (),
    venue: str = "",
    online_url: str = "",
) -> Event:
    """Create a draft event of ``institution``; ``texts`` by column (``{"title_es": …}``)."""
    if not can_organise_at(actor, institution):
        raise PermissionDenied(_("You may organise events of your own institution only."))
    _check_place(actor, institution, city.pk)
    areas = list(areas)
    if not areas:
        raise ValidationError({"areas": _("Choose at least one strategic area.")})
    event = Event(
        institution=institution,
        city=city,
        kind=kind,
        mode=mode,
        starts_at=starts_at,
        ends_at=ends_at,
        registration_closes_at=registration_closes_at,
        places=places,
        venue=(venue or "").strip(),
        online_url=(online_url or "").strip(),
        status=S.DRAFT,
        created_by=actor,
    )
    _set_texts(event, texts)
    _check(event)
    event.save()
    event.areas.set(areas)
    event.organisers.set([actor, *organisers] if actor.pk else list(organisers))
    return event


@transaction.atomic
def event_update(
    *,
    actor: User,
    event: Event,
    texts: Mapping[str, str] | None = None,
    areas: Iterable[StrategicArea] | None = None,
    organisers: Iterable[User] | None = None,
) -> Event:
    """Save an event's changed details (``event`` carries them in ``DETAIL_FIELDS``).

    More places move the first people of the waiting list up, in order, and e-mail them. Fewer
    places than are confirmed are refused: nobody loses a confirmed place.
    """
    # Lock the row: a sign-up counting the places waits for the change, and the other way.
    stored = Event.objects.select_for_update().get(pk=event.pk)
    if not can_manage_event(actor, stored):
        raise PermissionDenied(_("You may change the events you organise only."))
    if stored.status == S.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be changed."), code="cancelled")
    if event.city_id != stored.city_id:
        # Where it ends up, the same check as a new event's (the institution never changes).
        _check_place(actor, stored.institution, event.city_id)
    for name in DETAIL_FIELDS:
        setattr(stored, name, getattr(event, name))
    _set_texts(stored, texts or {})
    _check(stored)
    taken = Registration.objects.filter(event=stored).holding_place().count()
    if stored.places < taken:
        raise ValidationError(
            {
                "places": _(
                    "%(taken)d people already hold a place: the event cannot have fewer places."
                )
                % {"taken": taken}
            },
            code="places_below_confirmed",
        )
    stored.save()
    if areas is not None:
        areas = list(areas)
        if not areas:
            raise ValidationError({"areas": _("Choose at least one strategic area.")})
        stored.areas.set(areas)
    if organisers is not None:
        stored.organisers.set(list(organisers))
    promote_waiting(stored)
    return stored


@transaction.atomic
def event_publish(*, actor: User, event: Event) -> Event:
    """Open a draft event to the public and to registration, and announce it to partners."""
    event = Event.objects.select_for_update().select_related("city").get(pk=event.pk)
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("You may publish the events you organise only."))
    if event.status != S.DRAFT:
        raise ValidationError(_("Only a draft event can be published."), code="not_draft")
    if event.ends_at <= timezone.now():
        raise ValidationError(_("An event that is over cannot be published."), code="past")
    event.status = S.PUBLISHED
    event.published_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    webhooks.event_published(event)
    return event


def _notify_organisers(actor: User, event: Event, *, registrants: int) -> None:
    """E-mail the event's organisers but ``actor`` that it is cancelled, each in their language.

    Rows of the outbox in the cancellation's transaction, as the registrants' e-mails: sent
    only if it commits, each claimed once by its sender, and a second cancellation is refused
    under the event's lock, so nobody is told twice.
    """
    notify(
        recipients=event.organisers.exclude(pk=actor.pk).order_by("pk"),
        template="knowledge/email/event_cancelled_organiser",
        context={"actor_name": actor.get_full_name() or actor.email, "registrants": registrants},
        objects={"event": event},
    )


@transaction.atomic
def event_cancel(*, actor: User, event: Event) -> Event:
    """Cancel an event: registrations end; registrants and other organisers are told by e-mail."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("You may cancel the events you organise only."))
    if event.status == S.CANCELLED:
        raise ValidationError(_("This event is already cancelled."), code="cancelled")
    was_published = event.status == S.PUBLISHED
    event.status = S.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    registrations = list(
        Registration.objects.filter(event=event, status__in=ACTIVE).select_related("person")
    )
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
        status=RegistrationStatus.CANCELLED,
        position=None,
        cancelled_at=timezone.now(),
        updated_at=timezone.now(),
    )
    notify_registrants(registrations, event, "knowledge/email/event_cancelled")
    _notify_organisers(actor, event, registrants=len(registrations))
    if was_published:
        # Partners showing it take the change (status cancelled).
        webhooks.event_published(event)
    return event


@transaction.atomic
def event_record_attendance(
    *,
    actor: User,
    event: Event,
    attended: Iterable[int],
    attendance: int | None = None,
    report: Mapping[str, str] | None = None,
) -> Event:
    """Record, once the event has started, who of the registrants came, how many people
    attended in all (the registrants who came, by default) and a short report.

    ``attended``: ids of the event's confirmed (or already attended) registrations.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not can_manage_event(actor, event):
        raise PermissionDenied(_("You may record the attendance of the events you organise only."))
    if event.status != S.PUBLISHED:
        raise ValidationError(
            _("Attendance is recorded for a published event only."), code="not_published"
        )
    if timezone.now() < event.starts_at:
        raise ValidationError(
            _("Attendance is recorded once the event has started."), code="not_started"
        )
    ids = set(attended)
    holding = Registration.objects.filter(event=event).holding_place()
    if ids - set(holding.values_list("pk", flat=True)):
        raise ValidationError(
            {"attended": _("Choose people with a confirmed place at this event.")},
            code="not_registered",
        )
    if attendance is not None and not 0 <= attendance <= MAX_COUNT:
        raise ValidationError({"attendance": _count_error()}, code="attendance_out_of_range")
    if attendance is not None and attendance < len(ids):
        raise ValidationError(
            {"attendance": _("The attendance cannot be lower than the registrants who came.")},
            code="attendance_too_low",
        )
    holding.filter(pk__in=ids).update(status=RegistrationStatus.ATTENDED, updated_at=timezone.now())
    holding.exclude(pk__in=ids).update(
        status=RegistrationStatus.CONFIRMED, updated_at=timezone.now()
    )
    event.attendance = len(ids) if attendance is None else attendance
    for column in report or {}:
        if not column.startswith("report_"):
            raise ValueError(f"{column} is not a report text of an event")
    fields = ["attendance", "updated_at", *_set_texts(event, report or {})]
    event.save(update_fields=fields)
    return event
