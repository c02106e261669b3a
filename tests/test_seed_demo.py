"""`manage.py seed_demo` creates real institutions and one user per role, safely twice."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import Client

from cooperation.models import Institution, User
from cooperation.roles import Role
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_is_safe_to_run_twice():
    first = _seed()
    counts = (Institution.objects.count(), User.objects.count(), Authenticator.objects.count())
    second = _seed()
    assert (
        Institution.objects.count(),
        User.objects.count(),
        Authenticator.objects.count(),
    ) == counts
    assert first.count("TOTP secret") == second.count("TOTP secret") == 3


def test_seed_demo_creates_real_institutions_of_both_cities():
    _seed()
    codes = set(Institution.objects.values_list("code", flat=True))
    assert {"UNAM", "IPN", "UAM", "URC", "UB", "UPC", "UAB", "UPF", "BSC"} <= codes
    assert Institution.objects.get(code="UNAM").party.code == "CDMX"
    assert Institution.objects.get(code="BSC").party.code == "BCN"
    assert Institution.objects.get(code="UB").name_ca == "Universitat de Barcelona"


def test_seed_demo_prints_every_login_and_the_second_factor():
    output = _seed()
    for role in Role:
        users = User.objects.filter(groups__name=role.value)
        assert users.exists(), role
        for user in users:
            assert user.email in output
    assert output.count("TOTP secret") == 3  # administrator and the two officials


def test_a_demo_official_signs_in_with_the_printed_password_and_totp():
    _seed()
    official = User.objects.get(email="oficial.bcn@demo.cdmx-bcn.org")
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": official.email, "password": "demo-portal-2026"}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(official)})
    assert client.get("/admin/").status_code == 200
