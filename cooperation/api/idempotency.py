"""Idempotency-Key on POST: a retried create returns the first answer and creates nothing."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from cooperation.api.models import IdempotencyRecord
from cooperation.api.problems import Conflict

KEY_PATTERN = re.compile(r"[!-~]{1,255}")


def idempotency_records_purge(*, now: datetime | None = None) -> int:
    """Forget the Idempotency-Keys older than the retention window; return how many."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    deleted, _deleted_by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _owner(request: Any) -> str:
    token = getattr(request, "auth", None)
    application_id = getattr(token, "application_id", None)
    if application_id is not None:
        return f"app:{application_id}"
    return f"user:{request.user.pk}"


class IdempotentCreateMixin:
    """Wrap ``create`` so that the key, the new row and the stored answer commit together.

    A concurrent retry waits on the key's unique index until the first request commits, then
    replays its answer. If the first request failed, nothing was stored, and a retry runs anew.
    """

    IDEMPOTENT_CREATE = True

    def create(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return super().create(request, *args, **kwargs)  # type: ignore[misc]
        if not KEY_PATTERN.fullmatch(key):
            raise ValidationError(
                {"Idempotency-Key": [_("Use 1 to 255 visible ASCII characters, e.g. a UUID.")]}
            )
        body = json.dumps(request.data, sort_keys=True, default=str)
        request_hash = hashlib.sha256(f"{request.path}\n{body}".encode()).hexdigest()
        with transaction.atomic():
            record, created = IdempotencyRecord.objects.get_or_create(
                owner=_owner(request),
                key=key,
                defaults={"method": "POST", "path": request.path, "request_hash": request_hash},
            )
            if not created:
                if record.request_hash != request_hash:
                    raise Conflict(
                        _("This Idempotency-Key was already used for a different request.")
                    )
                if record.status_code is None:
                    raise Conflict(_("A request with this Idempotency-Key is still running."))
                return Response(
                    record.body,
                    status=record.status_code,
                    headers={**record.headers, "Idempotent-Replayed": "true"},
                )
            response = super().create(request, *args, **kwargs)  # type: ignore[misc]
            if status.is_success(response.status_code):
                record.status_code = response.status_code
                record.body = json.loads(json.dumps(response.data, default=str))
                record.headers = {
                    name: response[name] for name in ("Location", "ETag") if name in response
                }
                record.save(update_fields=["status_code", "body", "headers"])
            return response
