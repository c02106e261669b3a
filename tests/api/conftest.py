"""Partner clients and tokens for the API tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.test import APIClient

from cooperation.api.clients import Credentials, partner_client_create
from projects.models import JointProject
from tests.factories import InstitutionFactory
from tests.knowledge.factories import published, transfer
from tests.projects.factories import ProjectFactory

ALL_SCOPES = ["read", "projects:write", "knowledge:write", "stays:read", "webhooks"]
KNOWLEDGE_WRITE = ["read", "knowledge:write"]


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


# The projects of the kept lists' and details' tests (projects.api.kept).
@pytest.fixture
def private_bcn(institution_bcn, institution_cdmx) -> JointProject:
    """A private project of the BCN institution (the ``api`` partner's) only."""
    return ProjectFactory(institutions=[institution_bcn], public=False, title_es="Privado")


@pytest.fixture
def public(institution_cdmx) -> JointProject:
    return ProjectFactory(institutions=[institution_cdmx], title_es="Abierto")


@pytest.fixture
def others_private(cdmx) -> JointProject:
    """A private project of a third institution, of CDMX."""
    return ProjectFactory(institutions=[InstitutionFactory(party=cdmx)], public=False)


# The transfers' API tests (writes and bad paths) share these.
@pytest.fixture
def bcn_practice(coordinator, official_bcn):
    """A published practice of the BCN institution."""
    return published(actor=coordinator, reviewer=official_bcn)


@pytest.fixture
def cdmx_writer(institution_cdmx, token_client):
    """A client of the CDMX institution with the knowledge scope."""
    credentials = partner_client_create(
        name="UNAM knowledge", scopes=KNOWLEDGE_WRITE, institution=institution_cdmx
    )
    return token_client(credentials, KNOWLEDGE_WRITE)


@pytest.fixture
def made(bcn_practice, official_cdmx, institution_cdmx):
    """A transfer of the BCN practice to the CDMX institution, recorded by an official."""
    return transfer(actor=official_cdmx, practice=bcn_practice, institution=institution_cdmx)
