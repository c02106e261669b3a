"""Webhooks following the Standard Webhooks specification (webhook-id, -timestamp, -signature).

Deliveries are rows written in the same transaction as the change they report and sent by
Celery after it commits, with exponential back-off; each attempt's response is logged.
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
from functools import partial
from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.api.models import WebhookDelivery, WebhookEndpoint


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
    """Record a delivery for each active endpoint that wants the event; send after commit."""
    from cooperation.api.tasks import deliver_webhook

    endpoints = WebhookEndpoint.objects.filter(
        active=True, events__contains=[event], partner__revoked_at__isnull=True
    )
    body = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    deliveries = [
        WebhookDelivery(
            endpoint=endpoint,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            payload={"type": event, "timestamp": timezone.now().isoformat(), "data": body},
        )
        for endpoint in endpoints
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        transaction.on_commit(partial(deliver_webhook.delay, delivery.pk))
    return deliveries


def attempt(delivery: WebhookDelivery, *, timeout: float = 10.0) -> bool:
    """Send one attempt and log its outcome; return whether the receiver accepted it."""
    import requests

    endpoint = delivery.endpoint
    body = json.dumps(delivery.payload, separators=(",", ":"))
    timestamp = int(time.time())
    delivery.attempts += 1
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
            timeout=timeout,
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
    delivery.save(
        update_fields=[
            "attempts",
            "last_attempt_at",
            "response_status",
            "response_body",
            "error",
            "status",
        ]
    )
    return accepted


def replay(delivery: WebhookDelivery) -> None:
    """Send a delivery again (same webhook-id, so receivers can deduplicate)."""
    from cooperation.api.tasks import deliver_webhook

    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.PENDING)
    transaction.on_commit(lambda: deliver_webhook.delay(delivery.pk))
