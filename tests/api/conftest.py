"""Partner clients and tokens for the API tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from cooperation.api.clients import Credentials, partner_client_create

ALL_SCOPES = ["read", "projects:write", "knowledge:write", "stays:read", "webhooks"]


@pytest.fixture
def partner(institution_bcn) -> Credentials:
    return partner_client_create(
        name="UPC research office", scopes=ALL_SCOPES, institution=institution_bcn
    )


@pytest.fixture
def other_partner(institution_cdmx) -> Credentials:
    return partner_client_create(
        name="UNAM open science", scopes=ALL_SCOPES, institution=institution_cdmx
    )


@pytest.fixture
def token_client() -> Callable[..., APIClient]:
    """Return a function giving an API client with a bearer token of the given scopes."""

    def _client(credentials: Credentials, scopes: list[str] | None = None) -> APIClient:
        token = AccessToken.objects.create(
            application=credentials.profile.application,
            token=f"tok-{credentials.client_id}-{'-'.join(scopes or ALL_SCOPES)}",
            scope=" ".join(scopes or ALL_SCOPES),
            expires=timezone.now() + timedelta(hours=1),
        )
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
        return client

    return _client


@pytest.fixture
def api(partner, token_client) -> APIClient:
    return token_client(partner)
