"""Every endpoint of the partner API against every scope and role (issue 5).

One table, ``ROWS``: a row is one call (method, address, body) and the answer each caller
should get. The callers (``CALLERS``) are: nobody; an expired token; the token of a revoked
client; a token of each single scope, and one of all scopes, of the BCN partner (a client of
``institution_bcn``) and of the CDMX partner (a client of ``institution_cdmx``); a city's client;
and a signed-in person of every role.

The objects a row acts on belong to the BCN institution alone (a private project with its
milestone, indicator and measurement, the BCN partner's webhook), or to the CDMX institution
alone (a public project): so every row is, for one of the two partners, "another institution's
object". What each cell should be follows the issue's rules, not what the code happens to do:

* no credentials, an expired token, a revoked client's token: 401;
* a token without the view's scope, a role that may not make the call, an object the caller
  sees but may not change: 403;
* an object the caller may not see: 404 in the address, and in a body the same 400 as an
  object that does not exist (telling the two apart would reveal private projects);
* everything else: 2xx, and a list shows the row's object only to those who may see it.

Every refusal is an ``application/problem+json`` document whose ``status`` is the HTTP status,
and a refused write changes nothing (a successful one does change the row it names).

To add an endpoint, add a row: a ``World`` property for its object if it needs one, and
``grid(...)`` for its answers.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from oauth2_provider.models import AccessToken

from cooperation.api.clients import Credentials, partner_client_create, partner_client_revoke
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.api.webhooks import new_secret
from knowledge.models import Event, Practice, Transfer
from projects.models import FundingCommitment, JointProject, Measurement, Milestone, Participation
from reports.models import ReportRun
from tests.api.conftest import ALL_SCOPES
from tests.exchanges.factories import CallFactory, add_host
from tests.factories import InstitutionFactory
from tests.knowledge.factories import draft as knowledge_draft
from tests.knowledge.factories import event as knowledge_event
from tests.knowledge.factories import published as knowledge_published
from tests.knowledge.factories import transfer as knowledge_transfer
from tests.projects.factories import (
    FundingFactory,
    IndicatorFactory,
    MilestoneFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
PUBLIC_URL = "https://93.184.215.14/hooks"  # a public address literal: nothing is resolved


@pytest.fixture(autouse=True)
def _fast_hashing(settings) -> None:
    # Client secrets and passwords are hashed on creation; this file makes hundreds of them.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "cooperation.api.hashers.ClientSecretHasher",  # client secrets
    ]


# --- The objects a row acts on: made on first use, so that a test builds only its own -------


class World:
    """The objects of one test, each made when a row first needs it."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    @cached_property
    def institution(self) -> Any:
        return self.fixture("institution_bcn")

    @cached_property
    def private(self) -> JointProject:
        """A private project in which only the BCN institution takes part."""
        return ProjectFactory(
            institutions=[self.fixture("institution_bcn")], public=False, status="approved"
        )

    @cached_property
    def public(self) -> JointProject:
        """A public project in which only the CDMX institution takes part."""
        return ProjectFactory(
            institutions=[self.fixture("institution_cdmx")], public=True, status="approved"
        )

    @cached_property
    def milestone(self) -> Milestone:
        return MilestoneFactory(project=self.private, title="Informe inicial")

    @cached_property
    def indicator(self) -> Any:
        return IndicatorFactory(project=self.private)

    @cached_property
    def public_indicator(self) -> Any:
        return IndicatorFactory(project=self.public)

    @cached_property
    def measurement(self) -> Measurement:
        return Measurement.objects.create(
            indicator=self.indicator, date=datetime.date(2026, 6, 30), value=Decimal("12.00")
        )

    @cached_property
    def spare_bcn(self) -> Any:
        """Another active BCN institution, taking part in nothing yet."""
        return InstitutionFactory(party=self.fixture("bcn"))

    @cached_property
    def private_lead(self) -> Participation:
        return self.private.participations.get(role=Participation.Role.LEAD)

    @cached_property
    def proposal(self) -> JointProject:
        """A private proposal of the BCN institution with a second BCN institution as partner
        (a proposal may lose a partner: it needs both cities only once approved)."""
        return ProjectFactory(
            institutions=[self.fixture("institution_bcn"), self.spare_bcn],
            public=False,
            status="proposed",
        )

    @cached_property
    def proposal_partner(self) -> Participation:
        return self.proposal.participations.get(role=Participation.Role.PARTNER)

    @cached_property
    def funding(self) -> FundingCommitment:
        """What the BCN institution commits to its private project."""
        return FundingFactory(
            project=self.private,
            funder_party=None,
            funder_institution=self.fixture("institution_bcn"),
            amount=Decimal("1000.00"),
            currency="EUR",
            year=2026,
        )

    @cached_property
    def hook(self) -> WebhookEndpoint:
        """The BCN partner's webhook endpoint, with one delivery."""
        partner: Credentials = self.fixture("partner")
        hook = WebhookEndpoint.objects.create(
            partner=partner.profile, url=PUBLIC_URL, events=["project.created"], secret=new_secret()
        )
        WebhookDelivery.objects.create(
            endpoint=hook, message_id="msg_1", event="project.created", payload={"code": "X"}
        )
        return hook

    @cached_property
    def call(self) -> Any:
        call = CallFactory()
        add_host(call, self.fixture("institution_bcn"))
        return call

    @cached_property
    def practice_draft(self) -> Practice:
        """A draft practice of the BCN institution: its own, officials' and administrators'."""
        return knowledge_draft(
            actor=self.fixture("official_bcn"),
            institution=self.fixture("institution_bcn"),
            texts={"title_es": "Borrador BCN"},
        )

    @cached_property
    def practice_published(self) -> Practice:
        official = self.fixture("official_bcn")
        return knowledge_published(
            actor=official, reviewer=official, institution=self.fixture("institution_bcn")
        )

    @cached_property
    def transfer(self) -> Transfer:
        """The published BCN practice taken up by the CDMX institution, not public."""
        return knowledge_transfer(
            actor=self.fixture("official_cdmx"),
            practice=self.practice_published,
            institution=self.fixture("institution_cdmx"),
        )

    @cached_property
    def event(self) -> Event:
        """A published event of the BCN institution: anybody reads it."""
        return knowledge_event(
            actor=self.fixture("official_bcn"), institution=self.fixture("institution_bcn")
        )

    @cached_property
    def event_draft(self) -> Event:
        """A draft event of the CDMX institution, organised by the CDMX official."""
        official = self.fixture("official_cdmx")
        return knowledge_event(
            actor=official,
            institution=self.fixture("institution_cdmx"),
            publish=False,
            texts={"title_es": "Borrador CDMX"},
        )

    @cached_property
    def run(self) -> ReportRun:
        """A finished report run with its file, requested by the CDMX official."""
        self.fixture("settings").REPORTS_ROOT = self.fixture("tmp_path")
        run = ReportRun.objects.create(
            kind="institutions",
            format="csv",
            parameters={},
            requested_by=self.fixture("official_cdmx"),
            state=ReportRun.State.SUCCEEDED,
        )
        run.file.save(f"report-{run.pk}.csv", ContentFile(b"code,name\n"))
        return run


