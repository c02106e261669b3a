"""Awarded researcher stays as 360Giving grants to individuals: anonymised, pooled when few.

A stay's grant goes to a person, so what is published must not lead to them (360Giving's
guidance on grants to individuals: no name, no identifier that can be traced back, a generic
name). What a stay's grant says, and what it leaves out:

- the group: the stays of one call hosted in one city. The host institution is never named
  (with the call it can single out the one researcher a small host received), nor the dates
  of the stay, its direction beyond the host city, or anything of the researcher;
- how many stays a group has is a count of people: it passes ``cooperation.disclosure`` in a
  publication that includes the one the API's and the open data's stay statistics publish
  (``exchanges.statistics.applications_publication``), so a group's count is used only where
  it is shown there too (5 or more, and not hidden so that a small count elsewhere cannot be
  worked out by subtraction);
- a group whose count is shown: one grant per stay. Its ``id`` and ``recipientIndividual.id``
  are drawn at random for each release (``secrets``), never derived from the application:
  nothing can be computed back, not even with a secret that leaked, and two releases cannot
  be matched to follow one stay. The grants of a group come in a random order, not the
  applications' order. ``recipientIndividual.name`` is the standard's generic "Individual
  Recipient", in English as the schema and guidance give it, so that aggregators recognise it;
- each such grant's amount is the call's monthly stipend for the planned stay in whole months
  (at least one), in the call's currency; its ``awardDate`` is the first day of the month it
  was awarded (the day is left out), or of the month the call closed for a stay with no award
  step recorded (imported rows), never after the file;
- any other group (its count hidden, or not all its stays publishable) is never a grant of its
  own: its total, with the call's public stipend and duration limits, often fixes its count
  (stipend 1,500, at least 3 months, 4,500 in all: one stay), undoing the "<5" the stay
  statistics publish. Those groups are pooled instead, one aggregate grant per currency for
  all of a release's hidden groups, naming no call and no city, its amount the pooled total
  and its ``awardDate`` the latest award month in it. A pool of a single group (its total
  would again be the group's) or of fewer than five stays is left out whole, one ``Omission``
  per group with a reason that gives no number. The number itself is never written.

The funder is the programme (it pays the stipends from the calls' budget). A stay with no
host institution or no planned dates is left out, as an ``Omission`` naming only its call.
The stays are read as tuples of those fields, never a person's row, a group at a time.
"""

from __future__ import annotations

import datetime
import itertools
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Min, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.disclosure import HIDDEN, Publication, protect
from cooperation.models import Party
from opendata.standards import Omission
from opendata.standards.sources import amount_number, city_countries, in_file_language, name_of

GENERIC_NAME = "Individual Recipient"  # the 360Giving schema's and guidance's generic name
DAYS_A_MONTH = Decimal("30.4375")  # 365.25 / 12
CENT = Decimal("0.01")
CHUNK_SIZE = 2000


def stays_key(call_id: int, city: str | None) -> tuple[str, int, str | None]:
    """Return the disclosure key of a call's awarded stays hosted in one city."""
    return ("stays", call_id, city)


@dataclass(frozen=True)
class _Stay:
    amount: Decimal
    awarded: datetime.date  # the first day of the award month


def _stays_rows() -> Any:
    """Return each awarded stay as (call, host city, start, end, award time), in groups."""
    from exchanges.models import ApplicationEvent, StayApplication
    from exchanges.statistics import STAY_STATUSES

    awarded = (
        ApplicationEvent.objects.filter(
            application=OuterRef("pk"), to_status=StayApplication.Status.AWARDED
        )
        .order_by()
        .values("application")
        .annotate(first=Min("at"))
        .values("first")
    )
    return (
        StayApplication.objects.filter(status__in=STAY_STATUSES)
        .annotate(awarded_at=Subquery(awarded))
        .order_by("call_id", "host__party__code", "pk")
        .values_list("call_id", "host__party__code", "start_date", "end_date", "awarded_at")
    )


