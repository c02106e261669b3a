"""Webhooks following the Standard Webhooks specification (webhook-id, -timestamp, -signature).

Deliveries are rows of the outbox (``cooperation.outbox.dispatch``), written in the same
transaction as the change they report and handed to Celery after it commits (and by the sweep,
should the broker miss it). ``deliver_once`` claims one delivery at a time with a lease, sends
it outside any transaction and logs the response; a refused delivery is retried with
exponential back-off, always with the same ``webhook-id``, so receivers deduplicate on it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.api.instants import as_json, instant
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.outbox import dispatch


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    """Return the ``webhook-signature`` header value for a message (scheme v1, HMAC-SHA256)."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


def check_destination(url: str, *, allow_private: bool, require_resolution: bool = False) -> None:
    """Refuse URLs that resolve to loopback, private, link-local or reserved addresses (SSRF)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"https", "http"} or not parsed.hostname:
        raise ValidationError(_("Enter an http or https URL."), code="invalid_url")
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parsed.hostname, parsed.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        # A name that does not resolve now is no danger now; every delivery resolves again
        # and refuses private addresses then (see ``attempt``).
        if require_resolution:
            raise ValidationError(
                _("The host %(host)s cannot be resolved.") % {"host": parsed.hostname},
                code="unresolvable",
            ) from None
        return
    for info in infos:
        if not _is_public(str(info[4][0])):
            raise ValidationError(
                _(
                    "Webhooks cannot be sent to %(host)s: it is a private or loopback "
                    "address. An administrator can allow private addresses for a partner."
                )
                % {"host": parsed.hostname},
                code="private_address",
            )


def emit(event: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Record a delivery for each active endpoint that wants the event; send after commit.

    Every instant of the payload, and the envelope's ``timestamp``, is written by
    ``instants.instant``, the format of the API's fields: callers pass date-times as they are.
    """
    endpoints = WebhookEndpoint.objects.filter(
        active=True, events__contains=[event], partner__revoked_at__isnull=True
    )
    body = as_json(payload)
    now = timezone.now()
    deliveries = [
        WebhookDelivery(
            endpoint=endpoint,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            payload={"type": event, "timestamp": instant(now), "data": body},
            next_attempt_at=now + dispatch.grace(),
        )
        for endpoint in endpoints
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    dispatch.dispatch("webhook", [delivery.pk for delivery in deliveries])
    return deliveries


def attempt(delivery: WebhookDelivery, *, timeout: float | None = None) -> bool:
    """Send one attempt and note its outcome on ``delivery``; return whether it was accepted.

    Nothing here touches the database: the caller records the outcome.
    """
    import requests

    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"))
    timestamp = int(time.time())
    delivery.last_attempt_at = timezone.now()
    delivery.response_status = None
    delivery.response_body = ""
    delivery.error = ""
    try:
        # Resolve again at send time: a name that pointed outside may now point inside.
        check_destination(
            endpoint.url,
            allow_private=endpoint.partner.allow_private_webhooks,
            require_resolution=True,
        )
        response = requests.post(
            endpoint.url,
            data=body.encode(),
            headers={
                "content-type": "application/json",
                "user-agent": "CDMX-BCN-Portal-Webhooks/1",
                "webhook-id": delivery.message_id,
                "webhook-timestamp": str(timestamp),
                "webhook-signature": sign(endpoint.secret, delivery.message_id, timestamp, body),
            },
            timeout=timeout or settings.WEBHOOK_TIMEOUT,
            allow_redirects=False,
        )
        delivery.response_status = response.status_code
        delivery.response_body = response.text[:2000]
        accepted = 200 <= response.status_code < 300
    except (ValidationError, requests.RequestException) as error:
        delivery.error = str(getattr(error, "message", error))[:2000]
        accepted = False
    if accepted:
        delivery.status = WebhookDelivery.Status.DELIVERED
    return accepted


def retry_delay(attempts: int) -> int:
    """Exponential back-off: base, 2×base, 4×base… capped at six hours."""
    return int(min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 6 * 3600))


def deliver_once(delivery_id: int) -> tuple[str, int]:
    """Make one attempt at a pending delivery; return the outcome and the attempts so far.

    The claim is one conditional UPDATE of this delivery's row alone, taking a lease: no
    other row (its endpoint, its partner) is locked, so deliveries to the same partner run
    side by side, and a duplicate task finds the row held or done and skips it. The HTTP
    request is made outside any transaction; its outcome is written only if this attempt
    still holds the row (``attempts`` is the fence).
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)
    claimed = (
        WebhookDelivery.objects.filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(
            attempts=F("attempts") + 1,
            leased_until=now + lease,
            next_attempt_at=now + lease,  # the sweep takes it again if this worker dies
        )
    )
    if not claimed:
        return "skipped", 0
    delivery = WebhookDelivery.objects.select_related("endpoint__partner").get(pk=delivery_id)
    if attempt(delivery):
        outcome = "delivered"
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        outcome = "failed"
        delivery.status = WebhookDelivery.Status.FAILED
    else:
        outcome = "retry"
        delivery.next_attempt_at = timezone.now() + timedelta(
            seconds=retry_delay(delivery.attempts)
        )
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(
        status=delivery.status,
        last_attempt_at=delivery.last_attempt_at,
        response_status=delivery.response_status,
        response_body=delivery.response_body,
        error=delivery.error,
        next_attempt_at=delivery.next_attempt_at,
        leased_until=None,
    )
    return outcome, delivery.attempts


def replay(delivery: WebhookDelivery) -> None:
    """Send a delivery again (same webhook-id, so receivers can deduplicate)."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now() + dispatch.grace()
    )
    dispatch.dispatch("webhook", [delivery.pk])


def due_deliveries(now: datetime) -> list[int]:
    """The deliveries the sweep hands over: pending, their time come, held by no worker."""
    return dispatch.take_due(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING), now
    )
