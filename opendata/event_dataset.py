"""The dataset of public events (knowledge exchange): published ones, and those cancelled after."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from opendata.columns import CHUNK, Column, Row, _text_columns, _texts
from opendata.notes import Notes


def event_rows(notes: Notes) -> Iterator[Row]:
    from cooperation.disclosure import SMALL, is_small
    from knowledge.models import Event

    events = (
        Event.objects.listed()
        .select_related("city", "institution")
        .prefetch_related("areas")
        .order_by("pk")
    )
    for event in events.iterator(chunk_size=CHUNK):
        record = str(event.pk)
        row: Row = {"event": event.pk}
        row |= _texts(event, "title", notes=notes, source="events", record=record)
        attendance: int | str | None = event.attendance
        if event.attendance is not None and is_small(event.attendance):
            attendance = SMALL  # a count of people: 1 to 4 could point at someone
        row |= {
            "kind": event.kind,
            "mode": event.mode,
            "status": event.status,
            "starts_at": event.starts_at.isoformat(),
            "ends_at": event.ends_at.isoformat(),
            "city": event.city.code,
            "venue": event.venue,
            "institution": event.institution.code,
            "areas": sorted(a.code for a in event.areas.all()),
            "places": event.places,
            "attendance": "" if attendance is None else attendance,
            "url": settings.SITE_URL.rstrip("/") + event.get_absolute_url(),
        }
        yield row


EVENT_COLUMNS = (
    Column("event", _("The event's number"), "integer"),
    *_text_columns("title", _("The event's title in this language")),
    Column("kind", _("Kind of event (seminar, workshop, conference, visit)")),
    Column("mode", _("Online, in person or hybrid")),
    Column("status", _("Published, or cancelled after it was published")),
    Column("starts_at", _("When it starts (ISO 8601, with its offset)"), "datetime"),
    Column("ends_at", _("When it ends (ISO 8601, with its offset)"), "datetime"),
    Column("city", _("Code of the city where it takes place")),
    Column("venue", _("Where it takes place, in person")),
    Column("institution", _("Code of the organising institution")),
    Column("areas", _("Codes of its strategic areas"), "list"),
    Column("places", _("Places offered"), "integer"),
    Column(
        "attendance",
        _("People who attended, once recorded; “<5” for fewer than five (disclosure control)"),
    ),
    Column("url", _("The event's public page")),
)
