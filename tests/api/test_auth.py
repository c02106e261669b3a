"""Partner systems authenticate with OAuth2 client credentials and get only their scopes."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from cooperation.api.clients import (
    partner_client_create,
    partner_client_revoke,
    partner_client_rotate,
)
from cooperation.api.models import PartnerProfile

pytestmark = pytest.mark.django_db


def _token(client_id: str, secret: str, scope: str | None = None):
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope is not None:
        data["scope"] = scope
    return Client().post("/o/token/", data)


def test_client_credentials_give_a_token_with_the_granted_scopes(partner):
    response = _token(partner.client_id, partner.client_secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body["scope"].split()) == {
        "read",
        "projects:write",
        "knowledge:write",
        "stays:read",
        "webhooks",
    }
    api = Client(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api.get("/api/v1/areas/").status_code == 200


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(institution_cdmx):
    reader = partner_client_create(name="Reader", scopes=["read"], institution=institution_cdmx)
    response = _token(reader.client_id, reader.client_secret, scope="read projects:write")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"
    assert not AccessToken.objects.exists()


def test_wrong_secret_is_refused(partner):
    response = _token(partner.client_id, "not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_a_revoked_client_gets_no_token_and_its_tokens_stop_working(partner, token_client):
    api = token_client(partner)
    assert api.get("/api/v1/areas/").status_code == 200
    partner_client_revoke(profile=partner.profile)
    response = api.get("/api/v1/areas/")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert _token(partner.client_id, partner.client_secret).status_code == 401


def test_an_expired_token_is_refused(partner):
    token = AccessToken.objects.create(
        application=partner.profile.application,
        token="expired-token",
        scope="read",
        expires=timezone.now() - timedelta(seconds=1),
    )
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token.token}").get("/api/v1/areas/")
    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_rotating_the_secret_retires_the_old_one(partner):
    fresh = partner_client_rotate(profile=partner.profile)
    assert fresh.client_secret != partner.client_secret
    assert _token(partner.client_id, partner.client_secret).status_code == 401
    assert _token(fresh.client_id, fresh.client_secret).status_code == 200


def test_a_token_without_the_scope_is_refused(partner, token_client):
    api = token_client(partner, scopes=["webhooks"])
    response = api.get("/api/v1/areas/")
    assert response.status_code == 403
    assert response.json()["title"] == "Forbidden"


def test_create_partner_client_prints_the_secret_once(institution_bcn):
    out = StringIO()
    call_command(
        "create_partner_client",
        "--name",
        "ECOS hub",
        "--institution",
        institution_bcn.code,
        "--scopes",
        "read,webhooks",
        stdout=out,
    )
    text = out.getvalue()
    profile = PartnerProfile.objects.get(application__name="ECOS hub")
    assert profile.application.client_id in text
    secret = text.split("client_secret:")[1].split()[0]
    # Only a hash is stored; the printed secret works.
    assert profile.application.client_secret != secret
    assert _token(profile.application.client_id, secret).status_code == 200


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--institution", "NOPE", "--scopes", "read"], "No institution"),
        (["--party", "MAD", "--scopes", "read"], "No city"),
        (["--party", "BCN", "--scopes", "read admin"], "Unknown scopes: admin"),
    ],
)
def test_create_partner_client_refuses_bad_input(args, message, db):
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command("create_partner_client", "--name", "X", *args, stdout=StringIO())
    assert not PartnerProfile.objects.exists()


def test_anonymous_calls_get_a_problem_document(client):
    # Reference data and public projects are open to anonymous reads (open data, issue 19;
    # tests/opendata/test_anonymous_api.py); everything else asks for a credential.
    response = client.get("/api/v1/report-runs/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"] == "application/problem+json"
    assert set(response.json()) >= {"type", "title", "status", "detail"}


def test_signed_in_people_read_with_their_session(login, researcher):
    response = login(researcher).get("/api/v1/areas/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 8


@pytest.mark.parametrize("role", ["programme_admin", "official_cdmx", "official_bcn"])
def test_a_partner_account_given_an_officials_group_gains_no_officials_power(
    partner, token_client, institution_cdmx, role
):
    from django.contrib.auth.models import Group

    from reports.models import ReportRun
    from tests.projects.factories import ProjectFactory

    hidden = ProjectFactory(institutions=[institution_cdmx], public=False)
    partner.profile.account.groups.add(Group.objects.get(name=role))
    api = token_client(partner)
    # Officials and administrators read every project and request reports; a client does not.
    assert api.get(f"/api/v1/projects/{hidden.code}/").status_code == 404
    assert hidden.code not in [p["code"] for p in api.get("/api/v1/projects/").json()["results"]]
    run = {"kind": "institutions", "format": "csv", "parameters": {}}
    assert api.post("/api/v1/report-runs/", run, format="json").status_code == 403
    assert not ReportRun.objects.exists()
    # It still acts as a coordinator of its institution.
    assert api.get("/api/v1/areas/").status_code == 200
