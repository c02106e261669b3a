"""The datasets of a release: one registry, each dataset its columns and its rows.

A dataset is declared once (``Dataset``): its code (the files' name), title and description
in the reader's language, its columns with their meaning (the data dictionary beside the
CSV) and a function yielding its rows from querysets read with ``.iterator(chunk_size=…)``,
so that a release streams at constant memory. Only what is public leaves: public projects and
what hangs from them, the institutions' register, calls and their outcome in aggregate, the
stay statistics under disclosure control, published practices and public events. No person's
name, e-mail or identifier is a column of any dataset.

To add a dataset, write its rows function and append one ``Dataset`` to
``DATASETS``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from opendata.columns import CHUNK, Column, Row, _text_columns, _texts
from opendata.event_dataset import EVENT_COLUMNS, event_rows
from opendata.notes import Notes


@dataclass(frozen=True)
class Dataset:
    code: str
    title: Promise
    description: Promise
    columns: tuple[Column, ...]
    rows: Callable[[Notes], Iterator[Row]]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]


# --- Public joint projects -----------------------------------------------------------------


def project_rows(notes: Notes) -> Iterator[Row]:
    from projects.models import JointProject, Participation

    projects = (
        JointProject.objects.public()
        .select_related("primary_area")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("institution__party").order_by(
                    "role", "pk"
                ),
            ),
            "areas",
            "axes",
        )
        .order_by("pk")
    )
    for project in projects.iterator(chunk_size=CHUNK):
        participations = list(project.participations.all())
        leads = [p.institution for p in participations if p.role == Participation.Role.LEAD]
        if not leads:
            notes.completed(
                "projects",
                project.code,
                gettext_noop("The project has no lead institution: its lead is left empty"),
            )
        row: Row = {"code": project.code}
        for field in ("title", "summary", "impact"):
            row |= _texts(project, field, notes=notes, source="projects", record=project.code)
        row |= {
            "status": project.status,
            "start_date": project.start_date.isoformat(),
            "end_date": project.end_date.isoformat(),
            "primary_area": project.primary_area.code,
            "areas": sorted({project.primary_area.code, *(a.code for a in project.areas.all())}),
            "axes": sorted(a.code for a in project.axes.all()),
            "lead_institution": leads[0].code if leads else "",
            "institutions": [p.institution.code for p in participations],
            "cities": sorted({p.institution.party.code for p in participations}),
            "url": settings.SITE_URL.rstrip("/") + project.get_absolute_url(),
        }
        yield row


PROJECT_COLUMNS = (
    Column("code", _("The project's code in the programme (CDMX-BCN-<year>-<number>)")),
    *_text_columns("title", _("The project's title in this language")),
    *_text_columns("summary", _("The project's summary in this language")),
    *_text_columns("impact", _("The project's social and urban impact in this language")),
    Column("status", _("Status: proposed, approved, active, completed, suspended, cancelled")),
    Column("start_date", _("Planned start (ISO 8601 date)"), "date"),
    Column("end_date", _("Planned end (ISO 8601 date)"), "date"),
    Column("primary_area", _("Code of the primary strategic area")),
    Column("areas", _("Codes of every strategic area, the primary one included"), "list"),
    Column("axes", _("Codes of the programme's axes"), "list"),
    Column("lead_institution", _("Code of the lead institution (empty when none is recorded)")),
    Column("institutions", _("Codes of every institution taking part"), "list"),
    Column("cities", _("Codes of the cities whose institutions take part"), "list"),
    Column("url", _("The project's public page")),
)


# --- Funding commitments of public projects ---------------------------------------------------


def funding_rows(notes: Notes) -> Iterator[Row]:
    from projects.models import FundingCommitment

    commitments = (
        FundingCommitment.objects.filter(project__public=True)
        .select_related("project", "funder_party", "funder_institution")
        .order_by("pk")
    )
    for commitment in commitments.iterator(chunk_size=CHUNK):
        if commitment.funder_party is not None:
            kind, funder = "city", commitment.funder_party.code
        elif commitment.funder_institution is not None:
            kind, funder = "institution", commitment.funder_institution.code
        else:  # the database forbids it; an old row must still not break a release
            notes.omitted(
                "funding",
                f"{commitment.project.code}#{commitment.pk}",
                gettext_noop("The commitment names no funder: it is left out"),
            )
            continue
        yield {
            "project": commitment.project.code,
            "funder_type": kind,
            "funder": funder,
            "amount": str(commitment.amount),
            "currency": commitment.currency,
            "year": commitment.year,
            "kind": commitment.kind,
        }


FUNDING_COLUMNS = (
    Column("project", _("Code of the public project funded")),
    Column("funder_type", _("Who commits: city or institution")),
    Column("funder", _("Code of the funding city or institution")),
    Column("amount", _("Amount committed, in its own currency"), "decimal"),
    Column("currency", _("ISO 4217 currency of the amount")),
    Column("year", _("Year of the commitment"), "integer"),
    Column("kind", _("cash or in_kind")),
)


# --- Institutions ---------------------------------------------------------------------------


def institution_rows(notes: Notes) -> Iterator[Row]:
    from cooperation.models import Institution

    for institution in (
        Institution.objects.select_related("party").order_by("code").iterator(chunk_size=CHUNK)
    ):
        row: Row = {"code": institution.code}
        row |= _texts(
            institution, "name", notes=notes, source="institutions", record=institution.code
        )
        row |= {
            "acronym": institution.acronym,
            "kind": institution.kind,
            "city": institution.party.code,
            "ecos_member": institution.ecos_member,
            "website": institution.website,
            "ror_id": institution.ror_id,
            "active": institution.active,
        }
        yield row


INSTITUTION_COLUMNS = (
    Column("code", _("The institution's code in the programme")),
    *_text_columns("name", _("The institution's name in this language")),
    Column("acronym", _("Acronym")),
    Column("kind", _("Kind of institution")),
    Column("city", _("Code of the institution's city")),
    Column("ecos_member", _("Member of the ECOS Network"), "boolean"),
    Column("website", _("Website")),
    Column("ror_id", _("ROR identifier, when known")),
    Column("active", _("Still active in the programme"), "boolean"),
)


# --- Calls and their outcome in aggregate -----------------------------------------------------


def call_rows(notes: Notes) -> Iterator[Row]:
    from cooperation.disclosure import Publication
    from exchanges import statistics
    from exchanges.models import Call

    published: Publication = statistics.applications_publication()

    def shown(key: Any) -> int | None:
        value = published.shown(key) if key in published.values else 0
        return value if isinstance(value, int) else None

    calls = Call.objects.prefetch_related("areas", "call_hosts__institution").order_by("pk")
    for call in calls.iterator(chunk_size=CHUNK):
        record = str(call.pk)
        row: Row = {"call": call.pk}
        row |= _texts(call, "title", notes=notes, source="calls", record=record)
        hosts = list(call.call_hosts.all())
        row |= {
            "direction": call.direction,
            "opens_at": call.opens_at.isoformat(),
            "closes_at": call.closes_at.isoformat(),
            "areas": sorted(a.code for a in call.areas.all()),
            "hosts": [h.institution.code for h in hosts],
            "places": sum(h.places for h in hosts),
            "applications": shown(statistics.call_total_key(call.pk)),
            "approved": shown(("approved", call.pk)),
        }
        yield row


CALL_COLUMNS = (
    Column("call", _("The call's number"), "integer"),
    *_text_columns("title", _("The call's title in this language")),
    Column("direction", _("Direction of the stays (which city hosts)")),
    Column("opens_at", _("When applications open (ISO 8601)"), "datetime"),
    Column("closes_at", _("When applications close (ISO 8601)"), "datetime"),
    Column("areas", _("Codes of the call's strategic areas"), "list"),
    Column("hosts", _("Codes of the host institutions"), "list"),
    Column("places", _("Places offered by the hosts"), "integer"),
    Column(
        "applications",
        _(
            "Applications submitted; empty where hidden by disclosure control (1 to 4, or a "
            "count that would reveal one)"
        ),
        "integer",
    ),
    Column(
        "approved", _("Applications approved; empty where hidden by disclosure control"), "integer"
    ),
)


# --- Stay statistics (the API's stay-statistics, under disclosure control) --------------------


def stay_statistics_rows(notes: Notes) -> Iterator[Row]:
    from exchanges import statistics

    published = statistics.stay_statistics()
    for row in published["by_call_and_status"]:
        yield {
            "group": "call_status",
            "call": row["call"],
            "direction": "",
            "status": row["status"],
            "count": row["count"],
            "suppressed": row["suppressed"],
        }
    for row in published["by_direction"]:
        yield {
            "group": "direction",
            "call": None,
            "direction": row["direction"],
            "status": "",
            "count": row["count"],
            "suppressed": row["suppressed"],
        }


STAY_STATISTICS_COLUMNS = (
    Column("group", _("call_status (a call's applications in one status) or direction")),
    Column("call", _("The call's number"), "integer"),
    Column("direction", _("Direction of the stays")),
    Column("status", _("Status of the applications")),
    Column("count", _("Number of applications; empty when suppressed"), "integer"),
    Column("suppressed", _("Hidden by disclosure control"), "boolean"),
)


# --- Published practices ---------------------------------------------------------------------


def practice_rows(notes: Notes) -> Iterator[Row]:
    from knowledge.models import Practice

    practices = (
        Practice.objects.published()
        .select_related("institution", "origin", "primary_area")
        .prefetch_related("partners", "areas", "axes", "projects")
        .order_by("pk")
    )
    for practice in practices.iterator(chunk_size=CHUNK):
        record = str(practice.pk)
        row: Row = {"practice": practice.pk}
        for field in ("title", "summary"):
            row |= _texts(practice, field, notes=notes, source="practices", record=record)
        row |= {
            "kind": practice.kind,
            "origin": practice.origin.code,
            "institution": practice.institution.code,
            "partners": sorted(i.code for i in practice.partners.all()),
            "primary_area": practice.primary_area.code,
            "areas": sorted(a.code for a in practice.areas.all()),
            "axes": sorted(a.code for a in practice.axes.all()),
            "audiences": list(practice.audiences),
            "licence": practice.licence,
            "projects": sorted(p.code for p in practice.projects.all() if p.public),
            "published_at": practice.published_at.isoformat() if practice.published_at else "",
            "url": settings.SITE_URL.rstrip("/") + practice.get_absolute_url(),
        }
        yield row


PRACTICE_COLUMNS = (
    Column("practice", _("The practice's number"), "integer"),
    *_text_columns("title", _("The practice's title in this language")),
    *_text_columns("summary", _("The practice's summary in this language")),
    Column("kind", _("Kind of practice")),
    Column("origin", _("Code of the city of origin")),
    Column("institution", _("Code of the institution that shares it")),
    Column("partners", _("Codes of partner institutions"), "list"),
    Column("primary_area", _("Code of the primary strategic area")),
    Column("areas", _("Codes of other strategic areas"), "list"),
    Column("axes", _("Codes of the programme's axes"), "list"),
    Column("audiences", _("Audiences it is meant for"), "list"),
    Column("licence", _("Licence of the practice's content")),
    Column("projects", _("Codes of the public projects it comes from"), "list"),
    Column("published_at", _("When it was published (ISO 8601)"), "datetime"),
    Column("url", _("The practice's public page")),
)


DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "projects",
        _("Joint projects"),
        _(
            "Public joint projects of the programme with their institutions, strategic areas "
            "and axes."
        ),
        PROJECT_COLUMNS,
        project_rows,
    ),
    Dataset(
        "funding",
        _("Funding commitments"),
        _(
            "What each city and institution has committed to the public joint projects, in its "
            "own currency."
        ),
        FUNDING_COLUMNS,
        funding_rows,
    ),
    Dataset(
        "institutions",
        _("Institutions"),
        _("The register of institutions of both cities that take part in the programme."),
        INSTITUTION_COLUMNS,
        institution_rows,
    ),
    Dataset(
        "calls",
        _("Calls for stays and their outcome"),
        _(
            "Calls for researcher stays, with their applications and approvals in aggregate, "
            "under disclosure control."
        ),
        CALL_COLUMNS,
        call_rows,
    ),
    Dataset(
        "stay-statistics",
        _("Stay statistics"),
        _(
            "Applications for stays per call and status and per direction, the same protected "
            "figures the API publishes."
        ),
        STAY_STATISTICS_COLUMNS,
        stay_statistics_rows,
    ),
    Dataset(
        "practices",
        _("Published practices"),
        _(
            "Methodologies, good practices, tools and policies published in the library of "
            "practices."
        ),
        PRACTICE_COLUMNS,
        practice_rows,
    ),
    Dataset(
        "events",
        _("Public events"),
        _(
            "Seminars, workshops, conferences and visits of the programme, published or "
            "cancelled after publication, with their attendance under disclosure control."
        ),
        EVENT_COLUMNS,
        event_rows,
    ),
)
REGISTRY: dict[str, Dataset] = {d.code: d for d in DATASETS}
