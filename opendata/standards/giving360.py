"""Write the cities' funding of public joint projects as a 360Giving 1.4.3 grant package.

One grant per funding commitment, not one per project: a grant has one funder, one currency
and one amount, and a commitment is exactly that (the city or institution that commits, in
MXN, EUR or USD, for a year). A grant per project would have to add up commitments of
several funders in several currencies, which needs exchange rates the programme does not
always keep and would publish a figure nobody committed. The grants of a project share its
``relatedActivity`` (the project's identifier), so the project's total can be put together.

The package (``{"grants": [...]}`` with its metadata) is written as it is read, grant by
grant, so memory stays flat whatever the number of projects.

What a grant says (360Giving field: source):

- ``id``: ``<OPEN_DATA_360_PREFIX>-<project code>-<commitment id>`` (prefix "360G-cdmxbcn"
  until the programme registers its own with 360Giving);
- ``title``, ``description``: the project's title and summary in Spanish, the language the
  package declares; a missing Spanish text is completed from Catalan or English (or the
  description from the title), and the omissions say so;
- ``currency``, ``amountAwarded``: the commitment's, in its own currency; ``awardDate``:
  1 January of its year (never after the file: ``sources.commitment_date``);
- ``plannedDates``: the project's planned start and end, and its duration in months;
- ``beneficiaryLocation``: the cities whose institutions take part, with their countries
  (``OPEN_DATA_COUNTRIES``: MX for CDMX, ES for BCN);
- ``fundingOrganization``: the committing city or institution; ``recipientOrganization``: the
  project's lead institution. Organisation ids (``sources.organisation_id``, the same in
  the IATI file): a registered one from ``OPEN_DATA_ORG_IDS``, else ``XI-ROR-<ror>`` where
  the institution has a ROR id, else ``<prefix>-institution-<code>`` (``-city-`` for a city);
- ``classifications``: the project's areas (vocabulary ``<prefix>-area``) and axes
  (``<prefix>-axis``), by code with their Spanish names;
- ``grantProgramme``, ``url``, ``dataSource``, ``dateModified``: the programme, the project's
  public page and when the project last changed.

A project with no lead institution has no recipient: its grants are left out. A commitment
with no funder, amount or currency, or support in kind, is left out. Each is an ``Omission``.

The awarded researcher stays follow the projects' grants, as grants to individuals in the
anonymised form the standard asks for, the groups (a call and a host city) whose count is
hidden pooled into one grant per currency: ``opendata.standards.stays`` says what they hold
and why it cannot lead to a person.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, BinaryIO

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import Institution, Party
from opendata.standards import Omission, StandardResult
from opendata.standards.sources import (
    amount_number,
    areas_of,
    axes_of,
    cities_of,
    city_countries,
    commitment_date,
    commitment_problem,
    commitment_record,
    funder_of,
    in_file_language,
    lead_of,
    name_of,
    organisation_id,
    project_record,
    projects_in_chunks,
    web_address,
)
from opendata.standards.stays import stay_grants
from projects.models import FundingCommitment, JointProject

SCHEMA_VERSION = "1.4"  # the package's ``version`` is major.minor (1.4.3 is a 1.4 schema)


def grant_prefix() -> str:
    """Return the programme's 360Giving identifier prefix (``OPEN_DATA_360_PREFIX``)."""
    return str(getattr(settings, "OPEN_DATA_360_PREFIX", "360G-cdmxbcn"))


def _organisation(organisation: Institution | Party, *, prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": organisation_id(organisation, prefix=prefix),
        "name": name_of(organisation),
    }
    if isinstance(organisation, Institution):
        data["addressLocality"] = name_of(organisation.party)
        website = web_address(organisation.website)
        if website:
            data["url"] = website
    return data


def _months(start: datetime.date, end: datetime.date) -> int:
    """Return the planned duration in whole months, at least one (a started month counts)."""
    return max(1, (end.year - start.year) * 12 + end.month - start.month + (end.day >= start.day))


