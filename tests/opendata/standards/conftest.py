"""A programme of public projects with every kind of data the standards' files must handle.

- ``full``: CDMX-led, two areas, two axes (one of them axis 3), active since its timeline's
  step, cash in MXN (Mexico City) and EUR (Barcelona, converted at a kept rate) in 2026, cash
  in EUR from an institution in 2027, and support in kind (left out of both files);
- ``gender``: BCN-led, axis 3 only, a USD commitment with no USD rate kept (its budget year
  is left out) and a legacy commitment of amount 0 (left out);
- ``leaderless``: public, no lead institution;
- ``untranslated``: no Spanish title or summary (completed from Catalan);
- ``private``: not public, with funding: never in a file made from the public projects.

Every project has team members, and a researcher with an ORCID takes part: the files must
name none of them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.utils import timezone, translation

from cooperation.models import Axis, Institution, Party, StrategicArea
from exchanges.models import (
    ApplicationEvent,
    Direction,
    ResearcherProfile,
    StayApplication,
)
from opendata.standards.validation import standards_dir
from projects.models import (
    ExchangeRate,
    FundingCommitment,
    JointProject,
    Participation,
    ProjectEvent,
)
from projects.models import ProjectStatus as Status
from tests.exchanges.factories import CallFactory, add_host
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, ProjectFactory, TeamMemberFactory

PUBLISHED_ON = datetime.date(2026, 12, 2)
SITE_URL = "https://cooperacion.example.org/"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
# People of the fixture: none of these may appear in any file.
PEOPLE = {
    "names": ["Laura Gómez Ibarra", "Jordi Puig Serra", "Ana Pérez"],
    "emails": ["laura.gomez@unam.example.org", "jordi.puig@upc.example.org", "ana.perez@x.org"],
    "orcids": ["0000-0002-1825-0097"],
}


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@dataclass
class Programme:
    unam: Institution
    upc: Institution
    cinvestav: Institution
    eurecat: Institution
    full: JointProject
    gender: JointProject
    leaderless: JointProject
    untranslated: JointProject
    private: JointProject
    legacy: FundingCommitment
    in_kind: FundingCommitment


def _area(code: str) -> StrategicArea:
    return StrategicArea.objects.get(code=code)


def _axis(code: str) -> Axis:
    return Axis.objects.get(code=code)


def _legacy_commitment(project: JointProject, bcn: Party) -> FundingCommitment:
    """Write a commitment of amount 0, as rows imported before the table's check were."""
    with connection.cursor() as cursor:
        # Undone with the test's transaction: the check is back for the next test. (The
        # foreign keys' deferred checks run first: a table with pending ones cannot change.)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE projects_fundingcommitment DROP CONSTRAINT funding_amount_positive"
        )
    return FundingFactory(
        project=project, funder_party=bcn, amount=Decimal(0), currency="EUR", year=2026
    )


