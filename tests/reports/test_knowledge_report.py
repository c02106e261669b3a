"""The knowledge exchange report, read back from CSV, XLSX and PDF against a known exchange."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from reports import services
from reports.kinds.registry import REGISTRY
from reports.models import ReportRun
from tests.reports.test_dashboard_knowledge import _private_media, exchange  # noqa: F401
from tests.reports.test_kinds import _csv_tables, _pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


def _run(actor, fmt="csv", **parameters):
    run = services.report_request(
        actor=actor, kind="knowledge", parameters=parameters, format=fmt, enqueue=False
    )
    assert services.report_execute(run.pk) == "succeeded", run.error
    run.refresh_from_db()
    return run


@pytest.fixture
def english(official_cdmx):
    official_cdmx.language = "en"
    official_cdmx.save()
    return official_cdmx


def test_the_kind_is_registered_with_its_period_and_city():
    kind = REGISTRY["knowledge"]
    assert set(kind.form_class().fields) == {"date_from", "date_to", "city"}


def test_csv_has_practices_transfers_and_adopted_models(exchange, english):  # noqa: F811
    tables = _csv_tables(_run(english))
    assert set(tables) == {"parameters", "practices", "transfers", "adopted", "events"}
    practices = tables["practices"]
    assert practices[0] == ["Strategic area", "City of origin", "Kind", "Practices"]
    area2, area5 = str(exchange["area2"].name_en), str(exchange["area5"].name_en)
    assert practices[1:] == [
        [area2, "BCN", "Good practice", "2"],
        [area5, "BCN", "Good practice", "1"],
        [area5, "CDMX", "Good practice", "1"],
    ]
    transfers = tables["transfers"]
    assert transfers[0] == [
        "Direction",
        "Interest",
        "Planning",
        "Pilot",
        "Adopted",
        "Discontinued",
        "Total",
        "Adopted in the period",
    ]
    assert transfers[1:] == [
        ["BCN → CDMX", "0", "0", "1", "1", "1", "3", "1"],
        ["CDMX → BCN", "1", "0", "0", "0", "0", "1", "0"],
    ]
    [header, adopted] = tables["adopted"]
    assert header[:4] == ["Practice", "City of origin", "Adopting institution", "Adopting city"]
    assert (adopted[0], adopted[1], adopted[3], adopted[4], adopted[5]) == (
        "Oficina",
        "BCN",
        "CDMX",
        "2025-09-01",
        "2026-06-30",
    )


def test_the_period_and_the_city_filter_every_table(exchange, english):  # noqa: F811
    tables = _csv_tables(_run(english, date_from="2026-07-01", city="CDMX"))
    # Transfers to CDMX under way from July 2026: the pilot only; nothing adopted since.
    assert tables["transfers"][1:] == [["BCN → CDMX", "0", "0", "1", "0", "0", "1", "0"]]
    assert tables["adopted"][1:] == []
    # Practices of CDMX first published from July 2026 (all of them today).
    assert [row[1] for row in tables["practices"][1:]] == ["CDMX"]
    parameters = {row[0]: row[1] for row in tables["parameters"][1:] if len(row) > 1}
    assert any("Mexico City" in value for value in parameters.values())


def test_xlsx_has_a_sheet_per_table_with_numbers(exchange, english):  # noqa: F811
    from openpyxl import load_workbook

    workbook = load_workbook(_run(english, fmt="xlsx").file.path)
    # A sheet's name is its table's title, cut to the 31 characters XLSX allows.
    assert workbook.sheetnames == [
        "Parameters",
        "Practices by strategic area, ci",
        "Transfers each way, by stage",
        "Models adopted in the period",
        "Events and attendance",
    ]
    sheet = workbook[workbook.sheetnames[2]]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert ["BCN → CDMX", 0, 0, 1, 1, 1, 3, 1] in values


def test_pdf_in_the_officials_language(exchange, official_cdmx):  # noqa: F811
    official_cdmx.language = "ca"
    official_cdmx.save()
    text = _pdf_text(_run(official_cdmx, fmt="pdf"))
    assert "Intercanvi de coneixement" in text
    assert "Transferències en cada sentit, per etapa" in text
    assert "Oficina" in text and "Bona pràctica" in text


@pytest.mark.parametrize("role", ["coordinator", "researcher", "reviewer"])
def test_only_those_who_may_run_reports_run_it(role, request):
    with pytest.raises(PermissionDenied):
        services.report_request(
            actor=request.getfixturevalue(role), kind="knowledge", parameters={}, format="csv"
        )
    assert not ReportRun.objects.exists()


def test_both_cities_officials_and_administrators_run_it(
    official_bcn, official_cdmx, programme_admin
):
    for person in (official_bcn, official_cdmx, programme_admin):
        assert _run(person).state == ReportRun.State.SUCCEEDED


def test_a_bad_period_is_refused_and_creates_nothing(official_cdmx):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.report_request(
            actor=official_cdmx,
            kind="knowledge",
            parameters={"date_from": "2026-12-31", "date_to": "2026-01-01"},
            format="csv",
        )
    assert not ReportRun.objects.exists()
