"""`manage.py seed_demo` creates real institutions and one user per role, safely twice."""

from __future__ import annotations

import itertools
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from django.test import Client

from cooperation.models import Institution, User
from cooperation.roles import Role
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    # The demo's stay applications carry their documents.
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_is_safe_to_run_twice():
    from exchanges.models import Call, StayApplication

    def counts() -> tuple[int, ...]:
        return (
            Institution.objects.count(),
            User.objects.count(),
            Authenticator.objects.count(),
            Call.objects.count(),
            StayApplication.objects.count(),
        )

    first = _seed()
    before = counts()
    second = _seed()
    assert counts() == before
    assert before[-1] > 0  # the demo has stay applications
    assert first.count("TOTP secret") == second.count("TOTP secret") == 3


def test_seed_demo_creates_real_institutions_of_both_cities():
    _seed()
    codes = set(Institution.objects.values_list("code", flat=True))
    assert {"UNAM", "IPN", "UAM", "URC", "UB", "UPC", "UAB", "UPF", "BSC"} <= codes
    assert Institution.objects.get(code="UNAM").party.code == "CDMX"
    assert Institution.objects.get(code="BSC").party.code == "BCN"
    assert Institution.objects.get(code="UB").name_ca == "Universitat de Barcelona"


def test_seed_demo_prints_every_login_and_the_second_factor():
    output = _seed()
    for role in Role:
        users = User.objects.filter(groups__name=role.value)
        assert users.exists(), role
        # The demo's other researchers only fill the figures: they have no password.
        for user in users.exclude(password__startswith="!"):
            assert user.email in output
    assert output.count("TOTP secret") == 3  # administrator and the two officials


def test_a_demo_official_signs_in_with_the_printed_password_and_totp():
    _seed()
    official = User.objects.get(email="oficial.bcn@demo.cdmx-bcn.org")
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": official.email, "password": "demo-portal-2026"}
    )
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(official)})
    assert client.get("/admin/").status_code == 200


def _project_counts() -> dict[str, int]:
    from projects.models import (
        ExchangeRate,
        FundingCommitment,
        Indicator,
        JointProject,
        Measurement,
        Milestone,
        Participation,
        ProjectEvent,
        TeamMember,
    )

    models = (
        JointProject,
        Participation,
        FundingCommitment,
        Milestone,
        Indicator,
        Measurement,
        TeamMember,
        ExchangeRate,
        ProjectEvent,
    )
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_imports_a_living_catalogue_and_a_second_run_adds_nothing():
    from django.utils import timezone

    from projects.models import JointProject, Milestone
    from projects.services import funding_totals

    _seed()
    counts = _project_counts()
    _seed()
    call_command("seed_demo", "--first-time", stdout=StringIO())
    assert _project_counts() == counts
    assert counts["JointProject"] == 3  # the documented sample file, imported as is
    assert counts["Measurement"] >= 5
    assert counts["ExchangeRate"] == 2
    # Each demo coordinator's institution takes part in the active project.
    for email in ("coordinacion.upc@demo.cdmx-bcn.org", "coordinacion.unam@demo.cdmx-bcn.org"):
        coordinator = User.objects.get(email=email)
        codes = set(
            JointProject.objects.for_institution(coordinator.institution_id).values_list(
                "code", flat=True
            )
        )
        assert "CDMX-BCN-2021-0003" in codes
    today = timezone.localdate()
    late = [m for m in Milestone.objects.all() if m.is_late(today)]
    assert [m.project.code for m in late] == ["CDMX-BCN-2021-0003"]
    assert Milestone.objects.filter(status=Milestone.Status.DONE).count() >= 5
    # Totals convert MXN into EUR at the rate kept by the seed.
    totals = funding_totals(JointProject.objects.all(), target="EUR")
    assert set(totals.per_currency) == {"EUR", "MXN"}
    assert totals.total is not None and totals.total > totals.per_currency["EUR"]


def test_seed_demo_writes_through_the_services_and_every_status_has_its_timeline_row():
    from projects.models import FundingCommitment, JointProject, Milestone

    _seed()
    admin = User.objects.get(email="admin@demo.cdmx-bcn.org")
    for project in JointProject.objects.all():
        steps = list(project.timeline.order_by("at", "pk").values_list("from_status", "to_status"))
        assert steps[0][0] == "" and steps[-1][1] == project.status, (project.code, steps)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(steps)), steps
    # The sample's completed projects received their parts while active, then were completed
    # through the lifecycle: a closed project's parts no longer change.
    completed = JointProject.objects.get(code="CDMX-BCN-2019-0001")
    assert list(completed.timeline.values_list("to_status", flat=True)) == ["active", "completed"]
    for model in (FundingCommitment, Milestone):
        assert {h.history_user for h in model.history.all()} == {admin}


