"""Single sign-on through a real OpenID Connect provider on loopback (oidc-provider-mock)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from oidc_provider_mock import run_server_in_thread

from config.sso import sso_apps
from cooperation.models import Role, User
from reports.models import ReportRun
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CDMX_ROLES = "portal-officials=official_cdmx,portal-reviewers=reviewer"


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def _configure(monkeypatch, settings, issuer: str, **extra: str) -> None:
    monkeypatch.setenv("SSO_PROVIDERS", "cdmx")
    monkeypatch.setenv("SSO_CDMX_NAME", "Gobierno de la CDMX")
    monkeypatch.setenv("SSO_CDMX_SERVER_URL", issuer)
    monkeypatch.setenv("SSO_CDMX_CLIENT_ID", "portal")
    monkeypatch.setenv("SSO_CDMX_CLIENT_SECRET", "portal-secret")
    monkeypatch.setenv("SSO_CDMX_CITY", "CDMX")
    monkeypatch.setenv("SSO_CDMX_ROLES", CDMX_ROLES)
    for name, value in extra.items():
        monkeypatch.setenv(f"SSO_CDMX_{name}", value)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": sso_apps(), "OAUTH_PKCE_ENABLED": True}
    }


@pytest.fixture
def sso(monkeypatch, settings, provider):
    _configure(monkeypatch, settings, provider)
    return provider


def _person(issuer: str, sub: str, **claims: object) -> None:
    """Tell the provider who ``sub`` is (its claims in the ID token and userinfo)."""
    requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5).raise_for_status()


def _sign_in(client: Client, issuer: str, sub: str):
    """Go through the whole authorisation-code flow; return the portal's last response."""
    start = client.post("/accounts/oidc/cdmx/login/")
    assert start.status_code == 302, start
    assert start["Location"].startswith(f"{issuer}/oauth2/authorize")
    consent = requests.post(start["Location"], data={"sub": sub}, allow_redirects=False, timeout=5)
    assert consent.status_code == 302, consent.text
    callback = urlsplit(consent.headers["Location"])
    assert callback.path == "/accounts/oidc/cdmx/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def _signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_first_sign_in_links_to_the_existing_account_by_verified_email(sso):
    existing = UserFactory(email="ana.lopez@cdmx.gob.mx")
    _person(sso, "ana-123", email="ana.lopez@cdmx.gob.mx", email_verified=True, name="Ana")
    client = Client()
    response = _sign_in(client, sso, "ana-123")
    assert response.status_code == 302
    assert _signed_in_user(client) == existing
    account = SocialAccount.objects.get(user=existing)
    assert (account.provider, account.uid) == ("cdmx", "ana-123")
    assert User.objects.filter(email__iexact="ana.lopez@cdmx.gob.mx").count() == 1
    # The next sign-in finds the link by the provider's subject.
    client.post("/accounts/logout/")
    _sign_in(client, sso, "ana-123")
    assert _signed_in_user(client) == existing
    assert SocialAccount.objects.filter(user=existing).count() == 1


def test_a_new_person_with_a_verified_email_gets_an_account(sso):
    _person(sso, "new-1", email="nuevo@cdmx.gob.mx", email_verified=True)
    client = Client()
    _sign_in(client, sso, "new-1")
    user = _signed_in_user(client)
    assert user is not None and user.email == "nuevo@cdmx.gob.mx"
    assert not user.has_usable_password()


def test_an_unverified_email_is_refused_and_nothing_is_linked_or_created(sso):
    existing = UserFactory(email="victima@cdmx.gob.mx")
    _person(sso, "mallory", email="victima@cdmx.gob.mx", email_verified=False)
    client = Client(headers={"Accept-Language": "ca"})
    response = _sign_in(client, sso, "mallory")
    assert response.status_code == 403
    # Said in the person's language.
    assert "no ha confirmat la vostra adreça de correu electrònic" in response.content.decode()
    assert _signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.filter(email__iexact="victima@cdmx.gob.mx").get() == existing
    _person(sso, "nobody", email="nadie@cdmx.gob.mx")  # no email_verified claim at all
    assert _sign_in(Client(), sso, "nobody").status_code == 403
    assert not User.objects.filter(email="nadie@cdmx.gob.mx").exists()


