"""A validated bearer token is kept briefly by the process, and forgotten when it is revoked."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oauth2_provider.models import AccessToken

from cooperation.api.clients import partner_client_revoke, partner_client_rotate

pytestmark = pytest.mark.django_db


def _queries(api, url: str = "/api/v1/areas/") -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    return response.status_code, len(queries)


def test_a_token_is_read_once_then_kept(api):
    assert _queries(api) == (200, 2)  # the token with its client, profile and account; the page
    assert _queries(api) == (200, 1)  # the page


def test_a_revoked_client_stops_at_once(api, partner):
    assert _queries(api)[0] == 200
    partner_client_revoke(profile=partner.profile)
    assert _queries(api)[0] == 401


def test_a_token_revoked_by_its_client_stops_at_once(api, partner):
    assert _queries(api)[0] == 200
    token = AccessToken.objects.get(application=partner.profile.application)
    response = Client().post(
        "/o/revoke_token/",
        {
            "token": token.token,
            "client_id": partner.client_id,
            "client_secret": partner.client_secret,
        },
    )
    assert response.status_code == 200
    assert _queries(api)[0] == 401


def test_rotating_the_secret_stops_the_kept_tokens(api, partner):
    assert _queries(api)[0] == 200
    partner_client_rotate(profile=partner.profile)
    assert _queries(api)[0] == 401


def test_an_account_deactivated_by_hand_stops_its_kept_token(api, partner):
    assert _queries(api)[0] == 200
    account = partner.profile.account
    account.is_active = False
    account.save()
    assert _queries(api)[0] == 401


def test_a_scope_taken_from_a_kept_token_is_refused(api, partner):
    assert _queries(api)[0] == 200
    token = AccessToken.objects.get(application=partner.profile.application)
    token.scope = "webhooks"
    token.save()
    assert _queries(api)[0] == 403


def test_without_the_cache_every_call_reads_the_token(api, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    assert _queries(api) == (200, 2)
    assert _queries(api) == (200, 2)


def test_a_kept_token_is_read_again_once_its_time_is_up(api, settings, monkeypatch):
    import time

    settings.API_TOKEN_CACHE_SECONDS = 10
    assert _queries(api) == (200, 2)
    later = time.monotonic() + 11
    monkeypatch.setattr("cooperation.api.scopes.time.monotonic", lambda: later)
    assert _queries(api) == (200, 2)
