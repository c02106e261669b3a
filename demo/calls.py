"""Two open calls for researcher stays (one each way) on the demo institutions.

Everything is written through ``exchanges.services`` (terms, hosts, criteria), as an official
would in the admin: the same services check the terms, the hosts and the criteria and log who
made them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cooperation.models import Institution, StrategicArea, User
from demo.data import CALLS, CRITERIA
from exchanges import services
from exchanges.models import Call


def calls_seed(*, actor: User) -> list[tuple[str, bool]]:
    """Create the demo calls that do not exist yet; return each one's title and whether it is new.

    Calls are keyed on their Spanish title, so a second run keeps them as they are.
    """
    now = timezone.now()
    today = timezone.localdate()
    areas = list(StrategicArea.objects.filter(active=True))
    done = []
    for direction, hosts, currency, stipend, titles in CALLS:
        if Call.objects.filter(title_es=titles[0]).exists():
            done.append((titles[2], False))
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
        call_publish(
            actor=actor,
            call=call,
            areas=areas,
            hosts=[(i, 2) for i in Institution.objects.filter(code__in=hosts)],
        )
        done.append((titles[2], True))
    return done


def call_publish(
    *,
    actor: User,
    call: Call,
    areas: list[StrategicArea],
    hosts: list[tuple[Institution, int]],
) -> Call:
    """Save a demo call with its areas, its hosts (institution, places) and the demo criteria."""
    services.call_save(actor=actor, call=call, areas=areas)
    services.call_hosts_set(
        actor=actor,
        call_id=call.pk,
        rows=[
            services.HostRow(pk=None, institution=institution, places=places)
            for institution, places in hosts
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
    return call
