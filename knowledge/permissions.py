"""Who may do what with practices and transfers.

A practice belongs to its institution: that institution's coordinators propose and keep it;
the officials of its city (and administrators) review, publish or return it, and may correct
it. A transfer belongs to the adopting institution, of the other city: its coordinators and
the officials of that city keep it. Officials of both cities read everything.

An event belongs to its organising institution: administrators, the officials of the event's
city, the institution's coordinators and the people named as its organisers manage it (its
details, its places, its attendance); it is held where its organiser may organise it
(``can_organise_in``), when created and when moved. A registration belongs to its registrant
alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cooperation.roles import coordinated_institution_id, is_programme_admin, official_party_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import Institution, User
    from knowledge.models import Event, Practice, Registration, Transfer


def is_practice_coordinator(user: User | AnonymousUser, institution_id: int) -> bool:
    """A coordinator (or their partner system's client) of the institution."""
    return coordinated_institution_id(user) == institution_id


def can_review_practice(user: User | AnonymousUser, practice: Practice) -> bool:
    """Administrators; officials of the practice's city of origin."""
    if is_programme_admin(user):
        return True
    party_id = official_party_id(user)
    return party_id is not None and party_id == practice.origin_id


def can_add_practice(user: User | AnonymousUser, institution: Institution) -> bool:
    """Administrators; officials of the institution's city; the institution's coordinators."""
    if is_programme_admin(user):
        return True
    party_id = official_party_id(user)
    if party_id is not None:
        return party_id == institution.party_id
    return is_practice_coordinator(user, institution.pk)


def can_edit_practice(user: User | AnonymousUser, practice: Practice) -> bool:
    """Those who review it, and the coordinators of its institution."""
    return can_review_practice(user, practice) or is_practice_coordinator(
        user, practice.institution_id
    )


def can_delete_practice(user: User | AnonymousUser, practice: Practice) -> bool:
    """A practice never published may be deleted by those who may edit it."""
    return practice.published_at is None and can_edit_practice(user, practice)


def can_keep_transfer(user: User | AnonymousUser, institution: Institution) -> bool:
    """Record or follow a transfer to ``institution``: administrators, officials of its city,
    its coordinators."""
    if is_programme_admin(user):
        return True
    party_id = official_party_id(user)
    if party_id is not None:
        return party_id == institution.party_id
    return is_practice_coordinator(user, institution.pk)


def can_change_transfer(user: User | AnonymousUser, transfer: Transfer) -> bool:
    return can_keep_transfer(user, transfer.institution)


def can_organise_at(user: User | AnonymousUser, institution: Institution) -> bool:
    """Create an event of ``institution``: administrators, officials of its city, its
    coordinators."""
    return can_keep_transfer(user, institution)


def can_organise_in(user: User | AnonymousUser, institution: Institution, city_id: int) -> bool:
    """Hold an event of ``institution`` in the city ``city_id``: those who may organise at the
    institution (``can_organise_at``), an official only in their own city.

    An official's reach over events is their city (``can_manage_event``): held in the other
    city, the event would leave it. A coordinator's is their institution, wherever it holds
    the event. Being named an organiser gives no power to move an event.
    """
    if not can_organise_at(user, institution):
        return False
    if is_programme_admin(user):
        return True
    party_id = official_party_id(user)
    return party_id is None or party_id == city_id


def can_manage_event(user: User | AnonymousUser, event: Event) -> bool:
    """Administrators; officials of the event's city; coordinators of its institution; its
    organisers."""
    if is_programme_admin(user):
        return True
    party_id = official_party_id(user)
    if party_id is not None and party_id == event.city_id:
        return True
    if is_practice_coordinator(user, event.institution_id):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return event.organisers.filter(pk=user.pk).exists()


def is_registrant(user: User | AnonymousUser, registration: Registration) -> bool:
    """Only the person registered acts on a registration."""
    return bool(getattr(user, "is_authenticated", False)) and registration.person_id == user.pk
