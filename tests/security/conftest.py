"""Fixtures of the security tests: the stays workflow's applications, and staff without TOTP."""

from __future__ import annotations

import pytest

from cooperation.models import User
from cooperation.roles import Role
from tests.exchanges.conftest import (  # noqa: F401  (fixtures, re-exported for these tests)
    _english,
    _private_media,
    call,
    draft,
    in_evaluation,
    new_researcher,
    profiled_researcher,
    submitted,
)
from tests.factories import UserFactory


@pytest.fixture
def official_without_totp(cdmx) -> User:
    """An official of Mexico City who has not enrolled an authenticator yet."""
    return UserFactory(
        email="sin.totp@example.org", is_staff=True, party=cdmx, roles=[Role.OFFICIAL_CDMX]
    )


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:
    # These tests make many people and sign in often; a password hashed a million times each
    # would dominate their run. Client secrets keep their own hasher (tested for its cost).
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "cooperation.api.hashers.ClientSecretHasher",
    ]


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"
