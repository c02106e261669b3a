"""factory_boy factories for joint projects and their parts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from cooperation.models import Party, StrategicArea
from projects.models import (
    FundingCommitment,
    Indicator,
    JointProject,
    Milestone,
    Participation,
    TeamMember,
)
from tests.factories import InstitutionFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointProject
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Proyecto conjunto {n}")
    title_es = factory.SelfAttribute("title")
    summary = "Resumen del proyecto."
    summary_es = factory.SelfAttribute("summary")
    primary_area = factory.LazyFunction(lambda: StrategicArea.objects.order_by("number").first())
    start_date = datetime.date(2026, 3, 1)
    end_date = datetime.date(2027, 12, 31)
    public = True

    @factory.post_generation
    def institutions(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        """Attach institutions: the first one leads, the others are partners."""
        if not create or not extracted:
            return
        for index, institution in enumerate(extracted):
            Participation.objects.create(
                project=self,
                institution=institution,
                role=Participation.Role.LEAD if index == 0 else Participation.Role.PARTNER,
            )


def joint_project(**kwargs) -> JointProject:
    """Return a project with one new institution of each city."""
    cdmx = InstitutionFactory(party=Party.objects.get(code="CDMX"))
    bcn = InstitutionFactory(party=Party.objects.get(code="BCN"))
    return ProjectFactory(institutions=[cdmx, bcn], **kwargs)


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingCommitment

    project = factory.SubFactory(ProjectFactory)
    funder_party = factory.LazyFunction(lambda: Party.objects.get(code="CDMX"))
    amount = Decimal("1000.00")
    currency = "MXN"
    year = 2026


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Hito {n}")
    due_date = datetime.date(2026, 6, 30)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    name = "Personas formadas"
    unit = "personas"
    baseline = Decimal(0)
    target = Decimal(100)


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    project = factory.SubFactory(ProjectFactory)
    name = "Laura Gómez"
    email = factory.Sequence(lambda n: f"team{n}@example.org")
    institution = factory.SubFactory(InstitutionFactory)
    role = "Investigadora principal"