# --- Callers ----------------------------------------------------------------------------------


def _bearer(credentials: Credentials, scopes: list[str], *, expires_in: int = 3600) -> Any:
    from rest_framework.test import APIClient

    token = AccessToken.objects.create(
        application=credentials.profile.application,
        token=f"tok-{credentials.client_id}-{'-'.join(scopes)}-{expires_in}",
        scope=" ".join(scopes),
        expires=timezone.now() + timedelta(seconds=expires_in),
    )
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    return client


def _revoked_client(request: pytest.FixtureRequest) -> Any:
    """A BCN client revoked through the service while its token was still in use."""
    credentials = partner_client_create(
        name="Revoked", scopes=ALL_SCOPES, institution=request.getfixturevalue("institution_bcn")
    )
    client = _bearer(credentials, ALL_SCOPES)
    partner_client_revoke(profile=credentials.profile)
    return client


def _revoked_token_kept(request: pytest.FixtureRequest) -> Any:
    """A revoked BCN client whose token outlived the revocation (issued in a race, or the
    revocation set only ``revoked_at``): the client must still be refused."""
    credentials = partner_client_create(
        name="Revoked", scopes=ALL_SCOPES, institution=request.getfixturevalue("institution_bcn")
    )
    partner_client_revoke(profile=credentials.profile)
    return _bearer(credentials, ALL_SCOPES)


def _city_client(request: pytest.FixtureRequest) -> Any:
    credentials = partner_client_create(
        name="Mexico City open data", scopes=ALL_SCOPES, party=request.getfixturevalue("cdmx")
    )
    return _bearer(credentials, ALL_SCOPES)


@dataclass(frozen=True)
class Caller:
    """Who calls: ``kind`` is anonymous, token or person; ``make`` gives the HTTP client."""

    id: str
    kind: str
    make: Callable[[pytest.FixtureRequest], Any]
    partner: str = ""  # bcn, cdmx or city, for tokens of a valid client
    scopes: tuple[str, ...] = ()


def _anonymous(request: pytest.FixtureRequest) -> Any:
    from rest_framework.test import APIClient

    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def _token_caller(partner: str, fixture: str, scopes: list[str]) -> Caller:
    label = "all" if scopes == ALL_SCOPES else scopes[0]
    return Caller(
        id=f"{partner}[{label}]",
        kind="token",
        make=lambda request: _bearer(request.getfixturevalue(fixture), scopes),
        partner=partner,
        scopes=tuple(scopes),
    )


def _person(role: str, fixture: str, *, second_factor: bool = True) -> Caller:
    def make(request: pytest.FixtureRequest) -> Any:
        user = request.getfixturevalue(fixture)
        return request.getfixturevalue("login")(user, second_factor=second_factor)

    return Caller(id=role, kind="person", make=make)


ROLES = {
    # caller id -> fixture of tests/conftest.py
    "programme_admin": "programme_admin",
    "official_cdmx": "official_cdmx",
    "official_bcn": "official_bcn",
    "coordinator_bcn": "coordinator",
    "reviewer": "reviewer",
    "researcher": "researcher",
}
# An official signed in with a password only (no TOTP yet): as in the admin, that is not enough.
PASSWORD_ONLY = "official_bcn_password_only"
# A researcher who names the BCN institution as hers: a person's institution gives rights only
# with the coordinator role (issue 12), so she gets exactly what any researcher gets.
RESEARCHER_OF_BCN = "researcher_of_bcn"


@pytest.fixture
def researcher_of_bcn(institution_bcn) -> Any:
    from cooperation.roles import Role
    from tests.factories import UserFactory

    return UserFactory(
        email="investigadora.bcn@example.org", institution=institution_bcn, roles=[Role.RESEARCHER]
    )


