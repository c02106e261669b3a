"""The programme's reports against small hand-computed fixtures, read back from each format."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone

from cooperation.disclosure import HIDDEN, SMALL
from cooperation.models import Axis, StrategicArea
from cooperation.roles import Role
from exchanges.models import (
    Criterion,
    Direction,
    HostDecision,
    ResearcherProfile,
    ReviewAssignment,
    Score,
    Stay,
    StayApplication,
)
from projects.models import ExchangeRate, Measurement
from reports import services
from reports.models import ReportRun
from tests.exchanges.factories import CallFactory
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import FundingFactory, IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


@pytest.fixture
def english_official(official_cdmx):
    official_cdmx.language = "en"
    official_cdmx.save()
    return official_cdmx


@pytest.fixture
def areas(db):
    return list(StrategicArea.objects.order_by("number")[:2])


@pytest.fixture
def axes(db):
    return list(Axis.objects.order_by("number")[:2])


@pytest.fixture
def programme(cdmx, bcn, areas, axes):
    """Two projects, five commitments in three currencies, rates on several dates.

    P1 (area 1, axes 1 and 2, led from CDMX, active, 2026): 100,000 MXN from CDMX in 2026,
    1,000 EUR from a BCN institution in 2026, 50,000 MXN from CDMX in 2027.
    P2 (area 2, axis 1, led from BCN, proposed, 2025): 2,000 EUR from BCN and 500 USD from
    CDMX in 2026. Rates on 2026-01-20: MXN→EUR 0.05 (of 2026-01-10; the later 0.04 is not
    used), USD→EUR 0.8 (the inverse of EUR→USD 1.25 of 2026-01-05).
    """
    u_cdmx = InstitutionFactory(code="P-CDMX", party=cdmx)
    c_bcn = InstitutionFactory(code="P-BCN", party=bcn, kind="research_centre")
    p1 = ProjectFactory(
        institutions=[u_cdmx, c_bcn],
        primary_area=areas[0],
        status="active",
        start_date=D(2026, 3, 1),
        end_date=D(2027, 12, 31),
    )
    p1.axes.add(*axes)
    p2 = ProjectFactory(
        institutions=[c_bcn, u_cdmx],
        primary_area=areas[1],
        status="proposed",
        start_date=D(2025, 6, 1),
        end_date=D(2026, 12, 31),
    )
    p2.axes.add(axes[0])
    FundingFactory(project=p1, funder_party=cdmx, amount=Decimal("100000"), currency="MXN")
    FundingFactory(
        project=p1,
        funder_party=None,
        funder_institution=c_bcn,
        amount=Decimal("1000"),
        currency="EUR",
    )
    FundingFactory(
        project=p1, funder_party=cdmx, amount=Decimal("50000"), currency="MXN", year=2027
    )
    FundingFactory(project=p2, funder_party=bcn, amount=Decimal("2000"), currency="EUR")
    FundingFactory(project=p2, funder_party=cdmx, amount=Decimal("500"), currency="USD")
    ExchangeRate.objects.create(date=D(2026, 1, 10), base="MXN", quote="EUR", rate=Decimal("0.05"))
    ExchangeRate.objects.create(date=D(2026, 2, 1), base="MXN", quote="EUR", rate=Decimal("0.04"))
    ExchangeRate.objects.create(date=D(2026, 1, 5), base="EUR", quote="USD", rate=Decimal("1.25"))
    return p1, p2


def _run(actor, kind, fmt="csv", **parameters):
    run = services.report_request(
        actor=actor, kind=kind, parameters=parameters, format=fmt, enqueue=False
    )
    assert services.report_execute(run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.state == ReportRun.State.SUCCEEDED
    return run


def _csv_tables(run) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(run.file.path) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")))
            )
            for name in archive.namelist()
        }


def _pdf_text(run) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(run.file.path).pages)


# Programme overview ------------------------------------------------------------------------


def test_programme_overview_converts_funding_with_the_rates_of_the_date(
    programme, english_official, areas, axes
):
    run = _run(english_official, "programme", currency="EUR", rate_date="2026-01-20")
    tables = _csv_tables(run)
    by_city = tables["funding_by_city"]
    assert by_city[0] == [
        "City", "Year", "Projects funded", "Commitments", "Amount in MXN", "Amount in EUR",
        "Amount in USD", "Total in EUR",
    ]  # fmt: skip
    assert by_city[1:] == [
        ["BCN", "2026", "2", "2", "0", "3000.00", "0", "3000.00"],
        ["CDMX", "2026", "2", "2", "100000.00", "0", "500.00", "5400.00"],
        ["CDMX", "2027", "1", "1", "50000.00", "0", "0", "2500.00"],
    ]
    a1, a2 = (a.name_en for a in areas)
    x1, x2 = (x.name_en for x in axes)
    # Each commitment once, under its project's primary area: the rows add up to 10,900.
    detail = [(r[0], r[1], r[2], r[-1]) for r in tables["funding"][1:]]
    assert detail == [
        (a1, "BCN", "2026", "1000.00"),
        (a1, "CDMX", "2026", "5000.00"),
        (a1, "CDMX", "2027", "2500.00"),
        (a2, "BCN", "2026", "2000.00"),
        (a2, "CDMX", "2026", "400.00"),
    ]
    # P1 has two axes: under each of them in full; the last row is the true total.
    assert [(r[0], r[-1]) for r in tables["funding_by_axis"][1:]] == [
        (x1, "10900.00"),
        (x2, "8500.00"),
        ("All projects, each once", "10900.00"),
    ]
    assert tables["projects"][1:] == [[a1, "CDMX", "2026", "1", "1"], [a2, "BCN", "2025", "1", "0"]]
    assert tables["projects_by_axis"][1:] == [
        [x1, "2", "1"],
        [x2, "1", "1"],
        ["All projects, each once", "2", "1"],
    ]
    notes = [row[1] for row in tables["parameters"] if row[0] == "Note"]
    assert any("the axes' rows overlap" in note for note in notes)
    assert any(note.startswith("Funding by area: all of a project's funding") for note in notes)
    # The rates as kept: MXN→EUR 0.05, and EUR→USD 1.25 (not its inverse rounded).
    assert any(n.startswith("Exchange rate: 1 MXN = 0.05 EUR, of 2026-01-10") for n in notes)
    assert any(n.startswith("Exchange rate: 1 EUR = 1.25 USD, of 2026-01-05") for n in notes)
    assert ["Date of the exchange rates", "2026-01-20"] in tables["parameters"]


def test_programme_overview_leaves_totals_empty_where_a_rate_is_missing(
    programme, english_official
):
    run = _run(english_official, "programme", currency="USD", rate_date="2026-01-20")
    by_city = _csv_tables(run)["funding_by_city"]
    assert by_city[1][0:2] == ["BCN", "2026"] and by_city[1][-1] == "3750.00"
    assert by_city[2][0:2] == ["CDMX", "2026"] and by_city[2][-1] == ""  # holds MXN
    notes = [row[1] for row in _csv_tables(run)["parameters"] if row[0] == "Note"]
    assert any("No exchange rate from MXN to USD" in note for note in notes)


def test_programme_overview_filters_by_city_area_and_period(programme, english_official, areas):
    tables = _csv_tables(_run(english_official, "programme", city="BCN", rate_date="2026-01-20"))
    assert [r[0] for r in tables["funding_by_city"][1:]] == ["BCN"]
    assert [r[1] for r in tables["projects"][1:]] == ["BCN"]
    tables = _csv_tables(
        _run(english_official, "programme", areas=[areas[1].pk], rate_date="2026-01-20")
    )
    assert [r[-1] for r in tables["funding_by_city"][1:]] == ["2000.00", "400.00"]
    tables = _csv_tables(
        _run(english_official, "programme", date_from="2027-01-01", rate_date="2026-01-20")
    )
    assert tables["funding_by_city"][1:] == [
        ["CDMX", "2027", "1", "1", "50000.00", "0", "0", "2500.00"]
    ]


def test_programme_overview_xlsx_has_formatted_converted_amounts(programme, english_official):
    from openpyxl import load_workbook

    run = _run(english_official, "programme", fmt="xlsx", rate_date="2026-01-20")
    workbook = load_workbook(run.file.path)
    assert workbook.sheetnames == [
        "Parameters",
        "Projects by primary area, lead ",
        "Projects by axis",
        "Funding by primary area, city a",
        "Funding by axis",
        "Funding by city and year",
    ]
    sheet = workbook["Funding by city and year"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[2] == ["CDMX", 2026, 2, 2, Decimal("100000.00"), 0, Decimal("500.00"), 5400]
    assert sheet["H3"].number_format == "#,##0.00"
    notes = [row[1].value for row in workbook["Parameters"].iter_rows() if row[0].value == "Note"]
    assert any(n.startswith("Exchange rate: 1 MXN = 0.05 EUR, of 2026-01-10") for n in notes)


def test_programme_overview_pdf_states_rates_and_totals(programme, official_bcn):
    official_bcn.language = "ca"
    official_bcn.save()
    run = _run(official_bcn, "programme", fmt="pdf", rate_date="2026-01-20")
    text = _pdf_text(run)
    assert "Visió general del programa" in text
    assert "1 MXN = 0.05 EUR" in text and "2026-01-10" in text
    # Catalan numbers: a point between thousands, a comma before the decimals.
    assert "5.400,00" in text and "100.000,00" in text and "3.000,00" in text
    assert "5,400.00" not in text


def test_programme_pdf_charts_count_each_project_and_commitment_once(programme, english_official):
    text = _pdf_text(_run(english_official, "programme", fmt="pdf", rate_date="2026-01-20"))
    # Funding by area: area 1 holds 8,500 EUR (P1, with two axes, counted once, not 17,000).
    chart = text.split("Funding by primary area, city and year", 1)[1].split("Strategic area")[0]
    assert "8,500" in chart and "2,400" in chart and "17,000" not in chart


def test_a_rate_kept_as_1_eur_22_mxn_reproduces_the_totals(cdmx, bcn, english_official):
    u = InstitutionFactory(code="R-CDMX", party=cdmx)
    c = InstitutionFactory(code="R-BCN", party=bcn)
    project = ProjectFactory(institutions=[u, c])
    FundingFactory(project=project, funder_party=cdmx, amount=Decimal("1234567"), currency="MXN")
    ExchangeRate.objects.create(date=D(2026, 1, 2), base="EUR", quote="MXN", rate=Decimal("22"))
    tables = _csv_tables(_run(english_official, "programme", rate_date="2026-02-01"))
    # 1,234,567 / 22 = 56,116.68; the inverse rounded to six decimals would give 56,116.74.
    assert tables["funding_by_city"][1][-1] == "56116.68"
    notes = [row[1] for row in tables["parameters"] if row[0] == "Note"]
    assert any(n.startswith("Exchange rate: 1 EUR = 22 MXN, of 2026-01-02") for n in notes)


def test_programme_overview_refuses_a_period_that_ends_before_it_starts(official_cdmx):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_request(
            actor=official_cdmx,
            kind="programme",
            parameters={"date_from": "2026-05-01", "date_to": "2026-01-01"},
            format="csv",
            enqueue=False,
        )
    with pytest.raises(ValidationError):
        services.report_request(
            actor=official_cdmx,
            kind="programme",
            parameters={"currency": "JPY"},
            format="csv",
            enqueue=False,
        )
    assert not ReportRun.objects.exists()


# Researcher mobility ----------------------------------------------------------------------


@pytest.fixture
def stays(cdmx, bcn, areas):
    """Seven stays to Barcelona (5 women and 2 men who consented), one to Mexico City.

    To BCN (a research centre): five planned 60 days (one actually 20 days long), one 200
    days, one of 60 days by a man; to CDMX (a university): one of 60 days, no consent.
    A draft application is no stay.
    """
    host_bcn = InstitutionFactory(code="H-BCN", party=bcn, kind="research_centre")
    host_cdmx = InstitutionFactory(code="H-CDMX", party=cdmx, kind="university")
    home = InstitutionFactory(code="HOME", party=cdmx)
    call = CallFactory(direction=Direction.BOTH)
    call.areas.add(areas[0])
    people = [("woman", 60), ("woman", 60), ("woman", 60), ("woman", 60), ("woman", 200)]
    people += [("man", 60), ("man", 60)]
    created = []
    for index, (gender, days) in enumerate(people):
        user = UserFactory(roles=[Role.RESEARCHER])
        ResearcherProfile.objects.create(
            user_id=user.pk,
            home_institution_id=home.pk,
            career_stage="r2",
            gender=gender,
            accessibility_needs="Rampa" if index == 0 else "",
            sensitive_consent_at=timezone.now(),
        )
        created.append(
            StayApplication.objects.create(
                call_id=call.pk,
                researcher_id=user.pk,
                host_id=host_bcn.pk,
                status=StayApplication.Status.COMPLETED if index else "awarded",
                start_date=D(2026, 9, 1),
                end_date=D(2026, 9, 1) + datetime.timedelta(days=days),
            )
        )
    Stay.objects.create(
        application=created[1], arrived_on=D(2026, 9, 1), departed_on=D(2026, 9, 21)
    )
    other = UserFactory(roles=[Role.RESEARCHER])
    ResearcherProfile.objects.create(
        user_id=other.pk, home_institution_id=host_bcn.pk, career_stage="r1"
    )
    StayApplication.objects.create(
        call_id=call.pk, researcher_id=other.pk, host_id=host_cdmx.pk, status="in_progress",
        start_date=D(2026, 10, 1), end_date=D(2026, 11, 30),
    )  # fmt: skip
    draft = UserFactory(roles=[Role.RESEARCHER])
    StayApplication.objects.create(
        call_id=call.pk, researcher_id=draft.pk, host_id=host_bcn.pk, status="draft"
    )


def _agrees(shown: object, true: int) -> bool:
    """A published count is its true value, "<5" for 1–4, or "x" (hidden as a complement)."""
    if 0 < true < 5:
        return shown in (SMALL, HIDDEN)  # "x" when even "<5" would give it away
    return str(shown) in (str(true), HIDDEN)


def test_mobility_counts_each_stay_once_and_no_hidden_count_can_be_worked_out(
    stays, english_official
):
    from cooperation.disclosure import audit
    from reports.kinds.people import stays_publication

    tables = _csv_tables(_run(english_official, "mobility"))
    to_bcn, to_cdmx = "Mexico City → Barcelona", "Barcelona → Mexico City"
    truth = {
        (to_bcn, "Research centre", "Under 30 days"): 1,
        (to_bcn, "Research centre", "30 to 89 days"): 5,
        (to_bcn, "Research centre", "180 days or more"): 1,
        (to_bcn, "All", "All"): 7,
        (to_cdmx, "University", "30 to 89 days"): 1,
        (to_cdmx, "All", "All"): 1,
    }
    shown = {tuple(r[:3]): r[3] for r in tables["stays"][1:]}
    assert set(shown) == set(truth)
    assert all(_agrees(shown[k], n) for k, n in truth.items()), shown
    gender = {r["Direction"]: r for r in _by_header(tables["gender"])}
    assert tables["gender"][0][1:3] == ["Woman", "Man"]
    # 5 women and 2 men to Barcelona: "<5" men beside 5 women and a total of 7 would give
    # the men away by subtraction, so the 5 or the 7 is hidden too.
    bcn = gender[to_bcn]
    assert bcn["Man"] in (SMALL, HIDDEN) and bcn["Non-binary"] == "0"
    assert HIDDEN in (bcn["Woman"], bcn["Stays"])
    assert _agrees(bcn["Woman"], 5) and _agrees(bcn["Stays"], 7)
    assert gender[to_cdmx]["Not stated"] in (SMALL, HIDDEN)  # one person, without consent
    inclusion = {r["Direction"]: r for r in _by_header(tables["inclusion"])}
    assert inclusion[to_bcn]["Accessibility needs declared"] in (SMALL, HIDDEN)
    assert HIDDEN in (inclusion[to_bcn]["None declared"], inclusion[to_bcn]["Stays"])
    # The areas' rows overlap and say so.
    assert "overlap" in archive_notes(english_official)
    assert audit(stays_publication({}, using="default").pub) == set()


def archive_notes(official) -> str:
    return " ".join(" ".join(r) for r in _csv_tables(_run(official, "mobility"))["parameters"])


def test_mobility_pdf_and_xlsx_show_suppressed_counts_as_text(stays, english_official):
    from openpyxl import load_workbook

    workbook = load_workbook(_run(english_official, "mobility", fmt="xlsx").file.path)
    rows = [[c.value for c in row] for row in workbook["Gender of the researchers"]]
    bcn = next(r for r in rows if r[0] == "Mexico City → Barcelona")
    assert bcn[2] in (SMALL, HIDDEN) and bcn[3] == 0 and HIDDEN in (bcn[1], bcn[-1])
    text = _pdf_text(_run(english_official, "mobility", fmt="pdf"))
    assert "Researcher mobility" in text and "<5" in text


def test_mobility_filters_by_direction_and_period(stays, english_official):
    tables = _csv_tables(_run(english_official, "mobility", host_city="CDMX"))
    assert {r[0] for r in tables["stays"][1:]} == {"Barcelona → Mexico City"}
    tables = _csv_tables(_run(english_official, "mobility", date_from="2026-11-01"))
    # The 60-day stays end on 31 October: only the stay to Mexico City (to 30 November) and
    # the 200-day one reach into November: one each way.
    totals = [r[3] for r in tables["stays"][1:] if r[1] == "All"]
    assert all(t in (SMALL, HIDDEN) for t in totals) and len(totals) == 2
    assert len(tables["stays"]) == 5  # header, one stay and the total of each direction


# Call outcome ------------------------------------------------------------------------------


@pytest.fixture
def outcome(cdmx, bcn):
    """One call with five applications, one call with none.

    a1 awarded, host accepted, reviews 8/6 and 10/5 → (480+240+600+200)/200 = 7.6;
    a2 rejected, host accepted, review 5/5 → 5.0, plus a conflicted review (ignored);
    a3 declined by the host; a4 a draft (not submitted); a5 withdrawn.
    Expected: 4 submitted, 2 accepted, 1 declined (2/3), 2 scored, average 6.30.
    """
    host = InstitutionFactory(code="C-BCN", party=bcn)
    call = CallFactory(title="Convocatoria 2026", title_en="Call 2026")
    empty = CallFactory(title="Vacía", title_en="Empty call")
    quality, impact = Criterion.objects.filter(call_id=call.pk).order_by("order")
    reviewers = [UserFactory(roles=[Role.REVIEWER]) for _ in range(3)]

    def application(status):
        return StayApplication.objects.create(
            call_id=call.pk,
            researcher_id=UserFactory(roles=[Role.RESEARCHER]).pk,
            host_id=host.pk,
            status=status,
        )

    def review(app, reviewer, values, conflict=False):
        assignment = ReviewAssignment.objects.create(
            application=app, reviewer=reviewer, has_conflict=conflict, submitted_at=timezone.now()
        )
        for criterion, value in zip((quality, impact), values, strict=True):
            Score.objects.create(assignment=assignment, criterion=criterion, value=value)

    a1, a2, a3 = application("awarded"), application("rejected"), application("host_declined")
    application("draft")
    application("withdrawn")
    HostDecision.objects.create(application=a1, accepted=True)
    HostDecision.objects.create(application=a2, accepted=True)
    HostDecision.objects.create(application=a3, accepted=False)
    review(a1, reviewers[0], (8, 6))
    review(a1, reviewers[1], (10, 5))
    review(a2, reviewers[0], (5, 5))
    review(a2, reviewers[2], (10, 10), conflict=True)
    return call, empty


def test_call_outcome_has_the_hand_computed_figures(outcome, english_official):
    tables = _csv_tables(_run(english_official, "calls"))
    rows = tables["calls"]
    assert any(r[0] == "Note" for r in tables["parameters"])  # one table, with its notes
    figures = {r[0]: r[2:] for r in rows[1:]}
    # 4 submitted, 2 accepted, 1 declined, 2 scored (average 6.30), 1 approved, 0
    # waitlisted, 1 rejected, 1 withdrawn, 0 cancelled: every count of applicants is 1–4,
    # hidden, and so are the rate and the average that would tell them.
    shown = ["<5" if v in ("<5", "x") else v for v in figures["Call 2026"]]
    assert shown == ["<5", "<5", "<5", "", "<5", "", "<5", "0", "<5", "<5", "0"]
    assert figures["Empty call"] == ["0", "0", "0", "", "0", "", "0", "0", "0", "0", "0"]


def test_call_outcome_pdf_and_xlsx_read_back(outcome, english_official):
    from openpyxl import load_workbook

    sheet = load_workbook(_run(english_official, "calls", fmt="xlsx").file.path)[
        "Outcome of each call"
    ]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Call 2026")
    assert [("<5" if v in ("<5", "x") else v) for v in row[2:8]] == [
        "<5",
        "<5",
        "<5",
        None,
        "<5",
        None,
    ]
    text = _pdf_text(_run(english_official, "calls", fmt="pdf"))
    assert "Call 2026" in text and ("<5" in text or " x" in text)


# Indicator progress ------------------------------------------------------------------------


@pytest.fixture
def indicators(areas, cdmx, bcn):
    """P1 (area 1): I1 0→100 measured 30 then 50 (progress 0.5), I2 10→20 measured 25 (1.5).

    P2 (area 2): I3 0→10, never measured.
    """
    u = InstitutionFactory(code="I-CDMX", party=cdmx)
    c = InstitutionFactory(code="I-BCN", party=bcn)
    p1 = ProjectFactory(institutions=[u, c], primary_area=areas[0], code="CDMX-BCN-2026-0001")
    p2 = ProjectFactory(institutions=[c, u], primary_area=areas[1], code="CDMX-BCN-2026-0002")
    i1 = IndicatorFactory(project=p1, name="Personas formadas", target=Decimal(100))
    Measurement.objects.create(indicator_id=i1.pk, date=D(2026, 1, 1), value=Decimal(30))
    Measurement.objects.create(indicator_id=i1.pk, date=D(2026, 6, 1), value=Decimal(50))
    i2 = IndicatorFactory(project=p1, name="Talleres", baseline=Decimal(10), target=Decimal(20))
    Measurement.objects.create(indicator_id=i2.pk, date=D(2026, 2, 1), value=Decimal(25))
    IndicatorFactory(project=p2, name="Patentes", target=Decimal(10))


def test_indicator_progress_compares_latest_actual_with_target(indicators, english_official, areas):
    tables = _csv_tables(_run(english_official, "indicators"))
    a1, a2 = (a.name_en for a in areas)
    assert tables["by_area"][1:] == [
        [a1, "1", "2", "2", "1.0000", "1"],
        [a2, "1", "1", "0", "", "0"],
    ]
    listing = {r[4]: (r[0], r[3], r[8], r[9], r[10]) for r in tables["indicators"][1:]}
    assert listing == {
        "Personas formadas": ("CDMX-BCN-2026-0001", "CDMX", "50.00", "2026-06-01", "0.5000"),
        "Talleres": ("CDMX-BCN-2026-0001", "CDMX", "25.00", "2026-02-01", "1.5000"),
        "Patentes": ("CDMX-BCN-2026-0002", "BCN", "", "", ""),
    }


def test_indicator_progress_as_of_the_end_of_the_period(indicators, english_official):
    tables = _csv_tables(_run(english_official, "indicators", date_to="2026-03-01"))
    listing = {r[4]: r[8:] for r in tables["indicators"][1:]}
    assert listing["Personas formadas"] == ["30.00", "2026-01-01", "0.3000"]


def test_indicator_progress_xlsx_and_pdf_read_back(indicators, english_official, areas):
    from openpyxl import load_workbook

    workbook = load_workbook(_run(english_official, "indicators", fmt="xlsx").file.path)
    rows = list(workbook["Indicators of each project"].iter_rows(values_only=True))
    assert rows[1][0] == "CDMX-BCN-2026-0001"
    assert Decimal("0.5") in [r[10] for r in rows[1:]]
    text = _pdf_text(_run(english_official, "indicators", fmt="pdf"))
    assert "Indicator progress" in text and "50.0%" in text and "150.0%" in text


# Requests in the admin ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["programme", "mobility", "calls", "indicators"])
def test_officials_request_each_programme_report_in_the_admin(
    kind, programme, official_bcn, login, areas, django_capture_on_commit_callbacks
):
    client = login(official_bcn)
    page = client.get(f"/admin/reports/reportrun/add/?kind={kind}")
    assert page.status_code == 200
    assert b'name="p-date_from"' in page.content and b'name="p-areas"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/reports/reportrun/add/?kind={kind}",
            {"kind": kind, "p-areas": [areas[0].pk], "p-date_from": "2025-01-01", "format": "pdf"},
        )
    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.state == ReportRun.State.SUCCEEDED, run.error
    assert run.parameters["areas"] == [areas[0].pk]
    assert run.parameters["date_from"] == "2025-01-01"


def test_the_programme_overview_fixes_its_rate_date_when_requested(official_cdmx):
    run = services.report_request(
        actor=official_cdmx, kind="programme", parameters={}, format="csv", enqueue=False
    )
    assert run.parameters["currency"] == "EUR"
    assert run.parameters["rate_date"] == timezone.localdate().isoformat()


# Named columns: a new choice cannot move a value under another header ----------------------


def _by_header(table: list[list[str]]) -> list[dict[str, str]]:
    header, *rows = table
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_a_new_currency_gets_its_own_column_and_moves_no_other_value(
    programme, english_official, monkeypatch
):
    from django.db import models

    from reports.kinds import programme as overview

    class Currency(models.TextChoices):  # a currency added first, before the others
        GBP = "GBP", "Pound sterling (GBP)"
        MXN = "MXN", "Mexican peso (MXN)"
        EUR = "EUR", "Euro (EUR)"
        USD = "USD", "US dollar (USD)"

    monkeypatch.setattr(overview, "Currency", Currency)
    tables = _csv_tables(_run(english_official, "programme", rate_date="2026-01-20"))
    assert tables["funding_by_city"][0] == [
        "City", "Year", "Projects funded", "Commitments", "Amount in GBP", "Amount in MXN",
        "Amount in EUR", "Amount in USD", "Total in EUR",
    ]  # fmt: skip
    cdmx_2026 = _by_header(tables["funding_by_city"])[1]
    assert cdmx_2026 == {
        "City": "CDMX", "Year": "2026", "Projects funded": "2", "Commitments": "2",
        "Amount in GBP": "0", "Amount in MXN": "100000.00", "Amount in EUR": "0",
        "Amount in USD": "500.00", "Total in EUR": "5400.00",
    }  # fmt: skip
    detail = _by_header(tables["funding"])
    assert [(r["City"], r["Amount in MXN"], r["Total in EUR"]) for r in detail[:3]] == [
        ("BCN", "0", "1000.00"),
        ("CDMX", "100000.00", "5000.00"),
        ("CDMX", "50000.00", "2500.00"),
    ]


def test_a_new_gender_gets_its_own_column_and_moves_no_other_count(
    stays, english_official, monkeypatch
):
    from django.db import models

    class Gender(models.TextChoices):  # a gender added first, before the others
        AGENDER = "agender", "Agender"
        WOMAN = "woman", "Woman"
        MAN = "man", "Man"
        NON_BINARY = "non_binary", "Non-binary"
        OTHER = "other", "Another identity"
        UNDISCLOSED = "undisclosed", "I prefer not to say"

    monkeypatch.setattr(ResearcherProfile, "Gender", Gender)
    tables = _csv_tables(_run(english_official, "mobility"))
    assert tables["gender"][0] == [
        "Direction", "Agender", "Woman", "Man", "Non-binary", "Another identity",
        "I prefer not to say", "Not stated", "Stays",
    ]  # fmt: skip
    to_bcn = next(r for r in _by_header(tables["gender"]) if r["Direction"].endswith("Barcelona"))
    assert (to_bcn["Agender"], to_bcn["Not stated"]) == ("0", "0")
    assert to_bcn["Man"] in (SMALL, HIDDEN)
    assert _agrees(to_bcn["Woman"], 5)
    inclusion = _by_header(tables["inclusion"])
    (none,) = [r["None declared"] for r in inclusion if r["Direction"] == to_bcn["Direction"]]
    assert _agrees(none, 6)


def test_a_target_equal_to_its_baseline_has_a_defined_progress(english_official, cdmx, bcn):
    u = InstitutionFactory(code="T-CDMX", party=cdmx)
    c = InstitutionFactory(code="T-BCN", party=bcn)
    project = ProjectFactory(institutions=[u, c])
    kept = IndicatorFactory(project=project, name="Kept", baseline=Decimal(10), target=Decimal(10))
    Measurement.objects.create(indicator_id=kept.pk, date=D(2026, 1, 1), value=Decimal(12))
    lost = IndicatorFactory(project=project, name="Lost", baseline=Decimal(10), target=Decimal(10))
    Measurement.objects.create(indicator_id=lost.pk, date=D(2026, 1, 1), value=Decimal(8))
    tables = _csv_tables(_run(english_official, "indicators"))
    progress = {r[4]: r[10] for r in tables["indicators"][1:]}
    assert progress == {"Kept": "1", "Lost": "0"}
    assert tables["by_area"][1][4:] == ["0.5000", "1"]  # average 50 %, one target reached