def test_seed_demo_leaves_an_existing_portfolio_alone():
    from projects.models import JointProject
    from tests.projects.factories import ProjectFactory

    ProjectFactory(title="Proyecto real")
    _seed()
    assert list(JointProject.objects.values_list("title", flat=True)) == ["Proyecto real"]


def test_seed_demo_opens_two_demo_calls_once():
    from exchanges.models import Call

    _seed()
    _seed()
    # Besides two past calls (one each way) whose stays are finished or under way.
    opened = [c for c in Call.objects.all() if c.is_open]
    assert len(opened) == 2
    assert {c.direction for c in opened} == {"cdmx_bcn", "bcn_cdmx"}
    assert Call.objects.count() == 4


def test_seed_demo_imports_the_sample_file_as_the_import_command_does():
    from projects.imports import STORAGE_FOLDER, import_storage
    from projects.models import ProjectImport

    _seed()
    run = ProjectImport.objects.get()
    assert run.state == ProjectImport.State.SUCCEEDED
    assert run.requested_by.email == "admin@demo.cdmx-bcn.org"
    assert (run.original_name, run.imported) == ("historical-projects.csv", 3)
    # The checked file is gone once imported, as after any import.
    assert not import_storage.exists(f"{STORAGE_FOLDER}/{run.file_name}")


def test_totp_code_prints_the_code_of_a_demo_login(settings):
    from django.core.management.base import CommandError

    _seed()
    official = User.objects.get(email="oficial.cdmx@demo.cdmx-bcn.org")
    settings.DEBUG = True
    out = StringIO()
    before = totp_code(official)
    call_command("totp_code", official.email, stdout=out)
    # (The code may turn over between the two readings.)
    assert out.getvalue().strip() in {before, totp_code(official)}
    with pytest.raises(CommandError, match="no TOTP second factor"):
        call_command("totp_code", "revisora@demo.cdmx-bcn.org", stdout=StringIO())
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("totp_code", official.email, stdout=StringIO())


def test_a_sample_file_that_does_not_import_is_reported_and_adds_no_project(tmp_path, monkeypatch):
    from demo import portfolio
    from projects.models import JointProject

    sample = portfolio.SAMPLE_PROJECTS.read_text(encoding="utf-8").splitlines()
    broken = tmp_path / "historical-projects.csv"
    # The second row names a strategic area that does not exist.
    bad_row = sample[1].replace(",URBAN_WATER,", ",NO_SUCH_AREA,", 1)
    broken.write_text("\n".join([sample[0], bad_row]))
    assert broken.read_text() != "\n".join(sample[:2])
    monkeypatch.setattr(portfolio, "SAMPLE_PROJECTS", broken)
    errors = StringIO()
    call_command("seed_demo", stdout=StringIO(), stderr=errors)
    assert "Demo projects not imported: " in errors.getvalue()
    assert "line 2" in errors.getvalue()
    assert not JointProject.objects.exists()


def test_seed_demo_adds_the_mous_practices_and_a_transfer_under_way_once(settings, tmp_path):
    from knowledge.models import Practice, Transfer

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _seed()
    _seed()
    assert Practice.objects.published().count() == Practice.objects.count() == 3
    assert set(Practice.objects.values_list("primary_area__code", flat=True)) == {
        "OPEN_SCIENCE",
        "STEAM_EDUCATION",
        "INCLUSIVE_EDUCATION",
    }
    transfer = Transfer.objects.get()
    assert (transfer.stage, transfer.public, transfer.institution.code) == ("pilot", True, "UNAM")
    assert transfer.practice.origin.code == "BCN"
    assert list(transfer.timeline.values_list("to_status", flat=True)) == [
        "interest",
        "planning",
        "pilot",
    ]


def test_seed_demo_adds_one_event_with_registrations_and_a_waiting_list_once(settings, tmp_path):
    from knowledge.models import Event, Registration

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    _seed()
    _seed()
    event = Event.objects.get()
    assert (event.status, event.places, event.city.code) == ("published", 2, "BCN")
    assert set(event.areas.values_list("number", flat=True)) == {2, 8}
    statuses = list(
        Registration.objects.filter(event=event).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "confirmed", "waiting"]