def _counts() -> dict[tuple[int, str | None], int]:
    from exchanges.models import StayApplication
    from exchanges.statistics import STAY_STATUSES

    return {
        (row["call_id"], row["host__party__code"]): row["n"]
        for row in StayApplication.objects.filter(status__in=STAY_STATUSES)
        .values("call_id", "host__party__code")
        .annotate(n=Count("pk"))
        .order_by()
    }


def stays_publication(counts: dict[tuple[int, str | None], int]) -> tuple[Publication, set[int]]:
    """Protect the groups' counts around the published stay statistics.

    Returns the publication and the calls whose groups could not be tied to the statistics
    (their stays changed between the two reads): those are pooled, never published alone.
    """
    from exchanges.statistics import STAY_STATUSES, applications_publication, status_key

    pub = Publication()
    pub.include(applications_publication())
    unsettled: set[int] = set()
    for call_id in sorted({call for call, _city in counts}):
        statuses = [status_key(call_id, s) for s in STAY_STATUSES]
        if any(key not in pub.values for key in statuses):
            unsettled.add(call_id)  # a call created since the statistics were read
            continue
        # The call's stays: the sum of its stay statuses, which nobody publishes as such.
        total = pub.cell(
            ("stays", call_id, "*"), sum(pub.values[k] for k in statuses), published=False
        )
        pub.relate(total, statuses)
        members = [
            # A stay without a host has no group: its count is not published either.
            pub.cell(stays_key(call_id, city), n, published=city is not None)
            for (call, city), n in sorted(counts.items(), key=lambda item: str(item[0]))
            if call == call_id
        ]
        if not pub.relate(total, members, strict=False):
            unsettled.add(call_id)
    return protect(pub), unsettled


