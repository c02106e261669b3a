"""The API keeps the promises of its OpenAPI schema: schemathesis, all default checks."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from cooperation.wsgi import application

    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/", application)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _no_throttle(monkeypatch):
    # Schemathesis sends hundreds of requests a minute; the throttle has tests of its own.
    from cooperation.api.throttling import PerClientThrottle

    monkeypatch.setattr(PerClientThrottle, "THROTTLE_RATES", {"client": "100000/min"})


@pytest.fixture
def bearer(partner, token_client) -> dict[str, str]:
    client = token_client(partner)
    return {"Authorization": client._credentials["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, bearer):
    case.call_and_validate(headers=bearer)