def test_groups_map_to_the_roles_the_administrator_allowed_and_set_the_city(sso, cdmx):
    _person(
        sso,
        "oficial-1",
        email="oficial@cdmx.gob.mx",
        email_verified=True,
        # official_bcn and programme-admins are not in SSO_CDMX_ROLES: never granted.
        groups=["portal-officials", "portal-admins", "official_bcn", "everyone"],
        amr=["pwd", "otp"],
    )
    client = Client()
    _sign_in(client, sso, "oficial-1")
    user = _signed_in_user(client)
    assert user is not None
    assert user.role_codes == {Role.OFFICIAL_CDMX}
    assert user.party == cdmx
    # The provider drops the group: the role it granted goes, a role given in the admin stays.
    user.groups.add(*_groups(Role.COORDINATOR))
    _person(
        sso,
        "oficial-1",
        email="oficial@cdmx.gob.mx",
        email_verified=True,
        groups=["portal-reviewers"],
    )
    client.post("/accounts/logout/")
    _sign_in(client, sso, "oficial-1")
    assert _signed_in_user(client).role_codes == {Role.REVIEWER, Role.COORDINATOR}


def _groups(*names: str):
    from django.contrib.auth.models import Group

    return list(Group.objects.filter(name__in=names))


def test_a_provider_without_allowed_roles_grants_none(monkeypatch, settings, provider):
    _configure(monkeypatch, settings, provider, ROLES="")
    _person(
        provider, "solo", email="solo@cdmx.gob.mx", email_verified=True, groups=["portal-officials"]
    )
    client = Client()
    _sign_in(client, provider, "solo")
    assert _signed_in_user(client).role_codes == set()


def test_staff_still_need_the_second_factor_unless_the_provider_asserts_mfa(sso, official_cdmx):
    run = ReportRun.objects.create(kind="institutions", format="csv")
    page = f"/reports/runs/{run.pk}/progress/"
    # official_cdmx has a TOTP device: signing in with a password alone would ask for it.
    _person(
        sso,
        "mfa-no",
        email=official_cdmx.email,
        email_verified=True,
        amr=["pwd"],
        groups=["portal-officials"],
    )
    client = Client()
    response = _sign_in(client, sso, "mfa-no")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")  # TOTP asked
    assert _signed_in_user(client) is None
    # The provider asserts MFA: signed in, and the staff page opens without a TOTP code.
    SocialAccount.objects.all().delete()
    _person(
        sso,
        "mfa-yes",
        email=official_cdmx.email,
        email_verified=True,
        amr=["pwd", "mfa"],
        groups=["portal-officials"],
    )
    client = Client()
    _sign_in(client, sso, "mfa-yes")
    assert _signed_in_user(client) == official_cdmx
    assert client.get(page).status_code == 200


def test_an_official_without_a_device_and_without_mfa_is_sent_to_enrol(sso, cdmx):
    _person(
        sso, "fresh", email="fresh@cdmx.gob.mx", email_verified=True, groups=["portal-officials"]
    )
    client = Client()
    _sign_in(client, sso, "fresh")
    user = _signed_in_user(client)
    assert user is not None and user.role_codes == {Role.OFFICIAL_CDMX}
    run = ReportRun.objects.create(kind="institutions", format="csv")
    response = client.get(f"/reports/runs/{run.pk}/progress/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")


def test_sign_out_ends_the_session(sso):
    _person(sso, "out-1", email="out@cdmx.gob.mx", email_verified=True)
    run = ReportRun.objects.create(kind="institutions", format="csv")
    page = f"/reports/runs/{run.pk}/progress/"
    client = Client()
    _sign_in(client, sso, "out-1")
    assert _signed_in_user(client) is not None
    assert client.get(page).status_code == 403  # signed in, not an official
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert _signed_in_user(client) is None
    assert client.get(page)["Location"].startswith("/accounts/login/")


def test_the_sign_in_page_offers_the_provider(sso, client):
    page = client.get("/accounts/login/").content.decode()
    assert "Gobierno de la CDMX" in page
    assert "/accounts/oidc/cdmx/login/" in page


def test_a_mapping_to_the_other_citys_role_stops_start_up(monkeypatch, settings, provider):
    with pytest.raises(ImproperlyConfigured, match="official_bcn"):
        _configure(monkeypatch, settings, provider, ROLES="portal-officials=official_bcn")
    with pytest.raises(ImproperlyConfigured, match="group=role"):
        _configure(monkeypatch, settings, provider, ROLES="portal-officials=king")
