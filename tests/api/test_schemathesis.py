"""The API keeps the promises of its OpenAPI schema: schemathesis, every check, operation by
operation and then in sequences that follow the schema's links (the stateful phase).

No response may be a 5xx or break the schema; ``schemathesis.toml`` lists the few documented
exceptions (and why).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

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


@pytest.fixture
def state_machine(api_schema, bearer):
    """Sequences of calls linked by the schema (a created project, then its transition…)."""

    class Sequences(api_schema.as_state_machine()):
        calls: list[str] = []

        def get_call_kwargs(self, case):
            return {"headers": bearer}

        def after_call(self, response, case):
            self.calls.append(f"{case.method} {case.path} {response.status_code}")

    return Sequences


def test_api_sequences_conform_to_the_schema(state_machine):
    state_machine.run(
        settings=settings(
            max_examples=25,
            stateful_step_count=4,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    # The links were followed: more calls than scenarios, and some created something.
    assert len(state_machine.calls) > 15, state_machine.calls
    assert any(call.endswith(" 201") for call in state_machine.calls), state_machine.calls


def test_the_schema_describes_the_client_credentials_flow(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["oauth2"]
    flow = scheme["flows"]["clientCredentials"]
    assert flow["tokenUrl"].endswith("/o/token/")
    assert set(flow["scopes"]) == {
        "read",
        "projects:write",
        "knowledge:write",
        "stays:read",
        "webhooks",
    }
    assert list(scheme["flows"]) == ["clientCredentials"]
    # Every operation of the API names the scope a token needs for it.
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/v1/") and method in {"get", "post", "put", "patch", "delete"}:
                (requirement,) = operation["security"]
                assert set(requirement["oauth2"]) <= set(flow["scopes"]), (method, path)
                assert requirement["oauth2"], (method, path)
