"""Sign-in throttling that slows an attacker and never locks the owner out for good.

The OAuth 2.0-free half of issue 12's brute-force rule, after the OWASP Authentication Cheat
Sheet ("account lockout" and the "device cookies" it points to). Only failed sign-ins count,
in Redis (the cache), so that every web node shares the counts:

* a browser that has signed in to an account before carries a signed *device cookie* for it;
  its failures count per device and account (``LOGIN_ATTEMPTS_LIMIT`` per
  ``LOGIN_ATTEMPTS_TIMEOUT`` seconds), so a stolen cookie does not give unlimited guesses;
* any other browser counts per address and account (the same limit), per account from all
  addresses (``LOGIN_ACCOUNT_ATTEMPTS_LIMIT`` per ``LOGIN_ACCOUNT_ATTEMPTS_TIMEOUT``, against
  guessing spread over many addresses) and per address for all accounts
  (``LOGIN_ADDRESS_ATTEMPTS_LIMIT`` per ``LOGIN_ATTEMPTS_TIMEOUT``, against spraying).

So an attacker elsewhere, or behind the same shared address, cannot stop the owner signing in
from the browser they use. When a limit stops a browser, the account's owner is e-mailed (at
most once a window) a one-time link that makes the browser where it is opened a trusted
device for the account: a new laptop is never locked out either. The message is the same
whether the account exists or not.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

DEVICE_COOKIE = "portal_device"
DEVICE_SALT = "cooperation.signin.device"
UNLOCK_SALT = "cooperation.signin.unlock"
DEVICE_MAX_AGE = 365 * 24 * 3600
UNLOCK_MAX_AGE = 3600


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _address(request: HttpRequest) -> str:
    from allauth.account.adapter import get_adapter

    # allauth's reading of the client's address (behind TRUSTED_PROXY_COUNT proxies).
    return str(get_adapter().get_client_ip(request))


def _device_of(request: HttpRequest, login: str) -> str | None:
    """Return the device nonce of the browser's cookie, if it is trusted for this account."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        data = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except (signing.BadSignature, ValueError):
        return None
    devices = data.get("a", {}) if isinstance(data, dict) else {}
    nonce = devices.get(_digest(login))
    return nonce if isinstance(nonce, str) else None


def _counters(request: HttpRequest, login: str) -> list[tuple[str, int, int]]:
    """The counters a failed sign-in raises: (cache key, limit, window in seconds)."""
    prefix = "signin:fail"
    limit, window = settings.LOGIN_ATTEMPTS_LIMIT, settings.LOGIN_ATTEMPTS_TIMEOUT
    account = _digest(login)
    device = _device_of(request, login)
    if device is not None:
        return [(f"{prefix}:device:{account}:{_digest(device)}", limit, window)]
    address = _digest(_address(request))
    return [
        (f"{prefix}:address-account:{address}:{account}", limit, window),
        (
            f"{prefix}:account:{account}",
            settings.LOGIN_ACCOUNT_ATTEMPTS_LIMIT,
            settings.LOGIN_ACCOUNT_ATTEMPTS_TIMEOUT,
        ),
        (f"{prefix}:address:{address}", settings.LOGIN_ADDRESS_ATTEMPTS_LIMIT, window),
    ]


def check(request: HttpRequest, login: str) -> None:
    """Refuse a sign-in from a browser that a limit stops, and offer the owner a way in."""
    login = login.strip().lower()
    if not login:
        return
    for key, limit, _window in _counters(request, login):
        if int(cache.get(key, 0)) >= limit:
            _send_unlock_link(request, login)
            raise ValidationError(
                _(
                    "Too many failed sign-ins from this browser. If this is your account, we "
                    "have e-mailed you a link that lets you sign in from here; otherwise try "
                    "again later."
                ),
                code="too_many_login_attempts",
            )


def record_failure(request: HttpRequest, login: str) -> None:
    """Count a failed sign-in in every counter that applies to this browser."""
    login = login.strip().lower()
    if not login:
        return
    for key, _limit, window in _counters(request, login):
        # add() starts the window; incr() is atomic in Redis.
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between the two calls
                cache.add(key, 1, timeout=window)


def _send_unlock_link(request: HttpRequest, login: str) -> None:
    """E-mail the account's owner a one-time link, at most once per window."""
    from allauth.account.adapter import get_adapter

    from cooperation.models import User

    window = settings.LOGIN_ATTEMPTS_TIMEOUT
    if not cache.add(f"signin:unlock-sent:{_digest(login)}", 1, timeout=window):
        return
    user = User.objects.filter(email__iexact=login, is_active=True).first()
    if user is None or user.is_partner_account:
        return  # the same answer as for an account that exists: nothing to tell apart
    token = signing.dumps(
        {"u": user.pk, "n": secrets.token_urlsafe(16)}, salt=UNLOCK_SALT, compress=True
    )
    url = request.build_absolute_uri(reverse("signin_unlock", args=[token]))

    from django.contrib.sites.shortcuts import get_current_site

    context = {
        "request": request,
        "current_site": get_current_site(request),
        "email": user.email,
        "user": user,
        "unlock_url": url,
        "minutes": UNLOCK_MAX_AGE // 60,
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):
        message = get_adapter().render_mail("account/email/signin_unlock", user.email, context)
    transaction.on_commit(message.send)


def trust_device(response: HttpResponse, request: HttpRequest, login: str) -> None:
    """Mark the browser as a trusted device of the account (kept beside the others)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    try:
        data = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    except (signing.BadSignature, ValueError):
        data = {}
    devices = data.get("a", {}) if isinstance(data, dict) else {}
    account = _digest(login.strip().lower())
    devices[account] = devices.get(account) or secrets.token_urlsafe(16)
    # A browser shared by many people keeps the most recent few accounts.
    devices = dict(list(devices.items())[-5:])
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps({"a": devices}, salt=DEVICE_SALT, compress=True),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def on_signed_in(
    sender: Any, request: HttpRequest, response: Any, user: Any, **kwargs: Any
) -> None:
    """allauth's ``user_logged_in``: the browser that just signed in becomes trusted."""
    if response is not None and hasattr(response, "set_cookie") and user.email:
        trust_device(response, request, user.email)


@never_cache
@require_GET
def unlock(request: HttpRequest, token: str) -> HttpResponse:
    """Open the e-mailed link: this browser may sign in to the account again."""
    from django.contrib import messages

    from cooperation.models import User

    try:
        data = signing.loads(token, salt=UNLOCK_SALT, max_age=UNLOCK_MAX_AGE)
        user = User.objects.get(pk=data["u"], is_active=True)
        first_use = cache.add(f"signin:unlock-used:{data['n']}", 1, timeout=UNLOCK_MAX_AGE)
    except (signing.BadSignature, ValueError, KeyError, TypeError, User.DoesNotExist):
        first_use = False
        user = None
    if not first_use or user is None:
        messages.error(request, _("This link has expired or was already used."))
        return redirect("account_login")
    messages.success(request, _("This browser may sign in to your account again."))
    response = redirect("account_login")
    trust_device(response, request, user.email)
    return response
