"""The OAuth2 token endpoints of partner systems: client credentials only, throttled first.

``POST /o/token/`` and ``POST /o/revoke_token/`` check a client's secret. Before anything
reads a secret, the request is counted in Redis per client id (``OAUTH_TOKEN_RATE_CLIENT``)
and per address (``OAUTH_TOKEN_RATE_ADDRESS``), as the API's own throttle counts calls: a
guessing client is answered 429 with ``Retry-After`` at no cost. A grant type other than
client credentials is refused as the RFC says (``unsupported_grant_type``), before
django-oauth-toolkit reads parameters that those grants would need (the device-code grant
without a code was a server error).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider import views as oauth2_views

from cooperation.api.throttling import count_in_window

GRANT_TYPE = "client_credentials"
_PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600}
_PERIODS |= {"hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"30/min"`` -> (30, 60)."""
    number, period = rate.split("/", 1)
    return int(number), _PERIODS[period]


def oauth_error(status: int, error: str, description: str, **headers: str) -> HttpResponse:
    """An RFC 6749 §5.2 error response (JSON, never cached)."""
    response = HttpResponse(
        json.dumps({"error": error, "error_description": description}),
        status=status,
        content_type="application/json",
    )
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response


def _client_id(request: HttpRequest) -> str:
    """The client id the request names, in its body or its Basic credentials."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            decoded = ""
        if ":" in decoded:
            return decoded.split(":", 1)[0]
    return str(request.POST.get("client_id", ""))


def _address(request: HttpRequest) -> str:
    from allauth.account.adapter import get_adapter

    # allauth's reading of the client's address (behind TRUSTED_PROXY_COUNT proxies).
    return str(get_adapter().get_client_ip(request))


def throttled(request: HttpRequest) -> HttpResponse | None:
    """Count the request per client id and per address; answer 429 once either is over."""
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    checks = [
        ("address", _address(request), settings.OAUTH_TOKEN_RATE_ADDRESS),
        ("client", _client_id(request), settings.OAUTH_TOKEN_RATE_CLIENT),
    ]
    for kind, value, rate in checks:
        if not value:
            continue
        limit, duration = parse_rate(rate)
        digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        counted = count_in_window(f"{prefix}:throttle:oauth-{kind}:{digest}", duration)
        if counted is not None and counted[0] > limit:
            return oauth_error(
                429,
                "slow_down",
                _("Too many token requests; try again in %(seconds)s seconds.")
                % {"seconds": counted[1]},
                **{"Retry-After": str(counted[1])},
            )
    return None


@method_decorator(csrf_exempt, name="dispatch")
class PartnerTokenView(oauth2_views.TokenView):
    """Issue tokens to partner clients: client credentials only, after the throttle."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = throttled(request)
        if refused is not None:
            return refused
        if request.POST.get("grant_type") != GRANT_TYPE:
            return oauth_error(
                400,
                "unsupported_grant_type",
                _("Partner systems use grant_type=client_credentials only."),
            )
        return super().post(request, *args, **kwargs)


@method_decorator(csrf_exempt, name="dispatch")
class PartnerRevokeTokenView(oauth2_views.RevokeTokenView):
    """Revoke a token; the client authenticates, so the same throttle comes first."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = throttled(request)
        if refused is not None:
            return refused
        return super().post(request, *args, **kwargs)