def _months(start: datetime.date, end: datetime.date) -> int:
    days = Decimal((end - start).days + 1)
    return max(1, int((days / DAYS_A_MONTH).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _month(moment: datetime.datetime | datetime.date, published_on: datetime.date) -> datetime.date:
    day = timezone.localdate(moment) if isinstance(moment, datetime.datetime) else moment
    return min(day, published_on).replace(day=1)


@dataclass
class _Pool:
    """The hidden groups of one currency: only their sums, never their stays."""

    total: Decimal = Decimal(0)
    stays: int = 0
    groups: list[str] = field(default_factory=list)  # each group's record, for its omission
    latest: datetime.date = datetime.date.min


MIN_POOLED = 5  # a pool of fewer stays would be as small a count as those the statistics hide


def stay_grants(
    *, prefix: str, published_on: datetime.date, programme: dict[str, Any]
) -> Iterator[tuple[dict[str, Any] | None, list[Omission]]]:
    """Yield the awarded stays' grants, each with what was left out on the way."""
    from exchanges.models import Call

    counts = _counts()
    if not counts:
        return
    publication, unsettled = stays_publication(counts)
    calls = Call.objects.in_bulk()  # the calls are few (one a term or so), the stays many
    cities = {party.code: party for party in Party.objects.all()}
    countries = city_countries()
    pools: dict[str, _Pool] = {}
    rows = _stays_rows().iterator(chunk_size=CHUNK_SIZE)
    for (call_id, city), group in itertools.groupby(rows, key=lambda row: row[:2]):
        call = calls[call_id]
        record = _("awarded stays of call %(id)s") % {"id": call_id}
        stays: list[_Stay] = []
        omissions: list[Omission] = []
        for _call, _city, start, end, awarded_at in group:
            if city is None:
                omissions.append(
                    Omission(record, _("A stay with no host institution is left out."))
                )
            elif start is None or end is None or end < start:
                omissions.append(
                    Omission(
                        record, _("A stay with no planned dates has no amount: it is left out.")
                    )
                )
            else:
                amount = (call.monthly_stipend * _months(start, end)).quantize(CENT)
                stays.append(_Stay(amount, _month(awarded_at or call.closes_at, published_on)))
        if not stays:  # a stay with no host has no group, nor a count to look up
            yield None, omissions
            continue
        key = stays_key(call_id, city)
        # A group the counts did not see (awarded between the two reads) is not published
        # as individual grants either.
        settled = call_id not in unsettled and key in publication.values
        shown = publication.shown(key) if settled else HIDDEN
        if isinstance(shown, int) and shown == len(stays):
            common = _common(call, cities[city], countries, prefix=prefix, programme=programme)
            secrets.SystemRandom().shuffle(stays)
            for stay in stays:
                yield _individual(stay, common, prefix=prefix), omissions
                omissions = []
            continue
        pool = pools.setdefault(call.stipend_currency, _Pool())
        pool.total += sum((s.amount for s in stays), Decimal(0))
        pool.stays += len(stays)
        pool.groups.append(record)
        pool.latest = max(pool.latest, *(s.awarded for s in stays))
        yield None, omissions
    for currency, pool in sorted(pools.items()):
        if len(pool.groups) > 1 and pool.stays >= MIN_POOLED:
            yield _pooled(pool, currency, prefix=prefix, programme=programme), []
            continue
        reason = (
            _(
                "The stays of a call whose number is not published are left out: with one "
                "group their total would give the number away."
            )
            if len(pool.groups) == 1
            else _(
                "The stays of a call whose number is not published are left out: the calls "
                "whose numbers are not published have too few stays between them for their "
                "total to hide them."
            )
        )
        yield None, [Omission(record, reason) for record in pool.groups]


def _common(
    call: Any, city: Party, countries: dict[str, str], *, prefix: str, programme: dict[str, Any]
) -> dict[str, Any]:
    title = in_file_language(call, "title", fallback=f"{call.pk}").value
    location = {"name": name_of(city)}
    if city.code in countries:
        location["countryCode"] = countries[city.code]
    return {
        "call_title": title,
        "city_name": name_of(city),
        "currency": call.stipend_currency,
        "fields": {
            "fundingOrganization": [programme],
            "grantProgramme": [{"code": f"{prefix}-call-{call.pk}", "title": title}],
            "beneficiaryLocation": [location],
            "fromOpenCall": "Yes",
        },
    }


def _individual(stay: _Stay, common: dict[str, Any], *, prefix: str) -> dict[str, Any]:
    token = secrets.token_hex(8)
    return {
        "id": f"{prefix}-stay-{token}",
        "title": "Estancia de investigación",
        "description": (
            f"Estancia de investigación en {common['city_name']} de la convocatoria "
            f"«{common['call_title']}». Importe: la asignación mensual de la convocatoria por "
            "los meses previstos de la estancia. Subvención a una persona, publicada de "
            "forma anónima."
        ),
        "currency": common["currency"],
        "amountAwarded": amount_number(stay.amount),
        "awardDate": stay.awarded.isoformat(),
        "recipientIndividual": {"id": f"{prefix}-IND-{token}", "name": GENERIC_NAME},
        **common["fields"],
    }


def _pooled(
    pool: _Pool, currency: str, *, prefix: str, programme: dict[str, Any]
) -> dict[str, Any]:
    # Nothing in it tells one group from another: no call, no city, no count.
    return {
        "id": f"{prefix}-stays-pooled-{currency}",
        "title": "Estancias de investigación (agregadas)",
        "description": (
            "Estancias de investigación de las convocatorias cuyo número de estancias no se "
            "publica, agregadas en una sola subvención. Importe: el total de las asignaciones "
            "de esas estancias. Subvenciones a personas, publicadas de forma anónima y "
            "agregada porque son pocas."
        ),
        "currency": currency,
        "amountAwarded": amount_number(pool.total),
        "awardDate": pool.latest.isoformat(),
        "recipientIndividual": {
            "id": f"{prefix}-IND-stays-pooled-{currency}",
            "name": GENERIC_NAME,
        },
        "fundingOrganization": [programme],
        "fromOpenCall": "Yes",
    }
