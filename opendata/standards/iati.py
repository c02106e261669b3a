"""Write each public joint project as an IATI 2.03 activity (``iati-activities`` XML).

The file is written with ``lxml.etree.xmlfile``: the root element is opened, each activity
is built (a small tree), written and dropped, so memory stays flat whatever the number of
projects. Elements come in the order the 2.03 schema's sequence requires.

What an activity says (IATI element: source):

- ``iati-identifier``: ``<OPEN_DATA_IATI_ORG_REF>-<project code>``; ``reporting-org``: the
  programme (ref ``OPEN_DATA_IATI_ORG_REF``, type 11 local government), named in es/ca/en;
- ``title``, ``description``: narratives in each language the project has the text in; a
  missing Spanish text is completed from another language (or the summary from the title);
- ``participating-org``: role 1 (funding) for each city or institution that commits money,
  role 4 (implementing) for the lead and partner institutions; refs as in the 360Giving file
  (``sources.organisation_id``: ``OPEN_DATA_ORG_IDS``, else ``XI-ROR-<ror>``, else
  ``<org ref>-institution-<code>``, ``-city-`` for cities);
- ``activity-status``: from the project's status (``STATUS``);
- ``activity-date``: planned start and end (types 1 and 3), actual start and end (2 and 4)
  from the project's timeline, when it became active and completed;
- ``recipient-country``: the countries of the cities whose institutions take part
  (``OPEN_DATA_COUNTRIES``: Mexico for CDMX, Spain for BCN), sharing 100 %;
- ``sector``: the project's areas in vocabulary 99 and its axes in vocabulary 98
  ("reporting organisation" codes, with a ``vocabulary-uri``: the API's list of areas or
  axes), percentages adding to 100;
- ``policy-marker``: gender equality (vocabulary 1, code 1) only for projects of axis 3,
  significance 2 (principal objective) when it is the project's only axis, else 1;
- ``budget``: one per year of commitments (type 1 original, status 2 committed), its period
  the year within the project's dates, its value the year's commitments in the activity's
  default currency (the lead's city's), converted at the programme's own exchange rates;
- ``transaction``: each commitment as type 2 (commitment) with its value in its own currency,
  its date (``sources.commitment_date``), the funder as provider and the lead as receiver.

A year whose commitments cannot be converted (no exchange rate kept) has no budget; a
commitment with no funder, amount or currency, or support in kind, has no transaction; a
project with no lead is kept (its institutions implementing, its transactions without a
receiver). Each is an ``Omission``; no project is ever left out for its data. The licence
has no element in an activities file: it is stated in a comment, and in the catalogue.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from cooperation.models import Institution, Party
from opendata.standards import Omission, StandardResult
from opendata.standards.sources import (
    FILE_LANGUAGE,
    LANGUAGES,
    Text,
    areas_of,
    axes_of,
    cities_of,
    city_countries,
    commitment_date,
    commitment_problem,
    commitment_record,
    funder_of,
    gender_axis_code,
    in_file_language,
    lead_of,
    name_of,
    organisation_id,
    project_record,
    projects_in_chunks,
    texts,
)
from projects.models import FundingCommitment, JointProject, ProjectStatus
from projects.services.money import exchange_rate

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The project's lifecycle in IATI's ActivityStatus codelist: approved but not started is
# still in the pipeline (1); completed is closed (4), nothing is left to report on it.
STATUS: dict[str, str] = {
    ProjectStatus.PROPOSED: "1",
    ProjectStatus.APPROVED: "1",
    ProjectStatus.ACTIVE: "2",
    ProjectStatus.COMPLETED: "4",
    ProjectStatus.CANCELLED: "5",
    ProjectStatus.SUSPENDED: "6",
}
# Institution kinds in IATI's OrganisationType codelist.
ORGANISATION_TYPE: dict[str, str] = {
    Institution.Kind.UNIVERSITY: "80",  # academic, training and research
    Institution.Kind.RESEARCH_CENTRE: "80",
    Institution.Kind.TECHNOLOGY_CENTRE: "80",
    Institution.Kind.SCHOOL: "80",
    Institution.Kind.COMPANY: "70",  # private sector
    Institution.Kind.CIVIL_SOCIETY: "22",  # national NGO
    Institution.Kind.GOVERNMENT: "15",  # other public sector
    Institution.Kind.INCUBATOR: "90",  # other
}
CITY_TYPE = "11"  # local government
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
TRANSACTION_COMMITMENT = "2"
BUDGET_ORIGINAL, BUDGET_COMMITTED = "1", "2"
SECTOR_AREAS, SECTOR_AXES = "99", "98"  # reporting organisation's vocabularies 1 and 2
POLICY_GENDER_VOCABULARY, POLICY_GENDER_CODE = "1", "1"
SIGNIFICANT, PRINCIPAL = "1", "2"
CENT = Decimal("0.01")


def organisation_ref() -> str:
    """Return the programme's IATI organisation identifier (``OPEN_DATA_IATI_ORG_REF``)."""
    return str(getattr(settings, "OPEN_DATA_IATI_ORG_REF", "XI-IATI-CDMXBCN"))