@pytest.fixture
def programme(db, cdmx, bcn) -> Programme:
    unam = InstitutionFactory(
        code="UNAM",
        name="Universidad Nacional Autónoma de México",
        name_es="Universidad Nacional Autónoma de México",
        party=cdmx,
        ror_id="01tmp8f25",
        website="https://www.unam.mx/",
    )
    upc = InstitutionFactory(
        code="UPC",
        name="Universitat Politècnica de Catalunya",
        name_es="Universitat Politècnica de Catalunya",
        party=bcn,
        ror_id="03mb6wj31",
    )
    cinvestav = InstitutionFactory(code="CINVESTAV", name="Cinvestav", party=cdmx)
    eurecat = InstitutionFactory(
        code="EURECAT",
        name="Eurecat",
        party=bcn,
        kind=Institution.Kind.TECHNOLOGY_CENTRE,
    )
    full = ProjectFactory(
        title="Agua y ciudad",
        title_es="Agua y ciudad",
        title_ca="Aigua i ciutat",
        title_en="Water and the city",
        summary_es="Gestión del agua urbana.",
        summary_en="Urban water management.",
        primary_area=_area("URBAN_WATER"),
        status=Status.ACTIVE,
        start_date=datetime.date(2026, 3, 1),
        end_date=datetime.date(2027, 12, 31),
        institutions=[unam, upc, eurecat],
    )
    full.areas.set([_area("ECOS_RD"), _area("URBAN_WATER")])
    full.axes.set([_axis("STRATEGIC_SECTORS"), _axis("GENDER_TRAINING")])
    step = ProjectEvent.objects.create(project=full, from_status="approved", to_status="active")
    ProjectEvent.objects.filter(pk=step.pk).update(
        at=datetime.datetime(2026, 3, 2, 12, tzinfo=datetime.UTC)
    )
    FundingFactory(
        project=full, funder_party=cdmx, amount=Decimal("500000.00"), currency="MXN", year=2026
    )
    FundingFactory(
        project=full, funder_party=bcn, amount=Decimal("30000.50"), currency="EUR", year=2026
    )
    FundingFactory(
        project=full,
        funder_party=None,
        funder_institution=upc,
        amount=Decimal("1000.00"),
        currency="EUR",
        year=2027,
    )
    in_kind = FundingFactory(
        project=full,
        funder_party=None,
        funder_institution=unam,
        amount=Decimal("2500.00"),
        currency="MXN",
        year=2026,
        kind=FundingCommitment.Kind.IN_KIND,
    )
    ExchangeRate.objects.create(
        date=datetime.date(2025, 12, 31), base="EUR", quote="MXN", rate=Decimal("20")
    )

    gender = ProjectFactory(
        title_es="Mujeres en STEAM",
        title_ca="Dones en STEAM",
        summary_es="Formación de investigadoras.",
        primary_area=_area("STEAM_EDUCATION"),
        status=Status.APPROVED,
        start_date=datetime.date(2026, 9, 1),
        end_date=datetime.date(2028, 8, 31),
        institutions=[upc, cinvestav],
    )
    gender.axes.set([_axis("GENDER_TRAINING")])
    FundingFactory(
        project=gender, funder_party=bcn, amount=Decimal("12000.00"), currency="EUR", year=2026
    )
    FundingFactory(
        project=gender, funder_party=cdmx, amount=Decimal("5000.00"), currency="USD", year=2027
    )
    legacy = _legacy_commitment(gender, bcn)

    leaderless = ProjectFactory(
        title_es="Sin coordinación",
        primary_area=_area("TECH_TRANSFER"),
        institutions=[],
    )
    for institution in (cinvestav, eurecat):
        Participation.objects.create(project=leaderless, institution=institution)
    FundingFactory(
        project=leaderless, funder_party=cdmx, amount=Decimal("7000"), currency="MXN", year=2026
    )

    untranslated = ProjectFactory(
        title="",
        title_es="",
        title_ca="Ciència ciutadana als barris",
        summary="",
        summary_es="",
        summary_ca="Projecte de ciència ciutadana.",
        primary_area=_area("OPEN_SCIENCE"),
        institutions=[eurecat, unam],
    )
    FundingFactory(
        project=untranslated, funder_party=bcn, amount=Decimal("800"), currency="EUR", year=2026
    )

    private = ProjectFactory(
        title_es="Proyecto reservado",
        public=False,
        institutions=[cinvestav, upc],
    )
    FundingFactory(
        project=private, funder_party=cdmx, amount=Decimal("99999"), currency="MXN", year=2026
    )

    names, emails = PEOPLE["names"], PEOPLE["emails"]
    for project in (full, gender, leaderless, untranslated, private):
        for name, email, institution in ((names[0], emails[0], unam), (names[1], emails[1], upc)):
            TeamMemberFactory(project=project, name=name, email=email, institution=institution)
    researcher = UserFactory(first_name="Ana", last_name="Pérez", email=emails[2])
    ResearcherProfile.objects.create(
        user=researcher, home_institution=unam, career_stage="r2", orcid=PEOPLE["orcids"][0]
    )
    return Programme(
        unam=unam,
        upc=upc,
        cinvestav=cinvestav,
        eurecat=eurecat,
        full=full,
        gender=gender,
        leaderless=leaderless,
        untranslated=untranslated,
        private=private,
        legacy=legacy,
        in_kind=in_kind,
    )