CALLERS: list[Caller] = [
    Caller("anonymous", "anonymous", _anonymous),
    Caller(
        "expired_token",
        "invalid",
        lambda request: _bearer(request.getfixturevalue("partner"), ALL_SCOPES, expires_in=-1),
    ),
    Caller("revoked_client", "invalid", _revoked_client),
    Caller("revoked_client_token_kept", "invalid", _revoked_token_kept),
    *(
        _token_caller(partner, fixture, scopes)
        for partner, fixture in (("bcn", "partner"), ("cdmx", "other_partner"))
        for scopes in ([scope] for scope in ALL_SCOPES)
    ),
    _token_caller("bcn", "partner", ALL_SCOPES),
    _token_caller("cdmx", "other_partner", ALL_SCOPES),
    Caller("city_cdmx[all]", "token", _city_client, partner="city", scopes=tuple(ALL_SCOPES)),
    *(_person(role, fixture) for role, fixture in ROLES.items()),
    _person(PASSWORD_ONLY, "official_bcn", second_factor=False),
    _person(RESEARCHER_OF_BCN, "researcher_of_bcn"),
]


# --- Expected answers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """An HTTP status; for a list, whether the row's object is in it."""

    status: int
    listed: bool | None = None

    def __str__(self) -> str:
        if self.listed is None:
            return str(self.status)
        return f"{self.status} {'listing' if self.listed else 'without'} the object"


SEES = Expect(200, listed=True)  # a list that shows the row's object
BLIND = Expect(200, listed=False)  # a list that does not show it
Cell = int | Expect


def roles(
    *,
    programme_admin: Cell,
    official_cdmx: Cell,
    official_bcn: Cell,
    coordinator_bcn: Cell,
    reviewer: Cell,
    researcher: Cell,
) -> dict[str, Cell]:
    """The answers of people, one per role (all required, so that no role is forgotten)."""
    return dict(locals())


def everyone(cell: Cell) -> dict[str, Cell]:
    return dict.fromkeys(ROLES, cell)


def grid(
    *,
    scope: str,
    bcn: Cell,
    cdmx: Cell,
    city: Cell,
    people: Mapping[str, Cell],
    password_only: Cell = 403,
    **overrides: Cell,
) -> dict[str, Expect]:
    """Every caller's answer to a call that needs ``scope`` from a token.

    ``bcn``, ``cdmx`` and ``city`` are the answers to those partners' tokens that hold the
    scope; tokens without it get 403, invalid credentials 401.
    """
    cells: dict[str, Cell] = {}
    partners = {"bcn": bcn, "cdmx": cdmx, "city": city}
    for caller in CALLERS:
        if caller.kind in ("anonymous", "invalid"):
            cells[caller.id] = 401
        elif caller.kind == "token":
            cells[caller.id] = partners[caller.partner] if scope in caller.scopes else 403
    assert set(people) == set(ROLES), "give an answer for every role"
    cells.update(people)
    cells[PASSWORD_ONLY] = password_only
    cells[RESEARCHER_OF_BCN] = people["researcher"]
    cells.update(overrides)
    assert set(cells) == {c.id for c in CALLERS}, set(cells) ^ {c.id for c in CALLERS}
    return {k: v if isinstance(v, Expect) else Expect(v) for k, v in cells.items()}


def open_to_all(status: int = 200) -> dict[str, Expect]:
    """A page with no authentication at all (the schema and its documentation)."""
    return {caller.id: Expect(status) for caller in CALLERS}


