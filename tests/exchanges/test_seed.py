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
    # Two open calls, and the two past ones of the demo's finished stays (below).
    assert len(calls) == 4
    assert len([call for call in calls if call.is_open]) == 2
    for call in calls:
        assert call.call_hosts.count() == (2 if call.is_open else 1)
        pairs = [(c.weight, c.is_social_impact) for c in call.criteria.all()]
        assert criteria_problems(pairs) == []
        # Built through the call services, as the demo administrator: the log says so.
        assert {c.actor.email for c in call.changes.all()} == {"admin@demo.cdmx-bcn.org"}
        assert call.changes.filter(what="Call created").exists()
    page = Client(HTTP_ACCEPT_LANGUAGE="ca").get("/calls/").content.decode()
    assert "Estades CDMX→BCN 2027" in page


def _stays_counts() -> dict[str, int]:
    from exchanges.models import (
        ApplicationEvent,
        Attachment,
        HostDecision,
        ResearcherProfile,
        Signature,
        Stay,
        StayApplication,
    )

    models = (
        Call,
        StayApplication,
        ApplicationEvent,
        Attachment,
        HostDecision,
        ResearcherProfile,
        Signature,
        Stay,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_adds_stay_applications_in_every_state_through_the_services_once():
    from django.utils import timezone

    from cooperation.models import User
    from exchanges.models import StayApplication
    from exchanges.workflow import TRANSITIONS

    S = StayApplication.Status
    call_command("seed_demo", stdout=StringIO())
    counts = _stays_counts()
    users = User.objects.count()
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", "--first-time", stdout=StringIO())
    call_command("seed_stays_demo", stdout=StringIO())
    assert _stays_counts() == counts
    assert User.objects.count() == users
    statuses = set(StayApplication.objects.values_list("status", flat=True))
    assert {
        S.HOST_REVIEW,
        S.HOST_ACCEPTED,
        S.HOST_DECLINED,
        S.EVALUATION,
        S.APPROVED,
        S.AWARDED,
        S.IN_PROGRESS,
        S.COMPLETED,
        S.REJECTED,
        S.WITHDRAWN,
    } <= statuses
    assert 30 <= counts["StayApplication"] <= 60  # a few dozen: `make run` stays quick
    # Hosts of both cities, and researchers from the other city, with a profile.
    assert {
        (host, home)
        for host, home in StayApplication.objects.values_list(
            "host__party__code", "researcher__researcher_profile__home_institution__party__code"
        )
    } == {("BCN", "CDMX"), ("CDMX", "BCN")}
    # Each status came by the one transition function: its timeline walks the workflow's moves.
    for application in StayApplication.objects.prefetch_related("events"):
        events = application.events.all()
        moves = [(e.from_status, e.to_status) for e in events if e.from_status != e.to_status]
        assert moves[:2] == [("", S.DRAFT), (S.DRAFT, S.SUBMITTED)]
        assert all(move in TRANSITIONS for move in moves[1:]), application.status
        assert moves[-1][1] == application.status
    # The finished stays belong to calls whose period is past; their reports were accepted.
    today = timezone.localdate()
    for application in StayApplication.objects.filter(status=S.COMPLETED).select_related(
        "call", "stay"
    ):
        assert application.call.closes_at < timezone.now()
        departed = application.stay.departed_on
        assert departed is not None and departed < today
        assert application.stay.report_accepted_at is not None
    past = Call.objects.filter(closes_at__lt=timezone.now())
    assert past.count() == 2
    for call in past.prefetch_related("changes__actor"):
        assert {c.actor.email for c in call.changes.all()} == {"admin@demo.cdmx-bcn.org"}
        assert call.changes.filter(what="Call created").exists()


def test_the_demo_fills_the_officials_dashboard_within_the_disclosure_rules():
    """Render the dashboard as a demo official with the second factor: the stays' panels show
    figures, not "<5" or "x"."""
    from cooperation.models import User
    from tests.conftest import mark_second_factor

    call_command("seed_demo", stdout=StringIO())
    official = User.objects.get(email="oficial.cdmx@demo.cdmx-bcn.org")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(official)
    mark_second_factor(client, official)
    response = client.get("/admin/reports/dashboard/")
    assert response.status_code == 200
    assert dict(response.context["key_figures"])["Researcher stays"] == "30"
    charts = {chart.id: chart for chart in response.context["charts"]}
    # Stays each way and completed ones.
    assert [values for _label, values in charts["stays"].rows] == [["15", "5"], ["15", "5"]]
    # The hosts of both cities that received researchers.
    assert [values for _label, values in charts["hosts"].rows] == [["BCN", "15"], ["CDMX", "15"]]
    # Women's participation: applicants, awardees and researchers on stays all shown.
    women = {str(label).split(">")[1].split("<")[0] if "<a" in str(label) else str(label): v
             for label, v in charts["women"].rows}  # fmt: skip
    assert women["Applicants"][3] == women["Awardees"][3] == "50.0 %"
    assert women["Awardees"][:3] == ["10", "10", "10"]
    assert women["Researchers on stays"] == ["10", "10", "10", "50.0 %"]
    page = response.content.decode()
    assert "Polytechnic University of Catalonia" in page


def test_the_stays_demo_needs_the_demo_people_and_otherwise_makes_nothing():
    from cooperation.roles import Role
    from demo.stays import stays_seed
    from tests.factories import UserFactory

    admin = UserFactory(email="admin@example.org", is_staff=True, roles=[Role.PROGRAMME_ADMIN])
    assert stays_seed(admin=admin) == 0
    assert not Call.objects.exists()
