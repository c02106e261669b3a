"""The people of a role are read in one place: ``User.objects.officials()`` and its siblings."""

from __future__ import annotations

import pytest

from cooperation.models import User
from cooperation.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_officials_are_the_active_officials_of_both_cities_each_once(
    official_cdmx, official_bcn, coordinator, programme_admin, cdmx
):
    both = UserFactory(party=cdmx, roles=[Role.OFFICIAL_CDMX, Role.OFFICIAL_BCN])
    UserFactory(party=cdmx, roles=[Role.OFFICIAL_CDMX], is_active=False)
    assert list(User.objects.officials()) == sorted(
        [official_cdmx, official_bcn, both], key=lambda user: user.email
    )


def test_officials_narrow_like_any_queryset(official_cdmx, official_bcn, cdmx):
    assert list(User.objects.officials().filter(party=cdmx)) == [official_cdmx]
    assert list(User.objects.filter(party=cdmx).officials()) == [official_cdmx]


def test_coordinators_and_reviewers_are_the_active_people_of_their_role(
    coordinator, reviewer, researcher, institution_bcn
):
    UserFactory(institution=institution_bcn, roles=[Role.COORDINATOR], is_active=False)
    assert list(User.objects.coordinators()) == [coordinator]
    assert list(User.objects.reviewers()) == [reviewer]
    assert list(User.objects.with_role(Role.REVIEWER, Role.RESEARCHER)) == sorted(
        [reviewer, researcher], key=lambda user: user.email
    )


def test_reading_the_officials_is_one_query(official_cdmx, official_bcn, django_assert_num_queries):
    # One query: the active users in an official's group, DISTINCT.
    with django_assert_num_queries(1):
        assert len(list(User.objects.officials())) == 2
