"""The portal's roles and the object scope each one implies.

A role is a Django group whose name is the role's code; the groups and their model permissions
are created by the migration ``cooperation/migrations/0003_roles.py``. Model permissions say what
kind of object a role may touch; the functions here add the per-object scope (an official's
city, a coordinator's institution).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

# The roles themselves are data of the programme, beside the users (``cooperation.models``);
# the people holding one are read there too (``User.objects.officials()``...).
from cooperation.models import OFFICIAL_ROLES, STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cooperation.models import Institution, User

__all__ = [
    "OFFICIAL_ROLES",
    "SECOND_FACTOR_ATTRIBUTE",
    "STAFF_ROLES",
    "Role",
    "can_change_institution",
    "coordinated_institution_id",
    "has_staff_role",
    "is_official",
    "is_programme_admin",
    "official_party_id",
]


def _is_person(user: User | AnonymousUser) -> TypeGuard[User]:
    # A partner system's account (cooperation.api.clients) acts as a coordinator of its
    # institution at most: whatever groups it is given, it never holds a city's or the
    # programme's powers, which call for a person with a second factor.
    return bool(
        user.is_authenticated and user.is_active and not getattr(user, "is_partner_account", False)
    )


# Set on the request's user by cooperation.access.SecondFactorMiddleware: whether the session
# passed the second factor. A user loaded outside a request (a task, a command, a test calling
# a service) carries no mark and acts with its roles.
SECOND_FACTOR_ATTRIBUTE = "second_factor_passed"


def _unlocked(user: User | AnonymousUser) -> bool:
    return bool(getattr(user, SECOND_FACTOR_ATTRIBUTE, True))


def has_staff_role(user: User | AnonymousUser) -> bool:
    """Tell whether the user is an official or an administrator, second factor or not.

    Only the gates that send staff to the second factor ask this; every right asks
    ``is_official`` or ``is_programme_admin``, which also need the second factor.
    """
    return _is_person(user) and bool(user.is_superuser or user.has_role(*STAFF_ROLES))


def is_programme_admin(user: User | AnonymousUser) -> bool:
    """An administrator, in a session that passed the second factor (or outside a request)."""
    return (
        _is_person(user)
        and _unlocked(user)
        and bool(user.is_superuser or user.has_role(Role.PROGRAMME_ADMIN))
    )


def is_official(user: User | AnonymousUser) -> bool:
    """An official of either city, in a session that passed the second factor (or outside a
    request): a password alone gives nobody a city's powers."""
    return _is_person(user) and _unlocked(user) and user.has_role(*OFFICIAL_ROLES)


def official_party_id(user: User | AnonymousUser) -> int | None:
    """Return the id of the city an official acts for, or None for anybody else."""
    if not is_official(user):
        return None
    return user.party_id  # type: ignore[union-attr]


def coordinated_institution_id(user: User | AnonymousUser) -> int | None:
    """Return the institution the user coordinates, or None.

    A partner system's account acts as a coordinator of its client's institution (it is made
    one, ``cooperation.api.clients``), so its groups are not read: the API's lists stay one
    query. A person coordinates only with the coordinator role: a researcher's or a
    reviewer's institution gives them no rights over it.
    """
    if not (user.is_authenticated and user.is_active):
        return None
    institution_id: int | None = getattr(user, "institution_id", None)
    if institution_id is None:
        return None
    if getattr(user, "is_partner_account", False) or user.has_role(Role.COORDINATOR):
        return institution_id
    return None


def can_change_institution(user: User | AnonymousUser, institution: Institution | None) -> bool:
    """Administrators change every institution; an official only those of their own city."""
    if is_programme_admin(user):
        return True
    party_id = official_party_id(user)
    if party_id is None:
        return False
    return institution is None or institution.party_id == party_id
