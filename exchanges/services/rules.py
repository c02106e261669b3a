"""The MoU's gates on an application's moves, as functions that say why not (empty when allowed).

``common.application_transition`` refuses every move for which ``transition_problems`` returns
something, whatever the path (portal, admin, API, task, command) and the actor (the system
included). The portal shows the same reasons to the researcher and the host, so that what the
page says and what the service refuses cannot drift apart.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import Party
from exchanges.models import STAY_RECORD, HostDecision, Signature, Stay, StayApplication
from exchanges.workflow import CO_SIGNED

S = StayApplication.Status
VISA_REFUSED = Stay.VisaStatus.REFUSED


def missing_signatures(application: StayApplication) -> list[Party]:
    """Return the cities whose official has not signed the application (in one query)."""
    # A signature counts for the city of the official who gave it, never for another one.
    signed = Signature.objects.filter(
        application_id=application.pk, official__party_id=F("party_id")
    ).values("party_id")
    return list(Party.objects.exclude(pk__in=signed).order_by("code"))


def host_today(application: StayApplication) -> datetime.date:
    """Return today's date where the stay happens: in the host city's time zone."""
    host = application.host
    zone = host.party.time_zone if host is not None else settings.TIME_ZONE
    return timezone.localdate(timezone=ZoneInfo(zone))


def departure_of(application: StayApplication, stay: Stay | None) -> datetime.date | None:
    """Return the departure recorded for the stay, else the end the host confirmed or planned."""
    if stay is not None and stay.departed_on:
        return stay.departed_on
    decision = HostDecision.objects.filter(application_id=application.pk, accepted=True).first()
    if decision is not None and decision.confirmed_end:
        return decision.confirmed_end
    return application.end_date


def report_opens_on(application: StayApplication, stay: Stay | None) -> datetime.date | None:
    """Return the first day on which the final report can be handed in."""
    departure = departure_of(application, stay)
    if departure is None:
        return None
    return departure - datetime.timedelta(days=application.call.report_opens_days_before)


def stay_record_problems(application: StayApplication, stay: Stay) -> list[str]:
    """Return why the stay's arrival, departure and visa as given cannot be recorded."""
    today = host_today(application)
    problems: list[str] = []
    if stay.arrived_on and stay.arrived_on > today:
        problems.append(
            str(_("The arrival cannot be in the future: record it once you have arrived."))
        )
    if stay.departed_on and not stay.arrived_on:
        problems.append(str(_("Record the arrival before the departure.")))
    elif not STAY_RECORD.ordered(stay.arrived_on, stay.departed_on):
        problems.append(str(STAY_RECORD.message))
    if application.status == S.IN_PROGRESS and not stay.arrived_on:
        problems.append(str(_("The stay has started: its arrival date must stay recorded.")))
    if application.status == S.AWARDED and stay.arrived_on and stay.visa_status == VISA_REFUSED:
        problems.append(
            str(_("A refused visa blocks the start of the stay; the officials have been told."))
        )
    return problems


def start_problems(application: StayApplication, stay: Stay | None) -> list[str]:
    """Return why the stay cannot start (move to *in progress*) now."""
    if stay is not None and stay.visa_status == VISA_REFUSED:
        return [str(_("The visa was refused: the stay cannot start. The officials know."))]
    if stay is None or not stay.arrived_on:
        return [str(_("The stay starts when the researcher records the arrival, once arrived."))]
    if stay.arrived_on > host_today(application):
        return [
            str(
                _("The stay starts on the arrival day, %(date)s.")
                % {"date": formats.date_format(stay.arrived_on)}
            )
        ]
    return []


def report_problems(application: StayApplication, stay: Stay | None) -> list[str]:
    """Return why the final report cannot be handed in now."""
    if application.status != S.IN_PROGRESS or stay is None:
        return [str(_("The final report is handed in during the stay."))]
    opens_on = report_opens_on(application, stay)
    if opens_on is not None and opens_on > host_today(application):
        return [
            str(_("The final report opens on %(date)s.") % {"date": formats.date_format(opens_on)})
        ]
    return []


def transition_problems(application: StayApplication, to_status: str) -> list[str]:
    """Return why the MoU's rules forbid moving the application to ``to_status`` now."""
    problems: list[str] = []
    if to_status in CO_SIGNED:
        missing = missing_signatures(application)
        if missing:
            problems.append(
                str(
                    _(
                        "An official of each city must sign first; the signature of "
                        "%(cities)s is missing."
                    )
                    % {"cities": ", ".join(str(party) for party in missing)}
                )
            )
    if to_status in (S.IN_PROGRESS, S.COMPLETED):
        stay = Stay.objects.filter(application_id=application.pk).first()
        if to_status == S.IN_PROGRESS:
            problems += start_problems(application, stay)
        elif stay is None or not stay.report_accepted_at:
            problems.append(str(_("The stay is completed when its final report is accepted.")))
    return problems
