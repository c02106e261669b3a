"""Create an OAuth2 client for a partner system and print its id and secret once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cooperation.api.clients import partner_client_create
from cooperation.models import Institution, Party


class Command(BaseCommand):
    help = "Create a partner client (OAuth2 client credentials) and print its id and secret once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="the partner system's name")
        owner = parser.add_mutually_exclusive_group(required=True)
        owner.add_argument("--institution", help="code of the institution the client acts for")
        owner.add_argument("--party", help="code of the city the client acts for (CDMX or BCN)")
        parser.add_argument(
            "--scopes", required=True, help="space- or comma-separated, e.g. 'read projects:write'"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        institution = party = None
        if options["institution"]:
            institution = Institution.objects.filter(code=options["institution"]).first()
            if institution is None:
                raise CommandError(f"No institution with the code {options['institution']!r}.")
        else:
            party = Party.objects.filter(code=options["party"]).first()
            if party is None:
                raise CommandError(f"No city with the code {options['party']!r}.")
        scopes = options["scopes"].replace(",", " ").split()
        try:
            credentials = partner_client_create(
                name=options["name"], scopes=scopes, institution=institution, party=party
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"client_id:     {credentials.client_id}")
        self.stdout.write(f"client_secret: {credentials.client_secret}")
        self.stdout.write(f"scopes:        {credentials.profile.scopes}")
        self.stdout.write("Store the secret now: it is not shown again.")
