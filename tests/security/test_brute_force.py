"""Brute force without lock-out of the owner (issue 12, point 7).

Sign-in: an attacker's failures stop the attacker's browser, not the owner's; a stopped
browser's owner gets a one-time link by e-mail. Tokens: ``/o/token/`` counts requests per
client id and per address before any secret is checked, and checking a wrong secret is cheap.
"""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from django.test import Client

from cooperation.api.clients import partner_client_create
from cooperation.signin import DEVICE_COOKIE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _browser(address: str) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)


def _sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _attack(email: str, address: str = "203.0.113.9", times: int = 5) -> Client:
    attacker = _browser(address)
    for _ in range(times):
        response = _sign_in(attacker, email, "wrong password")
        assert response.status_code == 200
    return attacker


def test_the_attackers_browser_is_stopped_even_with_the_right_password(researcher):
    attacker = _attack(researcher.email)
    response = _sign_in(attacker, researcher.email)
    assert "Too many failed sign-ins from this browser" in response.content.decode()
    assert not _signed_in(attacker)


def test_the_owner_elsewhere_signs_in_while_the_attacker_is_stopped(researcher):
    _attack(researcher.email)
    owner = _browser("198.51.100.20")
    assert _sign_in(owner, researcher.email).status_code == 302
    assert _signed_in(owner)


def test_the_owners_own_browser_signs_in_behind_the_attackers_address(researcher):
    owner = _browser("203.0.113.9")  # the same shared address as the attacker
    assert _sign_in(owner, researcher.email).status_code == 302
    assert owner.cookies.get(DEVICE_COOKIE)
    owner.post("/accounts/logout/")
    _attack(researcher.email)  # from another browser behind the same address
    assert _sign_in(owner, researcher.email).status_code == 302
    assert _signed_in(owner)


def test_guessing_from_many_addresses_stops_new_browsers_not_the_owners(researcher, settings):
    settings.LOGIN_ACCOUNT_ATTEMPTS_LIMIT = 8
    owner = _browser("198.51.100.20")
    _sign_in(owner, researcher.email)
    owner.post("/accounts/logout/")
    for index in range(8):
        _attack(researcher.email, address=f"192.0.2.{index}", times=1)
    newcomer = _browser("192.0.2.200")
    assert (
        not _signed_in(newcomer)
        and "Too many" in _sign_in(newcomer, researcher.email).content.decode()
    )
    assert _sign_in(owner, researcher.email).status_code == 302


def test_a_trusted_browser_still_gets_only_a_few_guesses(researcher):
    thief = _browser("198.51.100.20")
    _sign_in(thief, researcher.email)
    thief.post("/accounts/logout/")
    for _ in range(5):
        _sign_in(thief, researcher.email, "wrong password")
    assert "Too many" in _sign_in(thief, researcher.email).content.decode()


def test_a_stopped_browsers_owner_gets_a_one_time_link_in_their_language(
    researcher, django_capture_on_commit_callbacks
):
    researcher.language = "ca"
    researcher.save(update_fields=["language"])
    attacker = _attack(researcher.email)
    with django_capture_on_commit_callbacks(execute=True):
        _sign_in(attacker, researcher.email)
        _sign_in(attacker, researcher.email)  # a second refusal mails nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [researcher.email]
    assert "navegador" in message.body  # Catalan
    link = re.search(r"https?://[^/\s]+(/accounts/unlock/\S+/)", message.body).group(1)
    laptop = _browser("203.0.113.9")
    assert laptop.get(link).status_code == 302
    assert _sign_in(laptop, researcher.email).status_code == 302
    assert _signed_in(laptop)
    # The link works once.
    again = _browser("203.0.113.9")
    again.get(link)
    assert "Too many" in _sign_in(again, researcher.email).content.decode()


def test_an_unknown_account_gets_the_same_answer_and_no_mail(django_capture_on_commit_callbacks):
    attacker = _attack("nadie@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_in(attacker, "nadie@example.org")
    assert "Too many failed sign-ins from this browser" in response.content.decode()
    assert mail.outbox == []


def test_a_forged_unlock_link_does_nothing(researcher):
    attacker = _attack(researcher.email)
    response = attacker.get("/accounts/unlock/forged-token/")
    assert response.status_code == 302
    assert "Too many" in _sign_in(attacker, researcher.email).content.decode()


# --- /o/token/ ----------------------------------------------------------------------------------


def _token(client: Client, client_id: str, secret: str):
    return client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


@pytest.fixture
def credentials(institution_bcn):
    return partner_client_create(name="UPC", scopes=["read"], institution=institution_bcn)


def test_token_requests_are_throttled_per_client_id(credentials, settings):
    settings.OAUTH_TOKEN_RATE_CLIENT = "3/min"
    answers = [
        _token(Client(REMOTE_ADDR=f"192.0.2.{i}"), credentials.client_id, "wrong").status_code
        for i in range(4)
    ]
    assert answers == [401, 401, 401, 429]
    refused = _token(Client(REMOTE_ADDR="192.0.2.99"), credentials.client_id, "wrong")
    assert refused.json()["error"] == "slow_down"
    assert int(refused["Retry-After"]) >= 1


def test_token_requests_are_throttled_per_address(credentials, settings):
    settings.OAUTH_TOKEN_RATE_ADDRESS = "2/min"
    client = Client(REMOTE_ADDR="192.0.2.50")
    answers = [_token(client, f"guess-{i}", "x").status_code for i in range(3)]
    assert answers == [401, 401, 429]
    # Another address is not concerned.
    good = _token(
        Client(REMOTE_ADDR="192.0.2.51"), credentials.client_id, credentials.client_secret
    )
    assert good.status_code == 200


def test_a_throttled_request_never_reaches_the_secret_check(credentials, settings, monkeypatch):
    settings.OAUTH_TOKEN_RATE_CLIENT = "1/min"
    from oauth2_provider.oauth2_validators import OAuth2Validator

    checked: list[int] = []
    original = OAuth2Validator._check_secret

    def counting(self, *args):
        checked.append(1)
        return original(self, *args)

    monkeypatch.setattr(OAuth2Validator, "_check_secret", counting)
    client = Client(REMOTE_ADDR="192.0.2.60")
    _token(client, credentials.client_id, "wrong")
    _token(client, credentials.client_id, "wrong")
    assert checked == [1]


def test_a_wrong_secret_costs_little(credentials):
    client = Client(REMOTE_ADDR="192.0.2.70")
    started = time.perf_counter()
    for _ in range(5):
        assert _token(client, credentials.client_id, "wrong").status_code == 401
    # PBKDF2 with a million rounds took about 0.6 s a try; salted SHA-256 takes microseconds.
    assert (time.perf_counter() - started) / 5 < 0.3
    assert credentials.profile.application.client_secret.startswith("client_sha256$")


@pytest.mark.parametrize(
    "body",
    [
        {"grant_type": "urn:ietf:params:oauth:grant-type:device_code"},
        {"grant_type": "password", "username": "a", "password": "b"},
        {"grant_type": "authorization_code"},
        {"grant_type": "refresh_token"},
        {},
    ],
)
def test_other_grant_types_are_refused_cleanly(body):
    response = Client().post("/o/token/", body)
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"
