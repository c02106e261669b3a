"""The demo's event: an international seminar (area 8) with registrations and a waiting list.

Made through ``knowledge.services``, as the programme would: Barcelona's official creates and
publishes it for the UPC, and the demo's researcher, reviewer and UNAM coordinator sign up for
its two places, the third on the waiting list. Only while the demo has no event yet.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cooperation.models import Institution, Party, StrategicArea, User
from knowledge import services
from knowledge.models import Event

REGISTRANTS = (
    ("investigadora@demo.cdmx-bcn.org", "es"),
    ("coordinacion.unam@demo.cdmx-bcn.org", "es"),
    ("revisora@demo.cdmx-bcn.org", "ca"),
)


def events_seed() -> Event | None:
    """Create the demo's event with its registrations (only while there is no event)."""
    if Event.objects.exists():
        return None
    official = User.objects.get(email="oficial.bcn@demo.cdmx-bcn.org")
    organiser = User.objects.get(email="coordinacion.upc@demo.cdmx-bcn.org")
    # In a month at 17:00 in Barcelona, 10:00 in Mexico City (a time both cities can join).
    day = timezone.localdate() + datetime.timedelta(days=30)
    starts = datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=datetime.UTC)
    event = services.event_create(
        actor=official,
        institution=Institution.objects.get(code="UPC"),
        city=Party.objects.get(code="BCN"),
        kind="seminar",
        mode="hybrid",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        registration_closes_at=starts - datetime.timedelta(days=1),
        places=2,
        venue="Pati Manning, carrer de Montalegre 7, Barcelona",
        online_url="https://meet.example.org/ciencia-ciutadana",
        texts={
            "title_es": "Seminario: ciencia ciudadana en dos ciudades",
            "title_ca": "Seminari: ciència ciutadana a dues ciutats",
            "title_en": "Seminar: citizen science in two cities",
            "description_es": "La Oficina de Ciencia Ciudadana de Barcelona y el piloto de "
            "la UNAM comparten lo aprendido.",
            "description_en": "Barcelona's Citizen Science Office and UNAM's pilot share "
            "what they learned.",
        },
        areas=[StrategicArea.objects.get(number=8), StrategicArea.objects.get(number=2)],
        organisers=[organiser],
    )
    event = services.event_publish(actor=official, event=event)
    for email, language in REGISTRANTS:
        services.registration_create(
            actor=User.objects.get(email=email), event=event, language=language
        )
    return event
