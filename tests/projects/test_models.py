"""Projects' rules held by the database and the models: codes, dates, money, history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import (
    ExchangeRate,
    FundingCommitment,
    JointProject,
    next_project_code,
    reserve_project_codes,
)
from tests.projects.factories import FundingFactory, ProjectFactory, joint_project

pytestmark = pytest.mark.django_db


def test_project_gets_a_sequential_code_of_its_start_year():
    first = ProjectFactory(start_date=datetime.date(2026, 1, 10))
    second = ProjectFactory(start_date=datetime.date(2026, 5, 1))
    other_year = ProjectFactory(
        start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2026, 1, 1)
    )
    assert first.code == "CDMX-BCN-2026-0001"
    assert second.code == "CDMX-BCN-2026-0002"
    assert other_year.code == "CDMX-BCN-2025-0001"


def test_imported_codes_move_the_counter_past_them():
    reserve_project_codes(["CDMX-BCN-2024-0041", "CDMX-BCN-2024-0007"])
    assert next_project_code(2024) == "CDMX-BCN-2024-0042"


def test_database_refuses_an_end_before_the_start():
    project = ProjectFactory()
    project.end_date = project.start_date - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()
    project.refresh_from_db()
    assert project.end_date > project.start_date


def test_model_validation_explains_an_end_before_the_start():
    project = ProjectFactory.build(
        code="CDMX-BCN-2026-0099",
        start_date=datetime.date(2026, 5, 1),
        end_date=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError) as caught:
        project.full_clean()
    assert (
        "The planned end cannot be before the planned start."
        in caught.value.message_dict["end_date"]
    )


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-5.00")])
def test_funding_amount_must_be_positive(amount):
    commitment = FundingFactory.build(project=joint_project(), amount=amount)
    with pytest.raises(ValidationError) as caught:
        commitment.full_clean()
    assert "The amount must be greater than zero." in caught.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.save()
    assert FundingCommitment.objects.count() == 0


def test_funding_currency_must_be_mxn_eur_or_usd():
    commitment = FundingFactory.build(project=joint_project(), currency="GBP")
    with pytest.raises(ValidationError) as caught:
        commitment.full_clean()
    assert "currency" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.save()
    assert FundingCommitment.objects.count() == 0


def test_funding_has_exactly_one_funder(institution_cdmx):
    commitment = FundingFactory.build(project=joint_project(), funder_institution=institution_cdmx)
    with pytest.raises(ValidationError) as caught:
        commitment.full_clean()
    assert "Choose either a funding city or an institution." in caught.value.messages


def test_exchange_rate_needs_two_different_currencies():
    with pytest.raises(IntegrityError), transaction.atomic():
        ExchangeRate.objects.create(date=datetime.date(2026, 1, 1), base="EUR", quote="EUR", rate=1)


def test_every_change_of_a_project_and_its_parts_is_in_its_history():
    project = joint_project()
    project.title_ca = "Projecte conjunt"
    project.save()
    FundingFactory(project=project)
    assert project.history.count() == 2
    assert project.history.first().title_ca == "Projecte conjunt"
    assert project.participations.first().history.count() == 1
    assert FundingCommitment.history.filter(project_id=project.pk).count() == 1


def test_officials_may_change_projects_but_only_administrators_delete():
    official = set(
        Group.objects.get(name="official_cdmx").permissions.values_list("codename", flat=True)
    )
    admin = set(
        Group.objects.get(name="programme_admin").permissions.values_list("codename", flat=True)
    )
    assert {
        "view_jointproject",
        "add_jointproject",
        "change_jointproject",
        "change_milestone",
    } <= official
    assert "delete_jointproject" not in official
    assert {
        "delete_jointproject",
        "delete_fundingcommitment",
        "view_historicaljointproject",
    } <= admin
    assert (
        not Group.objects.get(name="coordinator")
        .permissions.filter(content_type__app_label="projects")
        .exists()
    )


def test_search_finds_a_project_in_the_language_of_the_query():
    project = ProjectFactory(
        title="Agua urbana", title_es="Agua urbana", title_en="Urban water management"
    )
    ProjectFactory(title="Otro", title_es="Otro", title_en="Other thing")
    assert list(JointProject.objects.search("water", "en")) == [project]
    assert list(JointProject.objects.search("aguas", "es")) == [project]  # Spanish stemming
    assert list(JointProject.objects.search("water", "es")) == []
