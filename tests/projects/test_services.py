"""The project lifecycle: one table of moves, checked, atomic, timed and e-mailed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cooperation.roles import Role
from projects.models import ExchangeRate, JointProject, ProjectStatus
from projects.services import (
    allowed_transitions,
    convert,
    funding_totals,
    project_transition,
)
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(institution_cdmx, institution_bcn):
    return ProjectFactory(institutions=[institution_cdmx, institution_bcn])


def test_official_approves_a_two_city_project_and_its_coordinators_are_emailed(
    project, official_cdmx, coordinator, django_capture_on_commit_callbacks
):
    outsider = UserFactory(institution=InstitutionFactory(), roles=[Role.COORDINATOR])
    with django_capture_on_commit_callbacks(execute=True):
        project_transition(
            actor=official_cdmx, project=project, to_status=ProjectStatus.APPROVED, note="OK"
        )
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED
    event = project.timeline.get()
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        official_cdmx,
        "proposed",
        "approved",
        "OK",
    )
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert outsider.email not in mail.outbox[0].to
    assert project.code in mail.outbox[0].subject
    # Rendered in the coordinator's language (Spanish by default), with the status labels.
    assert mail.outbox[0].subject == f"Proyecto {project.code}: cambio de estado"
    assert "De: Propuesto\nA: Aprobado\nNota: OK" in mail.outbox[0].body
    assert f"/projects/{project.code}/" in mail.outbox[0].body


def test_approving_a_one_city_project_is_refused_and_changes_nothing(
    official_cdmx, institution_cdmx, django_capture_on_commit_callbacks
):
    project = ProjectFactory(institutions=[institution_cdmx, InstitutionFactory()])
    with (
        translation.override("en"),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError) as caught,
    ):
        project_transition(actor=official_cdmx, project=project, to_status=ProjectStatus.APPROVED)
    assert caught.value.messages == [
        "A project can only be approved when at least one institution of each city takes part."
    ]
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED
    assert not project.timeline.exists()
    assert mail.outbox == []


def test_refusal_is_translated_into_the_users_language(official_cdmx, institution_cdmx):
    project = ProjectFactory(institutions=[institution_cdmx])
    with translation.override("es"):
        with pytest.raises(ValidationError) as caught:
            project_transition(
                actor=official_cdmx, project=project, to_status=ProjectStatus.APPROVED
            )
        message = caught.value.messages[0]
    assert message == (
        "Un proyecto solo puede aprobarse cuando participa al menos una institución de cada ciudad."
    )


def test_a_move_outside_the_table_is_refused(project, official_cdmx):
    with pytest.raises(ValidationError) as caught:
        project_transition(actor=official_cdmx, project=project, to_status=ProjectStatus.COMPLETED)
    assert caught.value.code == "invalid_transition"
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED


def test_official_of_a_city_without_institutions_in_the_project_may_not_move_it(
    official_bcn, institution_cdmx
):
    project = ProjectFactory(institutions=[institution_cdmx])
    with pytest.raises(PermissionDenied):
        project_transition(actor=official_bcn, project=project, to_status=ProjectStatus.CANCELLED)
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED


def test_coordinator_may_start_an_approved_project_but_not_approve_it(
    project, coordinator, official_bcn
):
    assert allowed_transitions(coordinator, project) == [ProjectStatus.CANCELLED]
    with pytest.raises(PermissionDenied):
        project_transition(actor=coordinator, project=project, to_status=ProjectStatus.APPROVED)
    project_transition(actor=official_bcn, project=project, to_status=ProjectStatus.APPROVED)
    project_transition(actor=coordinator, project=project, to_status=ProjectStatus.ACTIVE)
    project.refresh_from_db()
    assert project.status == ProjectStatus.ACTIVE
    assert list(project.timeline.values_list("to_status", flat=True)) == ["approved", "active"]


def test_programme_admin_runs_the_whole_lifecycle(project, programme_admin):
    for status in ("approved", "active", "suspended", "active", "completed"):
        project_transition(actor=programme_admin, project=project, to_status=status)
    assert JointProject.objects.get(pk=project.pk).status == "completed"
    assert project.timeline.count() == 5


def test_totals_per_currency_and_conversion_state_the_rate_and_its_date(project):
    FundingFactory(project=project, amount=Decimal("1000.00"), currency="MXN")
    FundingFactory(project=project, amount=Decimal("500.00"), currency="MXN")
    FundingFactory(project=project, amount=Decimal("200.00"), currency="EUR")
    ExchangeRate.objects.create(date=datetime.date(2026, 1, 5), base="EUR", quote="MXN", rate=20)
    ExchangeRate.objects.create(
        date=datetime.date(2026, 2, 5), base="EUR", quote="MXN", rate=Decimal(25)
    )
    totals = funding_totals(
        JointProject.objects.filter(pk=project.pk), target="EUR", on=datetime.date(2026, 1, 31)
    )
    assert totals.per_currency == {"EUR": Decimal("200.00"), "MXN": Decimal("1500.00")}
    mxn = totals.conversions["MXN"]
    assert (mxn.amount, mxn.rate, mxn.rate_date) == (
        Decimal("75.00"),
        Decimal("0.05"),
        datetime.date(2026, 1, 5),
    )
    assert totals.total == Decimal("275.00")


def test_no_conversion_without_a_rate():
    assert convert(amount=Decimal(10), base="USD", quote="EUR") is None
