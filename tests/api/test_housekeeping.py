"""The API's housekeeping task: Idempotency-Keys are forgotten after their retention window."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from cooperation.api.models import IdempotencyRecord
from cooperation.api.tasks import purge_idempotency_records

pytestmark = pytest.mark.django_db


def test_keys_older_than_the_window_are_forgotten_and_newer_ones_kept(settings):
    settings.IDEMPOTENCY_KEY_HOURS = 24
    for key, hours_ago in (("old", 25), ("new", 23)):
        record = IdempotencyRecord.objects.create(
            owner="app:1", key=key, method="POST", path="/api/v1/webhooks/", request_hash="h"
        )
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            created_at=timezone.now() - datetime.timedelta(hours=hours_ago)
        )
    assert purge_idempotency_records() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
