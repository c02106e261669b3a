"""Calls: announcing to partner systems the calls that have opened."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cooperation.api.webhooks import emit
from exchanges.models import (
    Call,
)


def calls_announce_opened(*, now: datetime.datetime | None = None) -> list[int]:
    """Tell partner systems of each call that has opened since the last run, exactly once.

    The conditional UPDATE claims each call, so two beat ticks or workers never announce twice.
    """
    now = now or timezone.now()
    announced = []
    for call in Call.objects.filter(opens_at__lte=now, opening_announced_at__isnull=True):
        with transaction.atomic():
            claimed = Call.objects.filter(pk=call.pk, opening_announced_at__isnull=True).update(
                opening_announced_at=now
            )
            if not claimed:
                continue
            emit(
                "call.opened",
                {
                    "call": call.pk,
                    "title": {
                        lang: getattr(call, f"title_{lang}") or "" for lang in ("es", "ca", "en")
                    },
                    "direction": call.direction,
                    "opens_at": call.opens_at,
                    "closes_at": call.closes_at,
                },
            )
            announced.append(call.pk)
    return announced
