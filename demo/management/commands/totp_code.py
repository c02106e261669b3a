"""Print the current TOTP code of a user whose second factor is set up (for demo logins)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cooperation.models import User
from cooperation.totp import totp_code, totp_secret


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo user (their authenticator app's code)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("totp_code only works with DEBUG on (local demo runs).")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        try:
            self.stdout.write(totp_code(totp_secret(user)))
        except Authenticator.DoesNotExist:
            raise CommandError(f"{email} has no TOTP second factor set up.") from None
