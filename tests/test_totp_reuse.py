"""A second-factor code typed twice is said to be already used, not incorrect."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "This code has already been used"),
        ("es", "Este código ya se ha usado"),
        ("ca", "Aquest codi ja s&#x27;ha fet servir"),
    ],
)
def test_a_reused_code_says_already_used(official_cdmx, language, message):
    # Both browsers sign in first, then the same code is typed in each within seconds: the
    # code is still the current one the second time, only already used.
    first = Client(HTTP_ACCEPT_LANGUAGE=language)
    second = Client(HTTP_ACCEPT_LANGUAGE=language)
    _sign_in(first, official_cdmx.email)
    _sign_in(second, official_cdmx.email)
    code = totp_code(official_cdmx)
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
    response = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert second.get("/admin/").status_code == 302  # still not through


def test_a_wrong_code_is_still_incorrect(official_cdmx):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _sign_in(client, official_cdmx.email)
    good = totp_code(official_cdmx)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert b"Incorrect code" in response.content
    assert b"already been used" not in response.content
