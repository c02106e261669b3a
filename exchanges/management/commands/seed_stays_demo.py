"""Create two demo calls for researcher stays (one each way) on the demo institutions.

Run after ``seed_demo``. Safe to run twice: calls are keyed on their Spanish title.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cooperation.models import Institution, StrategicArea
from exchanges.models import Call, CallHost, Criterion, Direction

# (direction, host codes, currency, stipend, titles es/ca/en)
CALLS = [
    (
        Direction.CDMX_TO_BCN,
        ("UPC", "UB"),
        "EUR",
        Decimal("1800.00"),
        (
            "Estancias CDMX→BCN 2027",
            "Estades CDMX→BCN 2027",
            "Stays Mexico City→Barcelona 2027",
        ),
    ),
    (
        Direction.BCN_TO_CDMX,
        ("UNAM", "IPN"),
        "MXN",
        Decimal("32000.00"),
        (
            "Estancias BCN→CDMX 2027",
            "Estades BCN→CDMX 2027",
            "Stays Barcelona→Mexico City 2027",
        ),
    ),
]
CRITERIA = [
    (("Calidad científica", "Qualitat científica", "Scientific quality"), 40, False),
    (("Plan de trabajo", "Pla de treball", "Work plan"), 25, False),
    (("Impacto social y urbano", "Impacte social i urbà", "Social and urban impact"), 35, True),
]


class Command(BaseCommand):
    help = "Create demo calls for researcher stays."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        today = timezone.localdate()
        with transaction.atomic():
            for direction, hosts, currency, stipend, titles in CALLS:
                call, created = Call.objects.update_or_create(
                    title_es=titles[0],
                    defaults={
                        "title_ca": titles[1],
                        "title_en": titles[2],
                        "description_es": "Estancias de investigación de uno a seis meses.",
                        "description_ca": "Estades de recerca d'un a sis mesos.",
                        "description_en": "Research stays of one to six months.",
                        "direction": direction,
                        "opens_at": now - datetime.timedelta(days=1),
                        "closes_at": now + datetime.timedelta(days=60),
                        "stays_from": today + datetime.timedelta(days=90),
                        "stays_until": today + datetime.timedelta(days=450),
                        "min_duration_days": 30,
                        "max_duration_days": 180,
                        "monthly_stipend": stipend,
                        "stipend_currency": currency,
                    },
                )
                call.areas.set(StrategicArea.objects.filter(active=True))
                for institution in Institution.objects.filter(code__in=hosts):
                    CallHost.objects.get_or_create(
                        call=call, institution=institution, defaults={"places": 2}
                    )
                if created:
                    for order, (names, weight, impact) in enumerate(CRITERIA, start=1):
                        Criterion.objects.create(
                            call=call,
                            name_es=names[0],
                            name_ca=names[1],
                            name_en=names[2],
                            weight=weight,
                            is_social_impact=impact,
                            order=order,
                        )
                self.stdout.write(f"{'created' if created else 'kept'}: {titles[2]}")