# --- The table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One call and who gets what.

    ``url`` is formatted with ``w`` = the test's ``World``. ``body`` builds the JSON body.
    ``state`` reads what a write would change: unchanged after a refusal, changed after a
    success. ``listed`` gives (field, value) of the object a list should or should not show.
    """

    method: str
    url: str
    expect: dict[str, Expect]
    body: Callable[[World], Any] | None = None
    state: Callable[[World], Any] | None = None
    listed: Callable[[World], tuple[str, Any]] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    label: str = ""  # which object, when the address does not say it

    @property
    def id(self) -> str:
        address = self.url.replace("/api/v1/", "/").replace("{w.", "{")
        return f"{self.method} {address}" + (f" [{self.label}]" if self.label else "")


def _reload(obj: Any, *fields: str) -> tuple[Any, ...]:
    fresh = type(obj).objects.filter(pk=obj.pk).values_list(*fields).first()
    return tuple(fresh) if fresh else ()


def _proposal(w: World) -> dict[str, Any]:
    return {
        "title": {"es": "Agua para todos", "ca": "Aigua per a tothom", "en": "Water for all"},
        "summary": {"es": "Resumen", "ca": "Resum", "en": "Summary"},
        "impact": {"es": "Impacto", "ca": "Impacte", "en": "Impact"},
        "primary_area": "URBAN_WATER",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
    }


def _new_milestone(project: Callable[[World], JointProject]) -> Callable[[World], Any]:
    return lambda w: {
        "project": project(w).code,
        "title": "Entrega",
        "due_date": "2027-06-30",
        "status": "planned",
    }


def _new_measurement(indicator: Callable[[World], Any]) -> Callable[[World], Any]:
    return lambda w: {"indicator": indicator(w).pk, "date": "2026-09-30", "value": "42.50"}


def _new_partner(project: Callable[[World], JointProject], institution: Callable[[World], Any]):
    return lambda w: {"project": project(w).code, "institution": institution(w).code}


def _new_funding(project: Callable[[World], JointProject], funder: str) -> Callable[[World], Any]:
    return lambda w: {
        "project": project(w).code,
        "funder_institution": w.fixture(funder).code,
        "amount": "2500.00",
        "currency": "EUR",
        "year": 2027,
        "kind": "cash",
    }


READ_EVERYTHING = grid(scope="read", bcn=200, cdmx=200, city=200, people=everyone(200))
LIST_EVERYTHING = grid(scope="read", bcn=SEES, cdmx=SEES, city=SEES, people=everyone(SEES))
# Open data: the reference data and public projects are read with no credential at all (a bad
# token is still a 401).
OPEN_READ = {**READ_EVERYTHING, "anonymous": Expect(200)}

# Who sees the private BCN project (and its milestones and measurements): its institution,
# that institution's partner system, officials and administrators.
SEES_PRIVATE = roles(
    programme_admin=SEES,
    official_cdmx=SEES,
    official_bcn=SEES,
    coordinator_bcn=SEES,
    reviewer=BLIND,
    researcher=BLIND,
)
READS_PRIVATE = roles(
    programme_admin=200,
    official_cdmx=200,
    official_bcn=200,
    coordinator_bcn=200,
    reviewer=404,
    researcher=404,
)
# Milestones and measurements are kept by the coordinators of the project's institutions (and
# their partner systems), and by the officials of a city taking part and administrators: the
# same service as the admin's inlines (projects.services.parts), so the same rule on both paths.
COORDINATOR_WRITES_PRIVATE = roles(
    programme_admin=201,
    official_cdmx=403,  # sees the BCN project; CDMX does not take part
    official_bcn=201,
    coordinator_bcn=201,
    reviewer=400,  # cannot see the project: as if it did not exist
    researcher=400,
)
COORDINATOR_UPDATES_PRIVATE = roles(
    programme_admin=200,
    official_cdmx=403,
    official_bcn=200,
    coordinator_bcn=200,
    reviewer=404,  # cannot see the milestone
    researcher=404,
)
CDMX_SIDE_WRITES_PUBLIC_CDMX = roles(
    programme_admin=201,
    official_cdmx=201,
    official_bcn=403,
    coordinator_bcn=403,  # of BCN: another institution's project
    reviewer=403,
    researcher=403,
)
# Who takes part, and whose money it is, on the private BCN project: the lead's coordinators and
# partner system, the officials of a city taking part (BCN), administrators. The CDMX official
# sees the project but CDMX does not take part; those who cannot see it get 400 in a body (as
# if it did not exist) and 404 in an address.
BCN_SIDE_CREATES_PRIVATE = roles(
    programme_admin=201,
    official_cdmx=403,
    official_bcn=201,
    coordinator_bcn=201,
    reviewer=400,
    researcher=400,
)


def bcn_side_changes_private(success: int) -> dict[str, Cell]:
    return roles(
        programme_admin=success,
        official_cdmx=403,
        official_bcn=success,
        coordinator_bcn=success,
        reviewer=404,
        researcher=404,
    )


# The public CDMX project's lead and city decide on it; BCN sees it and may not change it.
CDMX_SIDE_CREATES_PUBLIC = roles(
    programme_admin=201,
    official_cdmx=201,
    official_bcn=403,
    coordinator_bcn=403,
    reviewer=403,
    researcher=403,
)
OFFICIALS_ONLY = roles(
    programme_admin=200,
    official_cdmx=200,
    official_bcn=200,
    coordinator_bcn=403,
    reviewer=403,
    researcher=403,
)


# A BCN practice's draft is changed by its institution (and its partner system), the officials
# of its city and administrators; the CDMX official sees it and may not change it.
BCN_SIDE_CHANGES_PRACTICE = roles(
    programme_admin=200,
    official_cdmx=403,
    official_bcn=200,
    coordinator_bcn=200,
    reviewer=404,
    researcher=404,
)


# The transfer of the BCN practice to the CDMX institution is kept by the CDMX side (its
# coordinators' systems, the CDMX officials) and administrators; BCN sees it, may not change it.
CDMX_SIDE_KEEPS_TRANSFER = roles(
    programme_admin=200,
    official_cdmx=200,
    official_bcn=403,
    coordinator_bcn=403,
    reviewer=404,
    researcher=404,
)
# A draft event: officials of both cities and administrators (and its own institution's side).
DRAFT_EVENT_SEEN = roles(
    programme_admin=SEES,
    official_cdmx=SEES,
    official_bcn=SEES,
    coordinator_bcn=BLIND,
    reviewer=BLIND,
    researcher=BLIND,
)
DRAFT_EVENT_READ = roles(
    programme_admin=200,
    official_cdmx=200,
    official_bcn=200,
    coordinator_bcn=404,
    reviewer=404,
    researcher=404,
)


def _practice(w: World) -> dict[str, Any]:
    return {
        "kind": "methodology",
        "licence": "CC-BY-4.0",
        "primary_area": "STEAM_EDUCATION",
        "title": {"es": "Metodología STEAM", "en": "STEAM methodology"},
    }


def _reference(name: str, code: str) -> list[Row]:
    return [
        Row("GET", f"/api/v1/{name}/", OPEN_READ),
        Row("GET", f"/api/v1/{name}/{code}/", OPEN_READ),
    ]


KNOWLEDGE_ROWS: list[Row] = [
    # Practices: published ones for all, drafts for their institution and the officials.
    Row(
        "GET",
        "/api/v1/practices/",
        grid(scope="read", bcn=SEES, cdmx=BLIND, city=BLIND, people=SEES_PRIVATE),
        listed=lambda w: ("id", w.practice_draft.pk),
    ),
    Row(
        "GET",
        "/api/v1/practices/{w.practice_draft.pk}/",
        grid(scope="read", bcn=200, cdmx=404, city=404, people=READS_PRIVATE),
    ),
    Row("GET", "/api/v1/practices/{w.practice_published.pk}/", READ_EVERYTHING),
    Row(
        "POST",
        "/api/v1/practices/",
        grid(
            scope="knowledge:write",
            bcn=201,
            cdmx=201,
            city=403,  # a city's client has no institution whose practice it would be
            people=roles(
                programme_admin=403,
                official_cdmx=403,
                official_bcn=403,
                coordinator_bcn=201,
                reviewer=403,
                researcher=403,
            ),
        ),
        body=_practice,
        state=lambda w: Practice.objects.count(),
    ),
    Row(
        "PATCH",
        "/api/v1/practices/{w.practice_draft.pk}/",
        grid(
            scope="knowledge:write", bcn=200, cdmx=404, city=404, people=BCN_SIDE_CHANGES_PRACTICE
        ),
        body=lambda w: {"title": {"es": "Cambiado"}},
        state=lambda w: _reload(w.practice_draft, "title_es"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "POST",
        "/api/v1/practices/{w.practice_draft.pk}/submit/",
        grid(
            scope="knowledge:write", bcn=200, cdmx=404, city=404, people=BCN_SIDE_CHANGES_PRACTICE
        ),
        state=lambda w: _reload(w.practice_draft, "status"),
    ),
    # Transfers: every official; the two institutions and their systems; the public ones.
    Row(
        "GET",
        "/api/v1/transfers/",
        grid(scope="read", bcn=SEES, cdmx=SEES, city=BLIND, people=SEES_PRIVATE),
        listed=lambda w: ("id", w.transfer.pk),
    ),
    Row(
        "GET",
        "/api/v1/transfers/{w.transfer.pk}/",
        grid(scope="read", bcn=200, cdmx=200, city=404, people=READS_PRIVATE),
    ),
    # A transfer is recorded by the adopting institution (its coordinators and their systems)
    # of the other city: the BCN side is refused the BCN practice (its own city), and those
    # without an institution record none through the API.
    Row(
        "POST",
        "/api/v1/transfers/",
        grid(
            scope="knowledge:write",
            bcn=400,
            cdmx=201,
            city=403,
            people=roles(
                programme_admin=403,
                official_cdmx=403,
                official_bcn=403,
                coordinator_bcn=400,
                reviewer=403,
                researcher=403,
            ),
        ),
        body=lambda w: {
            "practice": w.practice_published.pk,
            "started_on": "2026-03-01",
            "origin_contact_name": "Marta Puig",
            "origin_contact_email": "marta@example.org",
            "adopter_contact_name": "Luis Ramírez",
            "adopter_contact_email": "luis@example.org",
        },
        state=lambda w: Transfer.objects.count(),
    ),
    # It is kept by the adopting (CDMX) side and administrators; the offering side sees it.
    Row(
        "PATCH",
        "/api/v1/transfers/{w.transfer.pk}/",
        grid(scope="knowledge:write", bcn=403, cdmx=200, city=404, people=CDMX_SIDE_KEEPS_TRANSFER),
        body=lambda w: {"public": True},
        state=lambda w: _reload(w.transfer, "public"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "POST",
        "/api/v1/transfers/{w.transfer.pk}/move/",
        grid(scope="knowledge:write", bcn=403, cdmx=200, city=404, people=CDMX_SIDE_KEEPS_TRANSFER),
        body=lambda w: {"to_stage": "planning"},
        state=lambda w: _reload(w.transfer, "stage"),
    ),
    # Events: anybody reads the published ones; a draft its institution (and its system),
    # its organisers, officials and administrators. Registrations are never in the API.
    Row("GET", "/api/v1/events/", LIST_EVERYTHING, listed=lambda w: ("id", w.event.pk)),
    Row("GET", "/api/v1/events/{w.event.pk}/", READ_EVERYTHING),
    Row(
        "GET",
        "/api/v1/events/",
        grid(scope="read", bcn=BLIND, cdmx=SEES, city=BLIND, people=DRAFT_EVENT_SEEN),
        listed=lambda w: ("id", w.event_draft.pk),
        label="a CDMX draft",
    ),
    Row(
        "GET",
        "/api/v1/events/{w.event_draft.pk}/",
        grid(scope="read", bcn=404, cdmx=200, city=404, people=DRAFT_EVENT_READ),
    ),
]

ROWS: list[Row] = [
    *KNOWLEDGE_ROWS,
    # The directory of the API and its documentation.
    Row("GET", "/api/v1/", READ_EVERYTHING),
    Row("GET", "/api/schema/", open_to_all()),
    Row("GET", "/api/docs/", open_to_all()),
    # Reference data: anybody with the read scope or a session.
    *_reference("parties", "BCN"),
    *_reference("areas", "URBAN_WATER"),
    *_reference("axes", "INCLUSIVE_ECOSYSTEMS"),
    *_reference("institutions", "{w.institution.code}"),
    # Joint projects.
    Row(
        "GET",
        "/api/v1/projects/",
        grid(
            scope="read",
            bcn=SEES,
            cdmx=BLIND,
            city=BLIND,
            people=SEES_PRIVATE,
            anonymous=BLIND,  # the public projects only
        ),
        listed=lambda w: ("code", w.private.code),
    ),
    Row(
        "GET",
        "/api/v1/projects/{w.private.code}/",
        grid(scope="read", bcn=200, cdmx=404, city=404, people=READS_PRIVATE, anonymous=404),
    ),
    Row("GET", "/api/v1/projects/{w.public.code}/", OPEN_READ),
    Row(
        "POST",
        "/api/v1/projects/",
        grid(
            scope="projects:write",
            bcn=201,
            cdmx=201,
            city=403,  # a city's client has no institution to lead the project
            people=roles(
                programme_admin=403,
                official_cdmx=403,
                official_bcn=403,
                coordinator_bcn=201,
                reviewer=403,
                researcher=403,
            ),
        ),
        body=_proposal,
        state=lambda w: JointProject.objects.count(),
    ),
    Row(
        "POST",
        "/api/v1/projects/{w.private.code}/transition/",
        grid(
            scope="projects:write",
            bcn=200,
            cdmx=404,
            city=404,
            people=roles(
                programme_admin=200,
                official_cdmx=403,  # sees every project, changes only its city's
                official_bcn=200,
                coordinator_bcn=200,
                reviewer=404,
                researcher=404,
            ),
        ),
        body=lambda w: {"to_status": "active"},
        state=lambda w: _reload(w.private, "status"),
    ),
    Row(
        "POST",
        "/api/v1/projects/{w.public.code}/transition/",
        grid(
            scope="projects:write",
            bcn=403,
            cdmx=200,
            city=403,
            people=roles(
                programme_admin=200,
                official_cdmx=200,
                official_bcn=403,
                coordinator_bcn=403,
                reviewer=403,
                researcher=403,
            ),
        ),
        body=lambda w: {"to_status": "active"},
        state=lambda w: _reload(w.public, "status"),
    ),
    # Milestones.
    Row(
        "GET",
        "/api/v1/milestones/",
        grid(scope="read", bcn=SEES, cdmx=BLIND, city=BLIND, people=SEES_PRIVATE),
        listed=lambda w: ("id", w.milestone.pk),
    ),
    Row(
        "GET",
        "/api/v1/milestones/{w.milestone.pk}/",
        grid(scope="read", bcn=200, cdmx=404, city=404, people=READS_PRIVATE),
    ),
    Row(
        "POST",
        "/api/v1/milestones/",
        grid(
            scope="projects:write",
            bcn=201,
            cdmx=400,  # the private project is not theirs to see: as if it did not exist
            city=400,
            people=COORDINATOR_WRITES_PRIVATE,
        ),
        body=_new_milestone(lambda w: w.private),
        label="private BCN project",
        state=lambda w: Milestone.objects.count(),
    ),
    Row(
        "POST",
        "/api/v1/milestones/",
        grid(
            scope="projects:write",
            bcn=403,
            cdmx=201,
            city=403,
            people=CDMX_SIDE_WRITES_PUBLIC_CDMX,
        ),
        body=_new_milestone(lambda w: w.public),
        label="public CDMX project",
        state=lambda w: Milestone.objects.count(),
    ),
    Row(
        "PATCH",
        "/api/v1/milestones/{w.milestone.pk}/",
        grid(
            scope="projects:write",
            bcn=200,
            cdmx=404,
            city=404,
            people=COORDINATOR_UPDATES_PRIVATE,
        ),
        body=lambda w: {"title": "Informe revisado"},
        state=lambda w: _reload(w.milestone, "title"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "PUT",
        "/api/v1/milestones/{w.milestone.pk}/",
        grid(
            scope="projects:write",
            bcn=200,
            cdmx=404,
            city=404,
            people=COORDINATOR_UPDATES_PRIVATE,
        ),
        body=lambda w: {
            "project": w.private.code,
            "title": "Informe revisado",
            "due_date": "2027-03-31",
            "status": "planned",
        },
        state=lambda w: _reload(w.milestone, "title", "due_date"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    # Indicator measurements.
    Row(
        "GET",
        "/api/v1/measurements/",
        grid(scope="read", bcn=SEES, cdmx=BLIND, city=BLIND, people=SEES_PRIVATE),
        listed=lambda w: ("id", w.measurement.pk),
    ),
    Row(
        "POST",
        "/api/v1/measurements/",
        grid(
            scope="projects:write",
            bcn=201,
            cdmx=400,
            city=400,
            people=COORDINATOR_WRITES_PRIVATE,
        ),
        body=_new_measurement(lambda w: w.indicator),
        label="private BCN project",
        state=lambda w: Measurement.objects.count(),
    ),
    Row(
        "POST",
        "/api/v1/measurements/",
        grid(
            scope="projects:write",
            bcn=403,
            cdmx=201,
            city=403,
            people=CDMX_SIDE_WRITES_PUBLIC_CDMX,
        ),
        body=_new_measurement(lambda w: w.public_indicator),
        label="public CDMX project",
        state=lambda w: Measurement.objects.count(),
    ),
    # Participations: who takes part in a project.
    Row(
        "GET",
        "/api/v1/participations/",
        grid(scope="read", bcn=SEES, cdmx=BLIND, city=BLIND, people=SEES_PRIVATE),
        listed=lambda w: ("id", w.private_lead.pk),
    ),
    Row(
        "GET",
        "/api/v1/participations/{w.private_lead.pk}/",
        grid(scope="read", bcn=200, cdmx=404, city=404, people=READS_PRIVATE),
    ),
    Row(
        "POST",
        "/api/v1/participations/",
        grid(scope="projects:write", bcn=201, cdmx=400, city=400, people=BCN_SIDE_CREATES_PRIVATE),
        body=_new_partner(lambda w: w.private, lambda w: w.spare_bcn),
        label="private BCN project",
        state=lambda w: Participation.objects.count(),
    ),
    Row(
        "POST",
        "/api/v1/participations/",
        grid(
            scope="projects:write",
            bcn=403,  # sees the project, does not lead it
            cdmx=201,
            city=403,  # a city's client is neither an official nor a coordinator
            people=CDMX_SIDE_CREATES_PUBLIC,
        ),
        body=_new_partner(lambda w: w.public, lambda w: w.fixture("institution_bcn")),
        label="public CDMX project",
        state=lambda w: Participation.objects.count(),
    ),
    Row(
        "DELETE",
        "/api/v1/participations/{w.proposal_partner.pk}/",
        grid(
            scope="projects:write",
            bcn=204,
            cdmx=404,
            city=404,
            people=bcn_side_changes_private(204),
        ),
        state=lambda w: Participation.objects.filter(pk=w.proposal_partner.pk).exists(),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    # Funding commitments.
    Row(
        "GET",
        "/api/v1/funding/",
        grid(scope="read", bcn=SEES, cdmx=BLIND, city=BLIND, people=SEES_PRIVATE),
        listed=lambda w: ("id", w.funding.pk),
    ),
    Row(
        "GET",
        "/api/v1/funding/{w.funding.pk}/",
        grid(scope="read", bcn=200, cdmx=404, city=404, people=READS_PRIVATE),
    ),
    Row(
        "POST",
        "/api/v1/funding/",
        grid(scope="projects:write", bcn=201, cdmx=400, city=400, people=BCN_SIDE_CREATES_PRIVATE),
        body=_new_funding(lambda w: w.private, "institution_bcn"),
        label="private BCN project",
        state=lambda w: FundingCommitment.objects.count(),
    ),
    Row(
        "POST",
        "/api/v1/funding/",
        grid(
            scope="projects:write",
            bcn=403,  # another institution's money, on a project BCN does not take part in
            cdmx=201,
            city=403,
            people=CDMX_SIDE_CREATES_PUBLIC,
        ),
        body=_new_funding(lambda w: w.public, "institution_cdmx"),
        label="public CDMX project",
        state=lambda w: FundingCommitment.objects.count(),
    ),
    Row(
        "PATCH",
        "/api/v1/funding/{w.funding.pk}/",
        grid(
            scope="projects:write",
            bcn=200,
            cdmx=404,
            city=404,
            people=bcn_side_changes_private(200),
        ),
        body=lambda w: {"amount": "3000.00"},
        state=lambda w: _reload(w.funding, "amount"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "PUT",
        "/api/v1/funding/{w.funding.pk}/",
        grid(
            scope="projects:write",
            bcn=200,
            cdmx=404,
            city=404,
            people=bcn_side_changes_private(200),
        ),
        body=lambda w: {**_new_funding(lambda w: w.private, "institution_bcn")(w), "year": 2026},
        state=lambda w: _reload(w.funding, "amount", "year"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "DELETE",
        "/api/v1/funding/{w.funding.pk}/",
        grid(
            scope="projects:write",
            bcn=204,
            cdmx=404,
            city=404,
            people=bcn_side_changes_private(204),
        ),
        state=lambda w: FundingCommitment.objects.filter(pk=w.funding.pk).exists(),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    # Calls for stays and stay statistics (aggregates only).
    Row("GET", "/api/v1/calls/", LIST_EVERYTHING, listed=lambda w: ("id", w.call.pk)),
    Row("GET", "/api/v1/calls/{w.call.pk}/", READ_EVERYTHING),
    Row(
        "GET",
        "/api/v1/stay-statistics/",
        grid(scope="stays:read", bcn=200, cdmx=200, city=200, people=everyone(200)),
    ),
    # Report runs: officials and administrators only, whatever a token's scopes.
    Row(
        "GET",
        "/api/v1/report-runs/",
        grid(
            scope="read",
            bcn=403,
            cdmx=403,
            city=403,
            people={k: SEES if v == 200 else v for k, v in OFFICIALS_ONLY.items()},
        ),
        listed=lambda w: ("id", w.run.pk),
    ),
    Row(
        "POST",
        "/api/v1/report-runs/",
        grid(
            scope="read",
            bcn=403,
            cdmx=403,
            city=403,
            people={k: 201 if v == 200 else v for k, v in OFFICIALS_ONLY.items()},
        ),
        body=lambda w: {"kind": "institutions", "format": "csv", "parameters": {}},
        state=lambda w: ReportRun.objects.count(),
    ),
    Row(
        "GET",
        "/api/v1/report-runs/{w.run.pk}/",
        grid(scope="read", bcn=403, cdmx=403, city=403, people=OFFICIALS_ONLY),
    ),
    Row(
        "GET",
        "/api/v1/report-runs/{w.run.pk}/download/",
        grid(scope="read", bcn=403, cdmx=403, city=403, people=OFFICIALS_ONLY),
    ),
    # Webhooks: partner systems only, each its own endpoints.
    Row(
        "GET",
        "/api/v1/webhooks/",
        grid(scope="webhooks", bcn=SEES, cdmx=BLIND, city=BLIND, people=everyone(403)),
        listed=lambda w: ("id", w.hook.pk),
    ),
    Row(
        "POST",
        "/api/v1/webhooks/",
        grid(scope="webhooks", bcn=201, cdmx=201, city=201, people=everyone(403)),
        body=lambda w: {"url": PUBLIC_URL, "events": ["project.created"]},
        state=lambda w: WebhookEndpoint.objects.count(),
    ),
    Row(
        "GET",
        "/api/v1/webhooks/{w.hook.pk}/",
        grid(scope="webhooks", bcn=200, cdmx=404, city=404, people=everyone(403)),
    ),
    Row(
        "PATCH",
        "/api/v1/webhooks/{w.hook.pk}/",
        grid(scope="webhooks", bcn=200, cdmx=404, city=404, people=everyone(403)),
        body=lambda w: {"active": False},
        state=lambda w: _reload(w.hook, "active"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "PUT",
        "/api/v1/webhooks/{w.hook.pk}/",
        grid(scope="webhooks", bcn=200, cdmx=404, city=404, people=everyone(403)),
        body=lambda w: {"url": PUBLIC_URL + "/v2", "events": ["call.opened"]},
        state=lambda w: _reload(w.hook, "url", "events"),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "DELETE",
        "/api/v1/webhooks/{w.hook.pk}/",
        grid(scope="webhooks", bcn=204, cdmx=404, city=404, people=everyone(403)),
        state=lambda w: WebhookEndpoint.objects.filter(pk=w.hook.pk).exists(),
        headers={"HTTP_IF_MATCH": "*"},
    ),
    Row(
        "GET",
        "/api/v1/webhooks/{w.hook.pk}/deliveries/",
        grid(scope="webhooks", bcn=200, cdmx=404, city=404, people=everyone(403)),
    ),
]


# Cells where the code does not give the expected answer yet: (row id, caller id) -> why.
# Each becomes a strict xfail, so that the fix has to remove it from here.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _cases() -> list[Any]:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "give rows on one address a label"
    stale = set(KNOWN_BUGS) - {(row.id, caller.id) for row in ROWS for caller in CALLERS}
    assert not stale, f"known bugs of no cell: {stale}"
    cases = []
    for row in ROWS:
        for caller in CALLERS:
            bug = KNOWN_BUGS.get((row.id, caller.id), "")
            marks = [pytest.mark.xfail(strict=True, reason=bug)] if bug else []
            cases.append(pytest.param(row, caller, id=f"{row.id} as {caller.id}", marks=marks))
    return cases


@pytest.mark.parametrize(("row", "caller"), _cases())
def test_access(row: Row, caller: Caller, request: pytest.FixtureRequest) -> None:
    expect = row.expect[caller.id]
    world = World(request)
    url = row.url.format(w=world)
    body = row.body(world) if row.body else None
    listed = row.listed(world) if row.listed else None
    client = caller.make(request)
    before = row.state(world) if row.state else None

    response = client.generic(
        row.method,
        url,
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        **row.headers,
    )

    content = response.content if not response.streaming else b"<file>"
    assert response.status_code == expect.status, (
        f"{caller.id} {row.method} {url}: expected {expect}, got {response.status_code}: "
        f"{content[:400]!r}"
    )
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM
        assert response.json()["status"] == response.status_code
    if row.state is not None:
        after = row.state(world)
        if response.status_code >= 400:
            assert after == before, "a refused write changed the database"
        else:
            assert after != before, "an accepted write changed nothing"
    if listed is not None and expect.listed is not None:
        key, value = listed
        values = [item[key] for item in response.json()["results"]]
        assert (value in values) is expect.listed, values


def _methods(callback: Any) -> set[str]:
    """The HTTP methods a route answers (not HEAD or OPTIONS, which every route answers)."""
    actions = getattr(callback, "actions", None)
    if actions:  # a viewset's route: method -> action (DRF adds head once it has served one)
        names = set(actions)
    else:
        view = callback.view_class
        names = {m for m in view.http_method_names if hasattr(view, m)}
    return {m.upper() for m in names - {"head", "options"}}


def test_the_table_covers_every_route_and_method_of_the_api() -> None:
    """A new endpoint or method without a row fails here: add its rows to ``ROWS``."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns: list[Any], prefix: str) -> list[tuple[str, Any]]:
        found = []
        for p in patterns:
            if isinstance(p, URLResolver):
                found += walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append((prefix + str(p.pattern), p.callback))
        return found

    served = {
        (method, _normalise(route))
        for route, callback in walk(get_resolver().url_patterns, "/")
        if route.startswith("/api/") and "format>" not in route
        for method in _methods(callback)
    }
    covered = {(row.method, _route_of(row.url)) for row in ROWS}
    assert len(served) > 30
    assert served <= covered, sorted(served - covered)


