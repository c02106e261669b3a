"""The services that the admin's inlines now call hold their rules for every caller."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects import services
from projects.models import (
    ExchangeRate,
    Indicator,
    JointProject,
    Measurement,
    Milestone,
    Participation,
    ProjectStatus,
    TeamMember,
)
from tests.factories import InstitutionFactory
from tests.projects.factories import IndicatorFactory, MilestoneFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(institution_cdmx, institution_bcn) -> JointProject:
    return ProjectFactory(institutions=[institution_cdmx, institution_bcn])


@pytest.mark.parametrize("status", sorted(services.FINAL_STATUSES))
def test_a_closed_projects_team_milestones_and_indicators_no_longer_change(
    project, programme_admin, coordinator, institution_bcn, status
):
    milestone = MilestoneFactory(project=project)
    indicator = IndicatorFactory(project=project)
    JointProject.objects.filter(pk=project.pk).update(status=status)
    for actor in (programme_admin, coordinator):
        with pytest.raises(ValidationError, match="can no longer change"):
            services.team_member_save(
                actor=actor,
                project=project,
                name="Nueva",
                email="nueva@example.org",
                institution=institution_bcn,
                role="x",
            )
        with pytest.raises(ValidationError, match="can no longer change"):
            services.milestone_save(
                actor=actor,
                project=project,
                milestone=milestone,
                title="x",
                due_date=milestone.due_date,
            )
        with pytest.raises(ValidationError, match="can no longer change"):
            services.measurement_save(
                actor=actor,
                project=project,
                indicator=indicator,
                date=datetime.date(2026, 5, 1),
                value=Decimal(1),
            )
        with pytest.raises(ValidationError, match="can no longer change"):
            services.indicator_remove(actor=actor, project=project, indicator=indicator)
    assert not TeamMember.objects.exists() and not Measurement.objects.exists()
    assert Indicator.objects.filter(pk=indicator.pk).exists()


def test_officials_of_a_city_taking_part_keep_milestones_others_are_refused(
    project, official_bcn, institution_cdmx
):
    milestone = services.milestone_save(
        actor=official_bcn, project=project, title="Hito", due_date=datetime.date(2026, 9, 1)
    )
    assert milestone.history.get().history_user == official_bcn
    other = ProjectFactory(institutions=[institution_cdmx])
    with pytest.raises(PermissionDenied):
        services.milestone_save(
            actor=official_bcn, project=other, title="Ajeno", due_date=datetime.date(2026, 9, 1)
        )
    with pytest.raises(PermissionDenied):  # a milestone stays in its project
        services.milestone_save(
            actor=official_bcn,
            project=project,
            milestone=MilestoneFactory(project=other),
            title="Movido",
            due_date=datetime.date(2026, 9, 1),
        )
    assert list(Milestone.objects.filter(project=project)) == [milestone]


def test_an_indicator_moves_only_between_projects_the_official_may_change(
    project, official_bcn, official_cdmx, institution_cdmx, institution_bcn
):
    indicator = IndicatorFactory(project=project)
    MeasurementValue = Decimal("7")
    Measurement.objects.create(
        indicator=indicator, date=datetime.date(2026, 1, 1), value=MeasurementValue
    )
    cdmx_only = ProjectFactory(institutions=[institution_cdmx])
    values = {"name": "Movido", "unit": "u", "baseline": Decimal(0), "target": Decimal(5)}
    with pytest.raises(PermissionDenied):
        services.indicator_save(
            actor=official_bcn, project=cdmx_only, indicator=indicator, **values
        )
    indicator.refresh_from_db()
    assert indicator.project == project
    moved = services.indicator_save(
        actor=official_cdmx, project=cdmx_only, indicator=indicator, **values
    )
    assert (moved.project, moved.measurements.get().value) == (cdmx_only, MeasurementValue)


def test_a_participation_change_keeps_the_lead_and_the_officials_city(
    project, official_cdmx, official_bcn, institution_cdmx, institution_bcn, bcn
):
    lead = project.participations.get(role=Participation.Role.LEAD)
    partner = project.participations.get(role=Participation.Role.PARTNER)
    with pytest.raises(ValidationError, match="keeps its lead"):
        services.participation_update(
            actor=official_cdmx,
            project=project,
            participation=lead,
            institution=institution_cdmx,
            role=Participation.Role.PARTNER,
        )
    # On a proposal a city may be left out, but not by its own official: the project would
    # no longer be theirs to change.
    with pytest.raises(ValidationError, match="Keep at least one institution of your city"):
        services.participation_remove(actor=official_bcn, project=project, participation=partner)
    other_bcn = InstitutionFactory(party=bcn)
    services.participation_update(
        actor=official_bcn,
        project=project,
        participation=partner,
        institution=other_bcn,
        role=Participation.Role.PARTNER,
    )
    assert sorted(project.participations.values_list("institution", flat=True)) == sorted(
        [institution_cdmx.pk, other_bcn.pk]
    )


def test_project_update_refuses_a_status_or_a_code_and_a_closed_project(project, programme_admin):
    project.status = ProjectStatus.ACTIVE
    with pytest.raises(ValidationError, match="Change the status"):
        services.project_update(actor=programme_admin, project=project)
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED
    JointProject.objects.filter(pk=project.pk).update(status=ProjectStatus.CANCELLED)
    project.refresh_from_db()
    project.title_es = "Reabierto"
    with pytest.raises(ValidationError, match="can no longer change"):
        services.project_update(actor=programme_admin, project=project)


def test_only_officials_keep_exchange_rates(official_cdmx, coordinator):
    values = {
        "date": datetime.date(2026, 1, 1),
        "base": "EUR",
        "quote": "MXN",
        "value": Decimal(20),
    }
    with pytest.raises(PermissionDenied):
        services.exchange_rate_save(actor=coordinator, **values)
    rate = services.exchange_rate_save(actor=official_cdmx, **values)
    assert rate.history.get().history_user == official_cdmx
    with pytest.raises(ValidationError):  # the same day and pair twice
        services.exchange_rate_save(actor=official_cdmx, **values)
    assert ExchangeRate.objects.count() == 1
