"""The one format of an instant for partners: every date-time the API and webhooks write.

UTC, ISO 8601 with microseconds and "Z" (``2026-11-29T14:05:09.120000Z``), the microseconds
left out when they are zero, as the README's Partner REST API section promises. The API's
``UtcDateTimeField`` and every webhook payload (``webhooks.emit``) write instants through
``instant``, so a partner can compare a webhook's instant with what it reads from the API.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone


def instant(value: datetime.datetime) -> str:
    """Write an aware instant in UTC as ISO 8601 with microseconds and "Z"."""
    if timezone.is_naive(value):
        raise ValueError(f"An instant needs its time zone: {value!r}")
    return value.astimezone(datetime.UTC).isoformat().removesuffix("+00:00") + "Z"


class PartnerJSONEncoder(DjangoJSONEncoder):
    """Django's JSON encoder, with every date-time written by ``instant``.

    Django's own encoder cuts microseconds to milliseconds and keeps the value's offset.
    """

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            return instant(o)
        return super().default(o)


def as_json(value: Any) -> Any:
    """Return ``value`` as JSON would read it back, its instants written by ``instant``."""
    return json.loads(json.dumps(value, cls=PartnerJSONEncoder))
