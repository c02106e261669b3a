"""Create two demo calls for researcher stays (one each way) on the demo institutions.

Run after ``seed_demo``. Safe to run twice: calls are keyed on their Spanish title. Everything
is written through ``exchanges.services`` (terms, hosts, criteria), as an official would.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cooperation.models import Institution, StrategicArea, User
from cooperation.roles import Role
from exchanges import services
from exchanges.models import Call, Direction

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
    help = "Create demo calls for researcher stays, through the call services as an official would."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo administrator creates the calls, as a person would in the admin: the same
        # services check the terms, the hosts and the criteria and log who made them.
        actor = (
            User.objects.filter(groups__name=Role.PROGRAMME_ADMIN, is_active=True)
            .order_by("pk")
            .first()
        )
        if actor is None:
            raise CommandError("No programme administrator: run seed_demo first.")
        now = timezone.now()
        today = timezone.localdate()
        areas = list(StrategicArea.objects.filter(active=True))
        with transaction.atomic():
            for direction, hosts, currency, stipend, titles in CALLS:
                if Call.objects.filter(title_es=titles[0]).exists():
                    self.stdout.write(f"kept: {titles[2]}")
                    continue
                call = Call(
                    title_es=titles[0],
                    title_ca=titles[1],
                    title_en=titles[2],
                    description_es="Estancias de investigación de uno a seis meses.",
                    description_ca="Estades de recerca d'un a sis mesos.",
                    description_en="Research stays of one to six months.",
                    direction=direction,
                    opens_at=now - datetime.timedelta(days=1),
                    closes_at=now + datetime.timedelta(days=60),
                    stays_from=today + datetime.timedelta(days=90),
                    stays_until=today + datetime.timedelta(days=450),
                    min_duration_days=30,
                    max_duration_days=180,
                    monthly_stipend=stipend,
                    stipend_currency=currency,
                )
                services.call_save(actor=actor, call=call, areas=areas)
                services.call_hosts_set(
                    actor=actor,
                    call_id=call.pk,
                    rows=[
                        services.HostRow(pk=None, institution=institution, places=2)
                        for institution in Institution.objects.filter(code__in=hosts)
                    ],
                )
                services.call_criteria_set(
                    actor=actor,
                    call_id=call.pk,
                    rows=[
                        services.CriterionRow(
                            pk=None,
                            values={
                                "order": order,
                                "name_es": names[0],
                                "name_ca": names[1],
                                "name_en": names[2],
                                "weight": weight,
                                "is_social_impact": impact,
                            },
                        )
                        for order, (names, weight, impact) in enumerate(CRITERIA, start=1)
                    ],
                )
                self.stdout.write(f"created: {titles[2]}")
