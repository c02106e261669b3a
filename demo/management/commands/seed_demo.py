"""Create demo institutions of both cities, one user per role and a living catalogue of
projects; print every login.

Safe to run twice: rows are keyed on stable codes and e-mail addresses, existing users keep
their password and second factor, and projects (like the stay applications) are only added
while none exists.
"""

from __future__ import annotations

import os
from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cooperation.models import User
from cooperation.roles import Role
from cooperation.totp import totp_code, totp_secret
from demo.data import USERS
from demo.events import events_seed
from demo.knowledge import knowledge_seed
from demo.people import institutions_seed, users_seed
from demo.portfolio import portfolio_seed
from demo.stays import stays_seed
from exchanges.models import Call


class Command(BaseCommand):
    help = "Create demo institutions, one user per role and demo projects; print every login."

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
                institutions_seed()
                users_seed(password=password)
        # Also on a later `make run` (--first-time) of a database that has no project yet.
        with transaction.atomic():
            problems = portfolio_seed(actor=User.objects.get(email=USERS[0][0]))
        if problems:
            self.stderr.write("Demo projects not imported: " + "; ".join(problems))
        # The library of practices and a transfer under way, also only while there is none.
        with transaction.atomic():
            knowledge_seed()
        # An international seminar with registrations and a waiting list, also only once.
        with transaction.atomic():
            events_seed()
        # Two open calls for stays (one each way), also only while there is none.
        if not Call.objects.exists():
            call_command("seed_stays_demo", stdout=self.stdout)
        # Researchers and their applications in every state (and two past calls whose stays
        # are finished or under way), so the officials' panels show figures; also only once.
        with transaction.atomic():
            made = stays_seed(admin=User.objects.get(email=USERS[0][0]))
        if made:
            self.stdout.write(f"Demo stay applications: {made}")
        self._print_logins(password)

    def _print_logins(self, password: str) -> None:
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {password})"))
        for email, _first, _last, role, _city, _inst in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                continue
            out.write(f"  {email:<38} {Role(role).label}")
            if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                secret = totp_secret(user)
                out.write(
                    f"  {'':<38} second factor: TOTP secret {secret} "
                    f"(code now {totp_code(secret)}; `make totp EMAIL={email}` gives "
                    "a fresh one)"
                )
