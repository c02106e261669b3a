"""TOTP second factors set up and read outside a browser: the demo logins and the tests.

People enrol in allauth's own pages. The demo seed and the tests give a person a second factor
and compute the code their authenticator app would show, through allauth's public API only:
the ``Authenticator`` model, the MFA adapter that encrypts the stored secret
(``allauth.mfa.adapter``, replaceable with ``MFA_ADAPTER``) and the ``MFA_TOTP_PERIOD`` and
``MFA_TOTP_DIGITS`` settings. The codes are RFC 6238's (HMAC-SHA1 over the number of periods
since the epoch, truncated as RFC 4226 says), computed here rather than with allauth's private
``allauth.mfa.totp.internal``; the sign-in tests check that allauth accepts them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time

from allauth.mfa import app_settings
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator

from cooperation.models import User


def totp_secret_new() -> str:
    """Return a new random secret in base32, 160 bits as allauth's enrolment page makes it."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii")


def totp_enable(*, user: User, secret: str | None = None) -> str:
    """Give the user a TOTP second factor (a new secret unless one is given); return the secret."""
    secret = secret or totp_secret_new()
    # The layout allauth stores: the secret, encrypted by the adapter.
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt(secret)}
    )
    return secret


def totp_secret(user: User) -> str:
    """Return the user's TOTP secret in base32; raise ``Authenticator.DoesNotExist`` if none."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return get_adapter().decrypt(authenticator.data["secret"])


def totp_code(secret: str, *, at: float | None = None) -> str:
    """Return the code an authenticator app shows for ``secret`` at the instant ``at`` (now)."""
    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    digits = app_settings.TOTP_DIGITS
    return f"{value % 10**digits:0{digits}d}"
