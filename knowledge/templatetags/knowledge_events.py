"""Show an event's times in both cities' time zones (the cities' own, from their records)."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Sequence

from django import template

from cooperation.models import Party
from knowledge.models import Event

register = template.Library()


def city_zones() -> list[tuple[str, str]]:
    """Return each city's name and IANA time zone, in the cities' order (one query)."""
    return list(Party.objects.order_by("code").values_list("name", "time_zone"))


@register.filter
def times_in_cities(
    event: Event, zones: Sequence[tuple[str, str]] | None = None
) -> list[tuple[str, datetime.datetime, datetime.datetime]]:
    """Return (city, start, end) with the event's instants in each city's local time.

    A page of events passes ``zones`` (``city_zones()``, read once) so that it does not query
    per event; an e-mail reads them itself.
    """
    rows = []
    for name, zone in zones if zones is not None else city_zones():
        tz = zoneinfo.ZoneInfo(zone)
        rows.append((name, event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)))
    return rows
