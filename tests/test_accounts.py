"""Sign-in, second factor before the admin, rate limits, sign-up with e-mail verification."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client

from cooperation.roles import Role
from tests.conftest import PASSWORD, totp_code
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_staff_without_second_factor_cannot_open_the_admin(login, official_cdmx):
    client = login(official_cdmx, second_factor=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith("/accounts/2fa/reauthenticate/")
    # And no admin page opens directly either.
    assert client.get("/admin/cooperation/institution/").status_code == 302


def test_staff_without_totp_is_sent_to_set_it_up(login, db):
    official = UserFactory(email="nuevo@example.org", is_staff=True, roles=[Role.OFFICIAL_BCN])
    client = login(official, second_factor=False)
    follow = client.get(client.get("/admin/")["Location"])
    assert follow["Location"].startswith("/accounts/2fa/totp/activate/")


def test_password_then_totp_opens_the_admin(official_cdmx):
    client = Client()
    response = _sign_in(client, official_cdmx.email)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get("/admin/").status_code == 302  # not signed in yet
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(official_cdmx)})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_wrong_totp_code_is_refused(official_cdmx):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    _sign_in(client, official_cdmx.email)
    good = totp_code(official_cdmx)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert b"Incorrect code" in response.content
    assert client.get("/admin/").status_code == 302


def test_reauthenticating_with_totp_opens_the_admin(login, official_bcn):
    client = login(official_bcn, second_factor=False)
    response = client.post(
        "/accounts/2fa/reauthenticate/?next=/admin/", {"code": totp_code(official_bcn)}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_failed_sign_ins_are_rate_limited(researcher):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(5):
        response = _sign_in(client, researcher.email, "wrong password")
        assert response.status_code == 200
        assert b"not correct" in response.content
    # The sixth attempt from this browser is refused even with the right password; the owner's
    # own browser and other addresses are not (tests/security/test_brute_force.py).
    response = _sign_in(client, researcher.email)
    assert b"Too many failed sign-ins from this browser" in response.content
    assert "_auth_user_id" not in client.session


def test_failed_sign_in_message_is_translated(researcher):
    client = Client(HTTP_ACCEPT_LANGUAGE="es")
    response = _sign_in(client, researcher.email, "wrong password")
    assert "la contraseña que ha indicado no son correctas" in response.content.decode()


def test_self_registered_researcher_must_verify_the_email():
    client = Client(HTTP_ACCEPT_LANGUAGE="ca")
    response = client.post(
        "/accounts/signup/",
        {
            "email": "nova@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nova@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert link, message.body
    # Not verified yet: signing in is held at the verification page.
    client.logout()
    held = _sign_in(Client(), "nova@example.org", "a-long-pass-phrase")
    assert held["Location"].startswith("/accounts/confirm-email/")
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    confirm = client.post(f"/{path}")
    assert confirm.status_code == 302
    from cooperation.models import User

    user = User.objects.get(email="nova@example.org")
    assert user.emailaddress_set.get().verified
    assert user.has_role(Role.RESEARCHER)
    assert user.language == "ca"
    assert not user.is_staff


def test_password_reset_sends_a_link(researcher):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/password/reset/", {"email": researcher.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_sign_out_ends_the_session(login, researcher):
    client = login(researcher)
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_seeded_staff_have_totp(programme_admin, official_cdmx, official_bcn):
    for user in (programme_admin, official_cdmx, official_bcn):
        assert Authenticator.objects.filter(user=user, type="totp").exists()