def public_projects():
    """Return what the release publishes: the projects anybody may read."""
    return JointProject.objects.visible_to(AnonymousUser())


@pytest.fixture
def schemas() -> Path:
    """Return the standards' schemas folder, or skip: the schemas are not on this machine."""
    folder = standards_dir()
    if folder is None:
        pytest.skip(
            "The standards' schemas (../shared/standards or OPEN_DATA_STANDARDS_DIR) are "
            "not on this machine"
        )
    return folder


# Awarded stays (the 360Giving file's grants to individuals).
StayStatus = StayApplication.Status
START = datetime.date(2026, 3, 2)


class Stays:
    """The calls, hosts and awarded stays made, and the people who must appear nowhere."""

    def __init__(self) -> None:
        self.people: list[str] = []
        self.applications: list[StayApplication] = []
        self.calls: dict[str, object] = {}
        self.hosts: list[object] = []


def award_stays(
    found: Stays, call, host, count: int, *, months: int = 3, status=StayStatus.AWARDED
) -> None:
    """Award ``count`` stays of ``call`` at ``host``, each to a named researcher, in Feb 2026."""
    for _ in range(count):
        number = len(found.applications)
        person = UserFactory(
            email=f"becaria{number}@example.org",
            first_name="Eulalia",
            last_name=f"Villaseñor{number}",
        )
        orcid = f"0000-0003-{number:04d}-990X"
        ResearcherProfile.objects.create(
            user=person,
            home_institution=host,
            career_stage=ResearcherProfile.CareerStage.R2,
            orcid=orcid,
        )
        application = StayApplication.objects.create(
            call=call,
            researcher=person,
            status=status,
            host=host,
            start_date=START,
            end_date=START + datetime.timedelta(days=round(30.4375 * months) - 1),
            title=f"Estancia de Villaseñor{number}",
        )
        event = ApplicationEvent.objects.create(
            application=application, from_status=StayStatus.APPROVED, to_status=StayStatus.AWARDED
        )
        ApplicationEvent.objects.filter(pk=event.pk).update(
            at=timezone.make_aware(datetime.datetime(2026, 2, 17, 10, 30))
        )
        found.applications.append(application)
        found.people += [str(person.email), f"Villaseñor{number}", orcid, orcid.replace("-", "")]


@pytest.fixture
def stays(db) -> Stays:
    """Four stays of one call hosted in Mexico City; five of another hosted in Barcelona.

    The calls go opposite ways, so each direction's count is its call's: the four are a
    small count the statistics hide, the five one they show.
    """
    cdmx, bcn = Party.objects.get(code="CDMX"), Party.objects.get(code="BCN")
    found = Stays()
    unam = InstitutionFactory(code="ST-UNAM", name="Instituto Anfitrión Único", party=cdmx)
    upc = InstitutionFactory(code="ST-UPC", name="Centre Amfitrió Singular", party=bcn)
    found.hosts = [unam, upc]
    few = CallFactory(title_es="Estancias en México 2026", direction=Direction.BCN_TO_CDMX)
    add_host(few, unam, places=6)
    many = CallFactory(title_es="Estancias en Barcelona 2026", direction=Direction.CDMX_TO_BCN)
    add_host(many, upc, places=6)
    award_stays(found, few, unam, 4)
    award_stays(found, many, upc, 3)
    award_stays(found, many, upc, 2, months=6, status=StayStatus.IN_PROGRESS)
    found.calls = {"few": few, "many": many}
    return found