def _route_of(url: str) -> str:
    """``/api/v1/projects/{w.private.code}/transition/`` -> ``/api/v1/projects/*/transition/``"""
    return re.sub(r"\{[^}]+\}|BCN|URBAN_WATER|INCLUSIVE_ECOSYSTEMS", "*", url)


def _normalise(route: str) -> str:
    """``^v1/projects/(?P<code>[^/.]+)/transition/$`` -> ``/api/v1/projects/*/transition/``"""
    route = route.replace("^", "").replace("$", "")
    return re.sub(r"\(\?P<[^>]+>[^)]*\)|<[^>]+>", "*", route).replace("//", "/")


def test_a_milestone_for_a_private_project_is_refused_as_if_the_project_did_not_exist(
    request: pytest.FixtureRequest,
) -> None:
    world = World(request)
    api = _bearer(request.getfixturevalue("other_partner"), ["projects:write"])
    answers = []
    for code in (world.private.code, "CDMX-BCN-1999-9999"):
        body = {**_new_milestone(lambda w: w.private)(world), "project": code}
        response = api.post("/api/v1/milestones/", body, format="json")
        answers.append((response.status_code, response.json()["errors"]["project"][0]))
    assert answers[0][0] == answers[1][0] == 400
    assert answers[0][1].replace(world.private.code, "?") == answers[1][1].replace(
        "CDMX-BCN-1999-9999", "?"
    )
    assert not Milestone.objects.exists()


def test_a_clients_roles_are_read_afresh_on_every_call(
    request: pytest.FixtureRequest, partner: Credentials
) -> None:
    """The token lookup loads the client's roles with the token: a role taken away between two
    calls of the same token must count at once (the account proposes as a coordinator)."""
    from django.contrib.auth.models import Group

    from cooperation.roles import Role

    api = _bearer(partner, ["projects:write"])
    first = api.post("/api/v1/projects/", _proposal(World(request)), format="json")
    assert first.status_code == 201, first.json()
    partner.profile.account.groups.remove(Group.objects.get(name=Role.COORDINATOR))
    second = api.post("/api/v1/projects/", _proposal(World(request)), format="json")
    assert second.status_code == 403
    assert JointProject.objects.count() == 1
