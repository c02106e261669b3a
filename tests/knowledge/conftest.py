"""Tests of the knowledge app read messages in English and keep documents in a temporary place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from tests.factories import UserFactory
from tests.knowledge.factories import coordinator_of


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


# The events' pages and bad paths share these.
@pytest.fixture
def organiser(institution_bcn):
    """A coordinator of the BCN institution, who organises its events."""
    return coordinator_of(institution_bcn, email="organitza@example.org")


@pytest.fixture
def person(db):
    """Someone who signs up for events, reading English."""
    return UserFactory(email="persona@example.org", language="en")