def organisation_type(organisation: Institution | Party) -> str:
    if isinstance(organisation, Institution):
        return ORGANISATION_TYPE.get(organisation.kind, "90")
    return CITY_TYPE


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _narrative(parent: etree._Element, text: str, language: str) -> None:
    element = _sub(parent, "narrative", text)
    if language != FILE_LANGUAGE:  # the activity declares Spanish
        element.set(XML_LANG, language)


def _narratives(parent: etree._Element, first: Text, others: dict[str, str]) -> None:
    """Write the text in the file's language (or what completes it), then the translations."""
    _narrative(parent, first.value, first.language)
    for language, value in others.items():
        if language != first.language:
            _narrative(parent, value, language)


def _percentages(count: int) -> list[str]:
    """Split 100 % in ``count`` shares of two decimals that add up to exactly 100."""
    share = (Decimal(100) / count).quantize(CENT, rounding=ROUND_HALF_UP)
    shares = [share] * (count - 1)
    return [str(s.quantize(CENT)) for s in [*shares, Decimal(100) - sum(shares, Decimal(0))]]


class _Rates:
    """The programme's exchange rates, each pair and date looked up once per file."""

    def __init__(self) -> None:
        self.found: dict[tuple[str, str, datetime.date], Decimal | None] = {}

    def rate(self, base: str, quote: str, on: datetime.date) -> Decimal | None:
        key = (base, quote, on)
        if key not in self.found:
            found = exchange_rate(base=base, quote=quote, on=on)
            self.found[key] = found[0] if found else None
        return self.found[key]


