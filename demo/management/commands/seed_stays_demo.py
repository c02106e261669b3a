"""Create two demo calls for researcher stays (one each way) on the demo institutions.

Run after ``seed_demo``. Safe to run twice: calls are keyed on their Spanish title. Everything
is written through ``exchanges.services`` (terms, hosts, criteria), as an official would.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.calls import calls_seed
from demo.people import demo_admin


class Command(BaseCommand):
    help = "Create demo calls for researcher stays, through the call services as an official would."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo administrator creates the calls, as a person would in the admin.
        actor = demo_admin()
        if actor is None:
            raise CommandError("No programme administrator: run seed_demo first.")
        with transaction.atomic():
            for title, created in calls_seed(actor=actor):
                self.stdout.write(f"{'created' if created else 'kept'}: {title}")
