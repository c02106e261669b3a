"""The dashboard's panel of events and their attendance in the period (one statement).

Events counted are those published that started in the period (and in the chosen city);
their attendance is the organisers' count, a count of people: it passes the disclosure control
(``cooperation.disclosure``), each city's and the total, so a small one reads "<5".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cooperation.disclosure import Publication, protect
from knowledge.models import Event, EventStatus
from reports.kinds.common import as_date


@dataclass
class EventFigures:
    """The events of a period by city, and their attendance under disclosure control."""

    rows: list[dict[str, Any]]  # city__code, city__name, events, attendance
    pub: Publication

    def attendance(self, code: str) -> int | str:
        """The attendance of one city (``"*"``: all) as it may be published."""
        return self.pub.shown(("attendance", code))


def event_figures(using: str, parameters: dict[str, Any]) -> EventFigures:
    """Count the published events that started in the period (and city), with attendance.

    One statement. The dashboard's panel and the knowledge exchange report read this, so the
    same period and city publish the same cells, suppressed the same way.
    """
    events = Event.objects.using(using).filter(status=EventStatus.PUBLISHED)
    if start := as_date(parameters.get("date_from")):
        events = events.filter(starts_at__date__gte=start)
    if end := as_date(parameters.get("date_to")):
        events = events.filter(starts_at__date__lt=end + datetime.timedelta(days=1))
    if parameters.get("city"):
        events = events.filter(city__code=parameters["city"])
    # The city's name in the reader's language (values() reads columns, not translations).
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    rows = list(
        events.values("city__code", "city__name_es", f"city__name_{language}")
        .annotate(events=Count("pk"), attendance=Sum("attendance"))
        .order_by("city__code")
    )
    for row in rows:
        row["city__name"] = row[f"city__name_{language}"] or row["city__name_es"]
    pub = Publication()
    cells = [pub.cell(("attendance", row["city__code"]), row["attendance"] or 0) for row in rows]
    pub.cell(("attendance", "*"), sum(pub.values[c] for c in cells))
    pub.relate(("attendance", "*"), cells)
    protect(pub)
    return EventFigures(rows=rows, pub=pub)


def events_chart(using: str, parameters: dict[str, Any], number: Any) -> dict[str, Any]:
    """Return the fields of the dashboard's ``Chart`` of events and attendance by city.

    ``number`` formats a figure as the dashboard does (its ``_number``).
    """
    figures = event_figures(using, parameters)
    rows = figures.rows
    table = [
        (
            row["city__name"],
            [number(row["events"]), number(figures.attendance(row["city__code"]))],
        )
        for row in rows
    ]
    return {
        "id": "events",
        "title": _("Events and attendance"),
        "columns": [_("City"), _("Events"), _("Attendance")],
        "rows": table,
        "bars": [(row["city__name"], float(row["events"]), number(row["events"])) for row in rows],
        "notes": [
            _("Published events that started in the period: %(events)s; attendance %(people)s.")
            % {
                "events": number(sum(row["events"] for row in rows)),
                "people": number(figures.attendance("*")),
            }
        ],
    }