class _Project:
    """What every grant of one project shares, computed once per project."""

    def __init__(self, project: JointProject, *, prefix: str, site_url: str) -> None:
        self.project = project
        self.omissions: list[Omission] = []
        record = project_record(project)
        title = in_file_language(project, "title", fallback=project.code)
        if title.completed:
            self.omissions.append(
                Omission(
                    record,
                    _("No Spanish title: the title is given in another language."),
                    completed=True,
                )
            )
        description = in_file_language(project, "summary", fallback=title.value)
        if description.completed:
            self.omissions.append(
                Omission(
                    record,
                    _("No Spanish summary: the description is completed from another text."),
                    completed=True,
                )
            )
        self.title, self.description = title.value, description.value
        page = f"{site_url}{project.get_absolute_url()}"
        countries = city_countries()
        self.fields: dict[str, Any] = {
            "url": page,
            "plannedDates": [
                {
                    "startDate": project.start_date.isoformat(),
                    "endDate": project.end_date.isoformat(),
                    "duration": _months(project.start_date, project.end_date),
                }
            ],
            # Where the project's good is done: the cities taking part, in their countries.
            "beneficiaryLocation": [
                {"name": name_of(city), "countryCode": countries[city.code]}
                if city.code in countries
                else {"name": name_of(city)}
                for city in cities_of(project)
            ],
            "grantProgramme": [
                {
                    "code": prefix,
                    "title": _programme_title(),
                    "url": f"{site_url}/",
                }
            ],
            "classifications": [
                *(
                    {"vocabulary": f"{prefix}-area", "code": area.code, "title": name_of(area)}
                    for area in areas_of(project)
                ),
                *(
                    {"vocabulary": f"{prefix}-axis", "code": axis.code, "title": name_of(axis)}
                    for axis in axes_of(project)
                ),
            ],
            "relatedActivity": [f"{prefix}-{project.code}"],
            "dateModified": project.updated_at.isoformat(),
            "dataSource": page,
        }


def _programme_title() -> str:
    # The package's texts are in Spanish, whatever language the release runs in.
    return "Programa de cooperación Ciudad de México–Barcelona"


def _grant(
    common: _Project,
    commitment: FundingCommitment,
    *,
    recipient: Institution,
    prefix: str,
    published_on: datetime.date,
) -> dict[str, Any]:
    project = common.project
    funder = funder_of(commitment)
    return {
        "id": f"{prefix}-{project.code}-{commitment.pk}",
        "title": common.title,
        "description": common.description,
        "currency": commitment.currency,
        "amountAwarded": amount_number(commitment.amount),
        "awardDate": commitment_date(commitment, published_on).isoformat(),
        "fundingOrganization": [_organisation(funder, prefix=prefix)],
        "recipientOrganization": [_organisation(recipient, prefix=prefix)],
        **common.fields,
    }


def project_grants(
    project: JointProject, *, prefix: str, site_url: str, published_on: datetime.date
) -> tuple[list[dict[str, Any]], list[Omission]]:
    """Return one project's grants and what was left out or completed of them, and why."""
    commitments = list(project.funding.all())
    if not commitments:
        return [], []
    lead = lead_of(project)
    if lead is None:
        return [], [
            Omission(
                project_record(project),
                _("No lead institution: its funding has no recipient, so its grants are left out."),
            )
        ]
    common = _Project(project, prefix=prefix, site_url=site_url)
    grants, omissions = [], list(common.omissions)
    for commitment in commitments:
        problem = commitment_problem(commitment)
        if problem is not None:
            omissions.append(Omission(commitment_record(project, commitment), problem))
            continue
        grants.append(
            _grant(common, commitment, recipient=lead, prefix=prefix, published_on=published_on)
        )
    return grants, omissions


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def write_grants(
    out: BinaryIO,
    *,
    projects: QuerySet[JointProject],
    published_on: datetime.date,
    site_url: str,
    licence_url: str,
) -> StandardResult:
    """Write the projects' funding commitments as a 360Giving package of grants to ``out``."""
    prefix = grant_prefix()
    site_url = site_url.rstrip("/")
    package = {
        "version": SCHEMA_VERSION,
        "title": "Financiación de los proyectos conjuntos del programa CDMX–BCN",
        "description": (
            "Compromisos de financiación de la Ciudad de México, Barcelona y sus "
            "instituciones para los proyectos conjuntos públicos del programa de cooperación, "
            "una subvención por compromiso, en su propia moneda; y las estancias de "
            "investigación concedidas, como subvenciones a personas anónimas, agregadas "
            "donde son pocas. Textos en español."
        ),
        "identifier": f"{prefix}-{published_on.isoformat()}",
        "issued": published_on.isoformat(),
        "modified": timezone.now().isoformat(),
        "publisher": {"name": _programme_title(), "identifier": prefix, "website": f"{site_url}/"},
        "license": licence_url,
        "accessURL": f"{site_url}/open-data/",
    }
    # The package's metadata, then its grants one by one: the closing brackets come last.
    out.write(_dump(package)[:-1] + b',"grants":[')
    result = StandardResult(records=0)
    for project in projects_in_chunks(projects):
        grants, omissions = project_grants(
            project, prefix=prefix, site_url=site_url, published_on=published_on
        )
        result.omissions.extend(omissions)
        for grant in grants:
            out.write((b"," if result.records else b"") + _dump(grant))
            result.records += 1
    programme = {"id": prefix, "name": _programme_title(), "url": f"{site_url}/"}
    for stay, omissions in stay_grants(
        prefix=prefix, published_on=published_on, programme=programme
    ):
        result.omissions.extend(omissions)
        if stay is not None:
            out.write((b"," if result.records else b"") + _dump(stay))
            result.records += 1
    out.write(b"]}")
    return result
