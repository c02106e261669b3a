"""A programme with public and private projects, named people and imperfect data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest

from cooperation.models import Axis, Party
from exchanges.models import ResearcherProfile, StayApplication
from opendata.models import Release
from opendata.services import release_execute, release_request
from projects.models import Participation
from tests.exchanges.factories import CallFactory, add_host
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, ProjectFactory, TeamMemberFactory


@dataclass
class Programme:
    public: list = field(default_factory=list)
    private: list = field(default_factory=list)
    people: list[str] = field(default_factory=list)  # names, e-mails and ORCIDs


@pytest.fixture(autouse=True)
def opendata_root(settings, tmp_path):
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    settings.SITE_URL = "http://testserver"
    return settings.OPENDATA_ROOT


@pytest.fixture
def programme(db) -> Programme:
    cdmx, bcn = Party.objects.get(code="CDMX"), Party.objects.get(code="BCN")
    unam = InstitutionFactory(code="OD-UNAM", name="Universidad Abierta CDMX", party=cdmx)
    upc = InstitutionFactory(code="OD-UPC", name="Universitat Oberta BCN", party=bcn)
    found = Programme()
    complete = ProjectFactory(
        title_es="Agua para la ciudad",
        title_ca="Aigua per a la ciutat",
        title_en="Water for the city",
        summary_ca="Resum.",
        summary_en="Summary.",
        institutions=[unam, upc],
    )
    complete.axes.add(Axis.objects.order_by("number").first())
    FundingFactory(project=complete, funder_party=cdmx, amount="2500.00", currency="MXN")
    FundingFactory(project=complete, funder_party=None, funder_institution=upc, currency="EUR")
    # No lead institution, and no Catalan or English texts: completed, and said.
    leaderless = ProjectFactory(title_es="Movilidad sin líder", institutions=[])
    Participation.objects.create(
        project=leaderless, institution=upc, role=Participation.Role.PARTNER
    )
    found.public += [complete, leaderless]
    secret = ProjectFactory(
        title_es="Proyecto confidencial", public=False, institutions=[unam, upc]
    )
    FundingFactory(project=secret, funder_party=bcn, amount="999999.00", currency="EUR")
    found.private.append(secret)
    member = TeamMemberFactory(
        project=complete,
        name="Lucía Fernández Oyarzábal",
        email="lucia.fo@example.org",
        institution=unam,
    )
    found.people += [str(member.name), str(member.email)]
    call = CallFactory(title_es="Convocatoria de estancias 2026")
    add_host(call, upc, places=3)
    for index, orcid in enumerate(["0000-0002-1825-0097", "0000-0001-5109-3700"]):
        person = UserFactory(
            email=f"investigador{index}@example.org",
            first_name="Bartolomé",
            last_name=f"Quintanilla{index}",
        )
        ResearcherProfile.objects.create(
            user=person,
            home_institution=unam,
            career_stage=ResearcherProfile.CareerStage.R2,
            orcid=orcid,
        )
        StayApplication.objects.create(
            call=call,
            researcher=person,
            status=StayApplication.Status.SUBMITTED,
            title=f"Estancia de {person.last_name}",
        )
        found.people += [str(person.email), f"Quintanilla{index}", orcid]
    found.people.append("Bartolomé")
    return found


@pytest.fixture
def published(programme, programme_admin) -> Release:
    """A release built from the programme (as the worker would build it)."""
    release = release_request(actor=None, release_date=datetime.date(2026, 12, 1))
    assert release_execute(release.pk) == "published"
    release.refresh_from_db()
    return release
