"""Demo institutions of both cities and one account per role, staff with a TOTP second factor.

Institutions and accounts have no service of their own: an administrator writes them in the
admin, whose forms validate every field first. The seed does the same with ``full_clean``, so
that demo rows meet the rules of real ones (a ROR identifier's check digits, for example).
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group

from cooperation.models import Institution, Party, User
from cooperation.roles import STAFF_ROLES, Role
from cooperation.totp import totp_enable
from demo.data import INSTITUTIONS, USERS


def institutions_seed() -> None:
    """Create the demo institutions, or bring them back to the demo's values."""
    parties = {party.code: party for party in Party.objects.all()}
    for code, acronym, kind, city, ecos, website, ror, names in INSTITUTIONS:
        institution = Institution.objects.filter(code=code).first() or Institution(code=code)
        values = {
            "acronym": acronym,
            "kind": kind,
            "party": parties[city],
            "ecos_member": ecos,
            "website": website,
            "ror_id": ror,
            "name": names[0],
            "name_es": names[0],
            "name_ca": names[1],
            "name_en": names[2],
        }
        for field, value in values.items():
            setattr(institution, field, value)
        institution.full_clean()
        institution.save()


def users_seed(*, password: str) -> None:
    """Create one verified account per role; existing ones keep their password and factor."""
    parties = {party.code: party for party in Party.objects.all()}
    institutions = {i.code: i for i in Institution.objects.all()}
    for email, first, last, role, city, institution in USERS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "is_staff": role in STAFF_ROLES,
                "party": parties.get(city) if city else None,
                "institution": institutions.get(institution) if institution else None,
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if (
            role in STAFF_ROLES
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            totp_enable(user=user)


def demo_admin() -> User | None:
    """Return the programme administrator who builds the rest of the demo, if there is one."""
    admins = User.objects.filter(groups__name=Role.PROGRAMME_ADMIN, is_active=True)
    return admins.order_by("pk").first()
