"""Second factors outside a browser (cooperation/totp.py) speak RFC 6238 and allauth's storage."""

from __future__ import annotations

import base64

import pytest
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.test import Client

from cooperation.roles import Role
from cooperation.totp import totp_code, totp_enable, totp_secret, totp_secret_new
from tests.conftest import PASSWORD
from tests.factories import UserFactory

# RFC 6238, appendix B: the SHA-1 key and the 8-digit codes at each instant. A 6-digit code (the
# portal's, allauth's default) is the last six digits of the same number.
RFC_KEY = base64.b32encode(b"12345678901234567890").decode()
RFC_CODES = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("at", "code"), RFC_CODES)
def test_codes_are_those_of_rfc_6238(at, code):
    assert totp_code(RFC_KEY, at=at) == code[-6:]


def test_codes_follow_allauths_period_and_digits(settings):
    settings.MFA_TOTP_DIGITS = 8
    assert totp_code(RFC_KEY, at=59) == "94287082"
    settings.MFA_TOTP_PERIOD = 60
    # With a 60-second period, the instants 60 and 119 share a step; 120 starts the next.
    settings.MFA_TOTP_DIGITS = 6
    assert totp_code(RFC_KEY, at=119) == totp_code(RFC_KEY, at=60)
    assert totp_code(RFC_KEY, at=119) != totp_code(RFC_KEY, at=120)


def test_a_new_secret_is_160_random_bits_in_base32():
    first, second = totp_secret_new(), totp_secret_new()
    assert first != second
    assert len(base64.b32decode(first)) == 20


class ReversingAdapter(DefaultMFAAdapter):
    """An MFA adapter that 'encrypts' by reversing, to see that the secret goes through it."""

    def encrypt(self, text: str) -> str:
        return text[::-1]

    def decrypt(self, encrypted_text: str) -> str:
        return encrypted_text[::-1]


@pytest.mark.django_db
def test_the_secret_is_stored_through_the_mfa_adapter_and_allauth_accepts_the_codes(settings):
    settings.MFA_ADAPTER = "tests.test_totp.ReversingAdapter"
    official = UserFactory(email="oficial@example.org", is_staff=True, roles=[Role.PROGRAMME_ADMIN])
    secret = totp_enable(user=official)
    stored = Authenticator.objects.get(user=official, type=Authenticator.Type.TOTP)
    assert stored.data["secret"] == secret[::-1]
    assert totp_secret(official) == secret
    # allauth's own sign-in reads the secret back through the same adapter.
    client = Client()
    response = client.post("/accounts/login/", {"login": official.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_a_user_without_a_second_factor_has_no_secret():
    with pytest.raises(Authenticator.DoesNotExist):
        totp_secret(UserFactory(email="nobody@example.org"))
