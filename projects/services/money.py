"""A project's money: exchange rates kept by officials, conversions at stated rates, totals."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import User
from cooperation.roles import is_official, is_programme_admin
from projects.models import Currency, ExchangeRate, JointProject, totals_by_currency


@dataclass(frozen=True)
class Conversion:
    """An amount converted at a stated rate, valid on a stated date."""

    amount: Decimal
    currency: str
    rate: Decimal
    rate_date: datetime.date


def exchange_rate(
    *, base: str, quote: str, on: datetime.date | None = None
) -> tuple[Decimal, datetime.date] | None:
    """Return the latest rate from ``base`` to ``quote`` on or before ``on``, and its date.

    A rate kept the other way round (quote to base) is used inverted.
    """
    if base == quote:
        return Decimal(1), on or timezone.localdate()
    on = on or timezone.localdate()
    row = (
        ExchangeRate.objects.filter(date__lte=on)
        .filter(Q(base=base, quote=quote) | Q(base=quote, quote=base))
        .order_by("-date", "pk")
        .first()
    )
    if row is None:
        return None
    rate = row.rate if row.base == base else Decimal(1) / row.rate
    return rate, row.date


def convert(
    *, amount: Decimal, base: str, quote: str, on: datetime.date | None = None
) -> Conversion | None:
    """Convert an amount, or return None when officials have kept no rate for the pair."""
    found = exchange_rate(base=base, quote=quote, on=on)
    if found is None:
        return None
    rate, rate_date = found
    value = (amount * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Conversion(amount=value, currency=quote, rate=rate, rate_date=rate_date)


@dataclass(frozen=True)
class Totals:
    """Committed amounts per currency, and their sum in one currency where rates allow."""

    per_currency: dict[str, Decimal]
    target_currency: str
    conversions: dict[str, Conversion]
    total: Decimal | None  # None when a currency has no rate to the target


def funding_totals(
    projects: QuerySet[JointProject], *, target: str = Currency.EUR, on: datetime.date | None = None
) -> Totals:
    """Sum the projects' commitments per currency (in SQL), then in ``target`` at stated rates."""
    per_currency = totals_by_currency(projects)
    conversions: dict[str, Conversion] = {}
    total: Decimal | None = Decimal(0)
    for currency, amount in per_currency.items():
        converted = convert(amount=amount, base=currency, quote=target, on=on)
        if converted is None:
            total = None
            continue
        conversions[currency] = converted
        if total is not None:
            total += converted.amount
    return Totals(
        per_currency=per_currency, target_currency=target, conversions=conversions, total=total
    )


def _require_rates_right(actor: User) -> None:
    # The programme's officials of both cities keep the rates that every total converts with.
    if not (is_programme_admin(actor) or is_official(actor)):
        raise PermissionDenied(_("Only the programme's officials keep exchange rates."))


@transaction.atomic
def exchange_rate_save(
    *,
    actor: User,
    rate: ExchangeRate | None = None,
    date: datetime.date,
    base: str,
    quote: str,
    value: Decimal,
) -> ExchangeRate:
    """Keep the rate of a pair of currencies on a date (1 ``base`` = ``value`` ``quote``)."""
    _require_rates_right(actor)
    saved = (
        ExchangeRate() if rate is None else ExchangeRate.objects.select_for_update().get(pk=rate.pk)
    )
    saved.date, saved.base, saved.quote, saved.rate = date, base, quote, value
    saved.full_clean()
    saved._history_user = actor  # type: ignore[attr-defined]
    saved.save()
    return saved


@transaction.atomic
def exchange_rate_remove(*, actor: User, rate: ExchangeRate) -> None:
    _require_rates_right(actor)
    stored = ExchangeRate.objects.select_for_update().get(pk=rate.pk)
    stored._history_user = actor  # type: ignore[attr-defined]
    stored.delete()