class _Activity:
    """Build one project's ``iati-activity`` element, noting what it leaves out."""

    def __init__(
        self,
        project: JointProject,
        *,
        org_ref: str,
        site_url: str,
        published_on: datetime.date,
        rates: _Rates,
    ) -> None:
        self.project = project
        self.org_ref = org_ref
        self.site_url = site_url
        self.published_on = published_on
        self.rates = rates
        self.omissions: list[Omission] = []
        self.record = project_record(project)
        self.lead = lead_of(project)
        self.commitments: list[FundingCommitment] = []
        for commitment in project.funding.all():
            problem = commitment_problem(commitment)
            if problem is None:
                self.commitments.append(commitment)
            else:
                self.omissions.append(Omission(commitment_record(project, commitment), problem))
        # Values carry their own currency; the default is the lead's city's (the currency
        # the project is run in), else its first commitment's.
        self.currency = (
            self.lead.party.currency
            if self.lead is not None
            else (self.commitments[0].currency if self.commitments else "EUR")
        )

    def build(self, reporting_org: Callable[[etree._Element], None]) -> etree._Element:
        project = self.project
        activity = etree.Element(
            "iati-activity",
            {
                "last-updated-datetime": project.updated_at.isoformat(),
                XML_LANG: FILE_LANGUAGE,
                "default-currency": self.currency,
            },
        )
        _sub(activity, "iati-identifier", f"{self.org_ref}-{project.code}")
        reporting_org(activity)
        self._texts(activity)
        self._organisations(activity)
        _sub(activity, "activity-status", code=STATUS.get(project.status, "1"))
        self._dates(activity)
        self._countries(activity)
        self._sectors(activity)
        self._policy_marker(activity)
        self._budgets(activity)
        self._transactions(activity)
        return activity

    def _texts(self, activity: etree._Element) -> None:
        project = self.project
        title = in_file_language(project, "title", fallback=project.code)
        if title.completed:
            self.omissions.append(
                Omission(
                    self.record,
                    _("No Spanish title: the title is given in another language."),
                    completed=True,
                )
            )
        _narratives(_sub(activity, "title"), title, texts(project, "title"))
        summary = in_file_language(project, "summary", fallback=title.value)
        if summary.completed:
            self.omissions.append(
                Omission(
                    self.record,
                    _("No Spanish summary: the description is completed from another text."),
                    completed=True,
                )
            )
        # Type 1: the general description of the activity.
        _narratives(_sub(activity, "description", type="1"), summary, texts(project, "summary"))

    def _org(self, parent: etree._Element, tag: str, org: Institution | Party, **attrs: str) -> Any:
        element = _sub(
            parent,
            tag,
            ref=organisation_id(org, prefix=self.org_ref),
            type=organisation_type(org),
            **attrs,
        )
        _narrative(element, name_of(org), FILE_LANGUAGE)
        return element

    def _organisations(self, activity: etree._Element) -> None:
        funders: dict[tuple[str, int], Institution | Party] = {}
        for commitment in self.commitments:
            funder = funder_of(commitment)
            funders.setdefault((type(funder).__name__, funder.pk), funder)
        for funder in funders.values():
            self._org(activity, "participating-org", funder, role=ROLE_FUNDING)
        for participation in self.project.participations.all():
            self._org(
                activity, "participating-org", participation.institution, role=ROLE_IMPLEMENTING
            )
        if not funders and not self.project.participations.all():
            # The schema wants one participating organisation: the programme itself funds.
            element = _sub(activity, "participating-org", ref=self.org_ref, role=ROLE_FUNDING)
            element.set("type", CITY_TYPE)
            _narrative(element, _programme_name_es(), FILE_LANGUAGE)
        if self.lead is None:
            self.omissions.append(
                Omission(
                    self.record,
                    _(
                        "No lead institution: its institutions are published as implementing "
                        "and its commitments have no receiving organisation."
                    ),
                    completed=True,
                )
            )

    def _countries(self, activity: etree._Element) -> None:
        """Write the countries of the cities taking part, sharing 100 % (IATI's rule that an
        activity names where it happens)."""
        countries = city_countries()
        found: list[str] = []
        for city in cities_of(self.project):
            country = countries.get(city.code)
            if country and country not in found:
                found.append(country)
        if not found:
            # No institution in a city of known country (none at all, in older rows): the
            # programme's countries, each once, rather than an activity that names none.
            found = list(dict.fromkeys(countries.values()))
            self.omissions.append(
                Omission(
                    self.record,
                    _("No institution in a city of known country: the programme's countries."),
                    completed=True,
                )
            )
        if not found:
            return
        for country, percentage in zip(found, _percentages(len(found)), strict=True):
            _sub(activity, "recipient-country", code=country, percentage=percentage)

    def _dates(self, activity: etree._Element) -> None:
        project = self.project
        _sub(activity, "activity-date", type="1", iso_date=project.start_date.isoformat())
        actual: dict[str, datetime.date] = {}
        for step in getattr(project, "open_data_steps", []):
            # The first time it became active, and the last time it was completed.
            day = timezone.localdate(step.at)
            if day > self.published_on:
                continue  # never an actual date after the file
            if step.to_status == ProjectStatus.ACTIVE:
                actual.setdefault("2", day)
            elif step.to_status == ProjectStatus.COMPLETED:
                actual["4"] = day
        if "2" in actual:
            _sub(activity, "activity-date", type="2", iso_date=actual["2"].isoformat())
        _sub(activity, "activity-date", type="3", iso_date=project.end_date.isoformat())
        if "4" in actual and project.status == ProjectStatus.COMPLETED:
            _sub(activity, "activity-date", type="4", iso_date=actual["4"].isoformat())

    def _sectors(self, activity: etree._Element) -> None:
        for vocabulary, items, codelist in (
            (SECTOR_AREAS, areas_of(self.project), "api:area-list"),
            (SECTOR_AXES, axes_of(self.project), "api:axis-list"),
        ):
            if not items:
                continue
            for item, percentage in zip(items, _percentages(len(items)), strict=True):
                sector = _sub(
                    activity,
                    "sector",
                    vocabulary=vocabulary,
                    # The programme's codes with their names, read anonymously in the API.
                    vocabulary_uri=f"{self.site_url}{reverse(codelist)}",
                    code=item.code,
                    percentage=percentage,
                )
                _narratives(sector, _name_text(item), texts(item, "name"))

    def _policy_marker(self, activity: etree._Element) -> None:
        axes = [axis.code for axis in axes_of(self.project)]
        if gender_axis_code() not in axes:
            return
        marker = _sub(
            activity,
            "policy-marker",
            vocabulary=POLICY_GENDER_VOCABULARY,
            code=POLICY_GENDER_CODE,
            significance=PRINCIPAL if len(axes) == 1 else SIGNIFICANT,
        )
        with translation.override(FILE_LANGUAGE):
            _narrative(marker, _("Gender equality"), FILE_LANGUAGE)

    def _budgets(self, activity: etree._Element) -> None:
        project = self.project
        by_year: dict[int, list[FundingCommitment]] = {}
        for commitment in self.commitments:
            by_year.setdefault(commitment.year, []).append(commitment)
        for year, commitments in sorted(by_year.items()):
            start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
            # The year within the project's dates, when they overlap (a period of at most
            # a year, as IATI's rules ask).
            if start <= project.end_date and project.start_date <= end:
                start, end = max(start, project.start_date), min(end, project.end_date)
            total = Decimal(0)
            for commitment in commitments:
                rate = self.rates.rate(commitment.currency, self.currency, start)
                if rate is None:
                    # The reason names no figure, so that every year missing a rate shares
                    # it (a release's report counts records per reason); the record says
                    # which currencies and when.
                    self.omissions.append(
                        Omission(
                            _("budget %(year)s of project %(code)s (%(base)s to %(quote)s)")
                            % {
                                "year": year,
                                "code": project.code,
                                "base": commitment.currency,
                                "quote": self.currency,
                            },
                            _(
                                "No exchange rate kept to the activity's currency on or before "
                                "the year's start: the year's budget is left out."
                            ),
                        )
                    )
                    break
                total += commitment.amount * rate
            else:
                budget = _sub(activity, "budget", type=BUDGET_ORIGINAL, status=BUDGET_COMMITTED)
                _sub(budget, "period-start", iso_date=start.isoformat())
                _sub(budget, "period-end", iso_date=end.isoformat())
                _sub(
                    budget,
                    "value",
                    str(total.quantize(CENT, rounding=ROUND_HALF_UP)),
                    currency=self.currency,
                    value_date=start.isoformat(),
                )

    def _transactions(self, activity: etree._Element) -> None:
        for commitment in self.commitments:
            funder = funder_of(commitment)
            day = commitment_date(commitment, self.published_on).isoformat()
            transaction = _sub(activity, "transaction")
            _sub(transaction, "transaction-type", code=TRANSACTION_COMMITMENT)
            _sub(transaction, "transaction-date", iso_date=day)
            _sub(
                transaction,
                "value",
                str(commitment.amount.quantize(CENT)),
                currency=commitment.currency,
                value_date=day,
            )
            self._org(transaction, "provider-org", funder)
            if self.lead is not None:
                self._org(transaction, "receiver-org", self.lead)


