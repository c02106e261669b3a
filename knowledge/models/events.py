"""Events of the knowledge exchange (seminars, workshops, conferences, visits) and registrations.

- ``Event``: its texts in es/ca/en (``knowledge/translation.py``), when (aware instants, shown
  in both cities' time zones), where (a venue, an online link or both), its places and the
  instant registration closes, its status, and after it the attendance and a short report;
- ``Registration``: a person signed up for an event, confirmed or on the waiting list (in
  order), cancelled, or recorded as attended; the reminder the day before is recorded on it.

Every write goes through ``knowledge.services.events`` and ``knowledge.services.registrations``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution, Party, StrategicArea
from cooperation.roles import coordinated_institution_id, is_official, is_programme_admin
from cooperation.validators import DateRange

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import User


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar")
    WORKSHOP = "workshop", _("Workshop")
    CONFERENCE = "conference", _("Conference")
    VISIT = "visit", _("Visit")


class EventMode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    HYBRID = "hybrid", _("Hybrid")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


# The statuses that hold a place, and those that count as signed up (one per person).
HOLDS_PLACE = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)
ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING, RegistrationStatus.ATTENDED)

EVENT_TEXTS = ("title", "description", "report")

# An event ends after it starts; registration closes no later than its end.
EVENT_TIMES = DateRange(
    "starts_at", "ends_at", _("An event cannot end before it starts."), same_day=False
)
REGISTRATION_CLOSE = DateRange(
    "registration_closes_at",
    "ends_at",
    _("Registration must close before the event ends."),
    code="closes_after_end",
)


class EventQuerySet(models.QuerySet["Event"]):
    """The reads of events that the public pages, the feeds, the admin and the API share."""

    def listed(self) -> EventQuerySet:
        """Return the events the public sees: published ones, and those cancelled after."""
        return self.filter(status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED)).exclude(
            published_at__isnull=True
        )

    def coming(self, now: Any = None) -> EventQuerySet:
        return self.filter(ends_at__gte=now or timezone.now()).order_by("starts_at", "pk")

    def past(self, now: Any = None) -> EventQuerySet:
        return self.filter(ends_at__lt=now or timezone.now()).order_by("-starts_at", "-pk")

    def in_area(self, area_id: int) -> EventQuerySet:
        return self.filter(areas=area_id)

    def organised_by(self, user: User | AnonymousUser) -> EventQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(organisers=user.pk)

    def visible_to(self, user: User | AnonymousUser) -> EventQuerySet:
        """Return the events the user may read: the listed ones; drafts to officials,
        administrators, the event's organisers and its institution's coordinators (and their
        partner system)."""
        if is_programme_admin(user) or is_official(user):
            return self.all()
        listed = Q(status__in=(EventStatus.PUBLISHED, EventStatus.CANCELLED)) & Q(
            published_at__isnull=False
        )
        if not getattr(user, "is_authenticated", False):
            return self.filter(listed)
        # A subquery, not a join: a join on organisers would repeat the event per organiser
        # and multiply the places counted by ``with_taken``.
        organises = models.Exists(
            Event.organisers.through.objects.filter(event_id=models.OuterRef("pk"), user_id=user.pk)
        )
        institution_id = coordinated_institution_id(user)
        if institution_id is not None:
            return self.filter(listed | Q(organises) | Q(institution_id=institution_id))
        return self.filter(listed | Q(organises))

    def with_taken(self) -> EventQuerySet:
        """Annotate ``taken``, the places held (confirmed or attended), in the same query."""
        return self.annotate(
            taken=Count("registrations", filter=Q(registrations__status__in=HOLDS_PLACE))
        )

    def for_listing(self) -> EventQuerySet:
        """Carry what a list, a feed or the API shows, so that rendering never queries again."""
        return self.select_related("city", "institution").prefetch_related("areas").with_taken()


class Event(models.Model):
    """A seminar, workshop, conference or visit of the programme, with registration."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    mode = models.CharField(_("mode"), max_length=20, choices=EventMode.choices)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(
        _("venue"), max_length=300, blank=True, help_text=_("Address, for in-person events.")
    )
    online_url = models.URLField(
        _("online link"), max_length=500, blank=True, help_text=_("For online and hybrid events.")
    )
    city = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("city"),
        help_text=_("The city that hosts it (for an online event, the organisers' city)."),
    )
    areas: models.ManyToManyField[StrategicArea, Any] = models.ManyToManyField(
        StrategicArea,
        related_name="events",
        verbose_name=_("strategic areas"),
        help_text=_("Area 8 is international events and scientific culture."),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("organising institution"),
    )
    organisers: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organised_events",
        verbose_name=_("organisers"),
        help_text=_("The people who see its registrations and record its attendance."),
    )
    places = models.PositiveIntegerField(_("places"))
    registration_closes_at = models.DateTimeField(_("registration closes at"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EventStatus.choices,
        default=EventStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    attendance = models.PositiveIntegerField(
        _("attendance"),
        null=True,
        blank=True,
        help_text=_("How many people attended, registered or not (online viewers too)."),
    )
    report = models.TextField(_("report"), blank=True, help_text=_("A short report after it."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=EVENT_TIMES.condition,
                name="event_ends_after_start",
                violation_error_message=EVENT_TIMES.message,
            ),
            models.CheckConstraint(
                condition=REGISTRATION_CLOSE.condition,
                name="event_registration_closes_before_end",
                violation_error_message=REGISTRATION_CLOSE.message,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("knowledge:event", kwargs={"pk": self.pk})

    @property
    def places_left(self) -> int:
        """Return the free places (needs ``with_taken``: the lists and pages carry it)."""
        return max(self.places - getattr(self, "taken", 0), 0)

    def is_open_for_registration(self, now: Any = None) -> bool:
        now = now or timezone.now()
        return (
            self.status == EventStatus.PUBLISHED
            and now < self.registration_closes_at
            and now < self.ends_at
        )


class RegistrationQuerySet(models.QuerySet["Registration"]):
    def active(self) -> RegistrationQuerySet:
        return self.filter(status__in=ACTIVE)

    def holding_place(self) -> RegistrationQuerySet:
        return self.filter(status__in=HOLDS_PLACE)

    def waiting(self) -> RegistrationQuerySet:
        return self.filter(status=RegistrationStatus.WAITING).order_by("position", "pk")

    def of_person(self, user: User | AnonymousUser) -> RegistrationQuerySet:
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(person=user.pk)


class Registration(models.Model):
    """A person signed up for an event: confirmed, waiting (in order), cancelled or attended."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("event")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails about this registration."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, db_index=True
    )
    position = models.PositiveIntegerField(
        _("position in the waiting list"),
        null=True,
        blank=True,
        help_text=_("Order of sign-up on the waiting list; empty once confirmed."),
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Claimed by a conditional UPDATE: one reminder, whatever the retries or concurrent runs.
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["event", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # One active registration per person and event (a cancelled one may be followed
            # by a new sign-up).
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(status__in=("confirmed", "waiting", "attended")),
                name="registration_one_active_per_person",
                violation_error_message=_("You are already registered for this event."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.person_id} ({self.status})"
