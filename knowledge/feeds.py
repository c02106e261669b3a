"""iCalendar feeds of the programme's events (RFC 5545, through the ``icalendar`` library).

Three stable addresses that calendar programs subscribe to: every event, the events of one
strategic area (by its number), the events of one city (by its code). Each event is one VEVENT
with a UID that never changes, its instants in UTC (a calendar shows them in the reader's time
zone), and STATUS:CANCELLED once cancelled, so subscribers see it struck out rather than gone.
Drafts are never in a feed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET
from icalendar import Calendar
from icalendar import Event as VEvent

from cooperation.models import Party, StrategicArea
from knowledge.models import Event, EventQuerySet, EventStatus

# How far back a feed goes: calendars keep what they already fetched.
FEED_PAST = datetime.timedelta(days=365)


def event_uid(event: Event) -> str:
    """Return the event's UID: its id under the portal's domain, the same in every feed."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "cooperation.local"
    return f"event-{event.pk}@{host}"


def calendar_for(events: EventQuerySet, name: str) -> bytes:
    """Return the iCalendar text of ``events`` (the caller's filter), one VEVENT each."""
    calendar = Calendar()
    calendar.add("prodid", "-//CDMX-BCN Cooperation Portal//Events//ES")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for event in events.select_related("city").order_by("starts_at", "pk"):
        entry = VEvent()
        entry.add("uid", event_uid(event))
        entry.add("dtstamp", event.updated_at.astimezone(datetime.UTC))
        entry.add("last-modified", event.updated_at.astimezone(datetime.UTC))
        entry.add("dtstart", event.starts_at.astimezone(datetime.UTC))
        entry.add("dtend", event.ends_at.astimezone(datetime.UTC))
        entry.add("summary", event.title)
        if event.description:
            entry.add("description", event.description)
        location = event.venue or event.online_url
        if location:
            entry.add("location", location)
        entry.add("url", settings.SITE_URL.rstrip("/") + event.get_absolute_url())
        entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
        entry.add("categories", [event.get_kind_display()])
        calendar.add_component(entry)
    return calendar.to_ical()


def _feed(events: EventQuerySet, name: str) -> HttpResponse:
    # Texts in the request's language: a calendar program usually sends none, so Spanish.
    body = calendar_for(events.filter(ends_at__gte=timezone.now() - FEED_PAST), name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


@require_GET
def all_events(request: HttpRequest) -> HttpResponse:
    """Every published (or cancelled) event."""
    return _feed(Event.objects.listed(), "CDMX–BCN")


@require_GET
def area_events(request: HttpRequest, number: int) -> HttpResponse:
    """The events of one strategic area (by its number; area 8 is international events)."""
    area = get_object_or_404(StrategicArea, number=number)
    return _feed(Event.objects.listed().in_area(area.pk), f"CDMX–BCN · {area.name}")


@require_GET
def city_events(request: HttpRequest, code: str) -> HttpResponse:
    """The events of one city (by its code, ``CDMX`` or ``BCN``)."""
    city = Party.objects.filter(code=code.upper()).first()
    if city is None:
        raise Http404
    return _feed(Event.objects.listed().filter(city=city), f"CDMX–BCN · {city.name}")