def _name_text(item: Any) -> Text:
    return in_file_language(item, "name", fallback=item.code)


def _programme_name_es() -> str:
    return "Programa de cooperación Ciudad de México–Barcelona"


def _reporting_org(org_ref: str) -> Callable[[etree._Element], None]:
    """Return a writer of the programme's ``reporting-org``, its names translated once."""
    names = {}
    for language in LANGUAGES:
        with translation.override(language):
            names[language] = _("Mexico City–Barcelona cooperation programme")

    def write(activity: etree._Element) -> None:
        element = _sub(activity, "reporting-org", ref=org_ref, type=CITY_TYPE)
        for language, name in names.items():
            _narrative(element, name, language)

    return write


def write_activities(
    out: BinaryIO,
    *,
    projects: QuerySet[JointProject],
    published_on: datetime.date,
    site_url: str,
    licence_url: str,
) -> StandardResult:
    """Write the projects as IATI 2.03 activities to ``out``, one at a time."""
    org_ref = organisation_ref()
    site_url = site_url.rstrip("/")
    reporting_org = _reporting_org(org_ref)
    rates = _Rates()
    result = StandardResult(records=0)
    with etree.xmlfile(out, encoding="utf-8") as xf:
        xf.write_declaration()
        # The licence travels in the release's catalogue (DCAT); IATI's activities file has
        # no element for it, so it is stated as a comment for whoever opens the file.
        xf.write(etree.Comment(f" Licence: {licence_url.replace('--', '%2D%2D')} "))
        with xf.element(
            "iati-activities",
            {"version": VERSION, "generated-datetime": timezone.now().isoformat()},
        ):
            for project in projects_in_chunks(projects):
                builder = _Activity(
                    project,
                    org_ref=org_ref,
                    site_url=site_url,
                    published_on=published_on,
                    rates=rates,
                )
                # One element a line: a validation error's line points at it.
                xf.write(builder.build(reporting_org), pretty_print=True)
                result.omissions.extend(builder.omissions)
                result.records += 1
    return result
