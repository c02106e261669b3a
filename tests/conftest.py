"""Shared fixtures: one user per role, and clients signed in with or without a second factor."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.test import Client

from cooperation import totp
from cooperation.models import Institution, Party, User
from cooperation.roles import Role
from tests.factories import InstitutionFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    # The cache is the real Redis: rate-limit counters and used TOTP codes must not leak
    # from one test into the next.
    cache.clear()
    # Nor the bearer tokens a process keeps (their rows go with each test's transaction).
    from cooperation.api import scopes

    scopes._kept.clear()


@pytest.fixture(autouse=True)
def _eager_celery(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True


@pytest.fixture
def cdmx(db) -> Party:
    return Party.objects.get(code="CDMX")


@pytest.fixture
def bcn(db) -> Party:
    return Party.objects.get(code="BCN")


@pytest.fixture
def institution_cdmx(cdmx) -> Institution:
    return InstitutionFactory(code="TEST-UNAM", name="Universidad de Prueba CDMX", party=cdmx)


@pytest.fixture
def institution_bcn(bcn) -> Institution:
    return InstitutionFactory(code="TEST-UPC", name="Universitat de Prova BCN", party=bcn)


def totp_code(user: User) -> str:
    """Return the code the user's authenticator app shows right now."""
    return totp.totp_code(totp.totp_secret(user))


def _with_totp(user: User) -> User:
    totp.totp_enable(user=user)
    return user


@pytest.fixture
def programme_admin(db) -> User:
    return _with_totp(
        UserFactory(email="admin@example.org", is_staff=True, roles=[Role.PROGRAMME_ADMIN])
    )


@pytest.fixture
def official_cdmx(cdmx) -> User:
    return _with_totp(
        UserFactory(
            email="oficial.cdmx@example.org",
            is_staff=True,
            party=cdmx,
            roles=[Role.OFFICIAL_CDMX],
        )
    )


@pytest.fixture
def official_bcn(bcn) -> User:
    return _with_totp(
        UserFactory(
            email="oficial.bcn@example.org", is_staff=True, party=bcn, roles=[Role.OFFICIAL_BCN]
        )
    )


@pytest.fixture
def coordinator(institution_bcn) -> User:
    return UserFactory(
        email="coordinacion@example.org", institution=institution_bcn, roles=[Role.COORDINATOR]
    )


@pytest.fixture
def reviewer(db) -> User:
    return UserFactory(email="revisora@example.org", roles=[Role.REVIEWER])


@pytest.fixture
def researcher(db) -> User:
    return UserFactory(email="investigadora@example.org", roles=[Role.RESEARCHER])


def mark_second_factor(client: Client, user: User) -> None:
    """Record in the client's session that the user passed password and TOTP, as allauth does."""
    session = client.session
    now = time.time()
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp", "id": 1},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture
def login() -> Callable[..., Client]:
    """Return a function that gives a client signed in as a user (with the second factor)."""

    def _login(user: User, *, second_factor: bool = True, language: str = "en") -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user)
        if second_factor:
            mark_second_factor(client, user)
        return client

    return _login
