"""Create demo institutions of both cities and one user per role; print every login.

Safe to run twice: rows are keyed on stable codes and e-mail addresses, and existing users keep
their password and second factor.
"""

from __future__ import annotations

import os
import time
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from cooperation.models import Institution, Party, User
from cooperation.roles import STAFF_ROLES, Role

K = Institution.Kind
# (code, acronym, kind, city, ECOS member, website, ROR id, names es/ca/en)
INSTITUTIONS: list[tuple[str, str, str, str, bool, str, str, tuple[str, str, str]]] = [
    (
        "UNAM",
        "UNAM",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.unam.mx",
        "01tmp8f25",
        (
            "Universidad Nacional Autónoma de México",
            "Universitat Nacional Autònoma de Mèxic",
            "National Autonomous University of Mexico",
        ),
    ),
    (
        "IPN",
        "IPN",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.ipn.mx",
        "059sp8j34",
        (
            "Instituto Politécnico Nacional",
            "Institut Politècnic Nacional",
            "National Polytechnic Institute",
        ),
    ),
    (
        "UAM",
        "UAM",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.uam.mx",
        "02kta5139",
        (
            "Universidad Autónoma Metropolitana",
            "Universitat Autònoma Metropolitana",
            "Metropolitan Autonomous University",
        ),
    ),
    (
        "URC",
        "URC",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.rcastellanos.cdmx.gob.mx",
        "",
        (
            "Universidad Rosario Castellanos",
            "Universitat Rosario Castellanos",
            "Rosario Castellanos University",
        ),
    ),
    (
        "UACM",
        "UACM",
        K.UNIVERSITY,
        "CDMX",
        False,
        "https://www.uacm.edu.mx",
        "",
        (
            "Universidad Autónoma de la Ciudad de México",
            "Universitat Autònoma de la Ciutat de Mèxic",
            "Autonomous University of Mexico City",
        ),
    ),
    (
        "CINVESTAV",
        "Cinvestav",
        K.RESEARCH_CENTRE,
        "CDMX",
        True,
        "https://www.cinvestav.mx",
        "",
        (
            "Centro de Investigación y de Estudios Avanzados del IPN",
            "Centre de Recerca i d'Estudis Avançats de l'IPN",
            "Center for Research and Advanced Studies of the IPN",
        ),
    ),
    (
        "UB",
        "UB",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.ub.edu",
        "021018s57",
        ("Universidad de Barcelona", "Universitat de Barcelona", "University of Barcelona"),
    ),
    (
        "UPC",
        "UPC",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.upc.edu",
        "03mb6wj31",
        (
            "Universidad Politécnica de Cataluña",
            "Universitat Politècnica de Catalunya",
            "Polytechnic University of Catalonia",
        ),
    ),
    (
        "UAB",
        "UAB",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.uab.cat",
        "052g8jq94",
        (
            "Universidad Autónoma de Barcelona",
            "Universitat Autònoma de Barcelona",
            "Autonomous University of Barcelona",
        ),
    ),
    (
        "UPF",
        "UPF",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.upf.edu",
        "04n0g0b29",
        ("Universidad Pompeu Fabra", "Universitat Pompeu Fabra", "Pompeu Fabra University"),
    ),
    (
        "BSC",
        "BSC-CNS",
        K.RESEARCH_CENTRE,
        "BCN",
        False,
        "https://www.bsc.es",
        "05sd8tv96",
        (
            "Barcelona Supercomputing Center",
            "Barcelona Supercomputing Center",
            "Barcelona Supercomputing Center",
        ),
    ),
    (
        "BCN-ACTIVA",
        "",
        K.INCUBATOR,
        "BCN",
        False,
        "https://www.barcelonactiva.cat",
        "",
        ("Barcelona Activa", "Barcelona Activa", "Barcelona Activa"),
    ),
]

# (e-mail, first name, last name, role, city, institution code)
USERS: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("admin@demo.cdmx-bcn.org", "Ada", "Admin", Role.PROGRAMME_ADMIN, None, None),
    ("oficial.cdmx@demo.cdmx-bcn.org", "Citlali", "Hernández", Role.OFFICIAL_CDMX, "CDMX", None),
    ("oficial.bcn@demo.cdmx-bcn.org", "Montserrat", "Puig", Role.OFFICIAL_BCN, "BCN", None),
    ("coordinacion.upc@demo.cdmx-bcn.org", "Jordi", "Vidal", Role.COORDINATOR, None, "UPC"),
    ("coordinacion.unam@demo.cdmx-bcn.org", "Mariana", "López", Role.COORDINATOR, None, "UNAM"),
    ("revisora@demo.cdmx-bcn.org", "Elena", "Ruiz", Role.REVIEWER, None, None),
    ("investigadora@demo.cdmx-bcn.org", "Ximena", "García", Role.RESEARCHER, None, "UNAM"),
]


def current_totp_code(user: User) -> str:
    """Return the code an authenticator app shows now for the user's TOTP secret."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


class Command(BaseCommand):
    help = "Create demo institutions and one user per role, and print every login."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--first-time",
            action="store_true",
            help="Only create data when no demo user exists yet; always print the logins.",
        )

    def handle(self, *args: Any, first_time: bool = False, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD", "demo-portal-2026")
        if not (first_time and User.objects.filter(email=USERS[0][0]).exists()):
            with transaction.atomic():
                self._institutions()
                self._users(password)
        self._print_logins(password)

    def _institutions(self) -> None:
        parties = {party.code: party for party in Party.objects.all()}
        for code, acronym, kind, city, ecos, website, ror, names in INSTITUTIONS:
            defaults = {
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
            Institution.objects.update_or_create(code=code, defaults=defaults)

    def _users(self, password: str) -> None:
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
                and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists()
            ):
                TOTP.activate(user, generate_totp_secret())

    def _print_logins(self, password: str) -> None:
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {password})"))
        for email, _first, _last, role, _city, _inst in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                continue
            out.write(f"  {email:<38} {Role(role).label}")
            authenticator = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).first()
            if authenticator is not None:
                secret = decrypt(authenticator.data["secret"])
                out.write(
                    f"  {'':<38} second factor: TOTP secret {secret} "
                    f"(code now {current_totp_code(user)}; `make totp EMAIL={email}` gives "
                    "a fresh one)"
                )
