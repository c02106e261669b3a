"""`manage.py seed_stays_demo` creates two valid demo calls, safely twice."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from exchanges.models import Call, criteria_problems

pytestmark = pytest.mark.django_db


def test_seed_stays_demo_creates_two_valid_open_calls_through_the_services_safely_twice():
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_stays_demo", stdout=StringIO())
    call_command("seed_stays_demo", stdout=StringIO())
    calls = list(Call.objects.prefetch_related("criteria", "call_hosts", "changes__actor"))
    assert len(calls) == 2
    for call in calls:
        assert call.is_open
        assert call.call_hosts.count() == 2
        pairs = [(c.weight, c.is_social_impact) for c in call.criteria.all()]
        assert criteria_problems(pairs) == []
        # Built through the call services, as the demo administrator: the log says so.
        assert {c.actor.email for c in call.changes.all()} == {"admin@demo.cdmx-bcn.org"}
        assert call.changes.filter(what="Call created").exists()
    page = Client(HTTP_ACCEPT_LANGUAGE="ca").get("/calls/").content.decode()
    assert "Estades CDMX→BCN 2027" in page
