"""Importing historical projects: a dry run lists every bad row; a bad file writes nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from projects.imports import COLUMNS, import_projects, read_projects
from projects.models import JointProject, next_project_code
from tests.factories import InstitutionFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).resolve().parents[2] / "projects" / "samples" / "historical-projects.csv"
IMPORT_URL = "/admin/projects/jointproject/import/"


@pytest.fixture
def demo_institutions(cdmx, bcn):
    for code in ("UNAM", "IPN", "UAM"):
        InstitutionFactory(code=code, party=cdmx)
    for code in ("UPC", "UPF", "UAB", "UB"):
        InstitutionFactory(code=code, party=bcn)


def _csv(rows: list[list[str]], header: tuple[str, ...] = COLUMNS) -> bytes:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def _row(code: str = "CDMX-BCN-2019-0001", **overrides: str) -> list[str]:
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        code=code,
        title_es="Proyecto histórico",
        primary_area="URBAN_WATER",
        status="completed",
        start_date="2019-01-01",
        end_date="2020-01-01",
        public="yes",
        lead_institution="UNAM",
        partner_institutions="UPC",
    )
    values.update(overrides)
    return [values[c] for c in COLUMNS]


def test_the_documented_sample_file_imports(demo_institutions, official_cdmx):
    with SAMPLE.open("rb") as handle:
        result = read_projects(SAMPLE.name, handle)
    assert result.errors == [] and result.file_error == ""
    assert import_projects(result, actor=official_cdmx) == 3
    project = JointProject.objects.get(code="CDMX-BCN-2020-0001")
    assert project.title_ca == "Dones en robòtica educativa"
    assert sorted(project.participations.values_list("institution__code", flat=True)) == [
        "IPN",
        "UAB",
        "UPF",
    ]
    assert next_project_code(2019) == "CDMX-BCN-2019-0002"


def test_dry_run_lists_each_bad_row_with_its_line_and_reason(demo_institutions):
    data = _csv(
        [
            _row("CDMX-BCN-2019-0001"),
            _row("CDMX-BCN-2019-0002", end_date="2018-01-01"),
            _row("CDMX-BCN-2019-0003", primary_area="NOPE"),
            _row("CDMX-BCN-2019-0001"),
            _row("CDMX-BCN-2019-0005", partner_institutions="IPN"),
            _row("BAD", start_date="yesterday"),
        ]
    )
    result = read_projects("f.csv", io.BytesIO(data))
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "The planned end cannot be before the planned start."),
        (4, "Unknown area code “NOPE”."),
        (5, "The code CDMX-BCN-2019-0001 is repeated (first on line 2)."),
        (
            6,
            "A project can only be approved when at least one institution of each city takes part.",
        ),
        (7, "code: A project code looks like CDMX-BCN-2026-0001."),
    ]
    assert not result.ok
    assert JointProject.objects.count() == 0


def test_a_code_that_already_exists_is_a_bad_row(demo_institutions):
    existing = ProjectFactory()
    result = read_projects("f.csv", io.BytesIO(_csv([_row(existing.code)])))
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, f"A project with the code {existing.code} already exists.")
    ]


def test_a_wrong_column_rejects_the_whole_file(demo_institutions):
    header = tuple("titulo" if c == "title_es" else c for c in COLUMNS)
    result = read_projects("f.csv", io.BytesIO(_csv([_row()], header=header)))
    assert result.file_error.startswith(
        "Line 1 (header): unknown columns: titulo; missing columns: title_es."
    )
    assert not result.ok


def test_a_non_spreadsheet_renamed_xlsx_is_refused():
    result = read_projects("projects.xlsx", io.BytesIO(b"%PDF-1.4 not a spreadsheet"))
    assert result.file_error == (
        "The file could not be read as a spreadsheet: it may be damaged or of another kind."
    )


def test_an_xlsx_file_is_read_like_a_csv(demo_institutions):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS))
    sheet.append(_row())
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = read_projects("p.xlsx", buffer)
    assert result.ok, result.errors


def test_admin_import_checks_first_then_writes_on_confirmation(
    demo_institutions, official_cdmx, login, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORTS_ROOT = tmp_path
    client = login(official_cdmx)
    upload = SimpleUploadedFile("p.csv", _csv([_row()]), content_type="text/csv")
    preview = client.post(IMPORT_URL, {"file": upload})
    assert preview.status_code == 200
    assert b"1 project is ready to import" in preview.content
    assert JointProject.objects.count() == 0
    token = preview.context["form"].initial["token"]
    # The confirmation queues the import; a worker writes it once the request has committed.
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(IMPORT_URL, {"token": token, "confirm": "on"})
    assert done.status_code == 302
    assert JointProject.objects.filter(code="CDMX-BCN-2019-0001").exists()
    assert list(tmp_path.joinpath("project-imports").iterdir()) == []


def test_admin_import_of_a_file_with_a_bad_row_writes_nothing_even_if_confirmed(
    demo_institutions, official_cdmx, login, settings, tmp_path
):
    settings.IMPORTS_ROOT = tmp_path
    client = login(official_cdmx)
    data = _csv([_row("CDMX-BCN-2019-0001"), _row("CDMX-BCN-2019-0002", primary_area="NOPE")])
    response = client.post(IMPORT_URL, {"file": SimpleUploadedFile("p.csv", data), "confirm": "on"})
    assert response.status_code == 200
    assert "Unknown area code “NOPE”." in response.content.decode()
    assert JointProject.objects.count() == 0


def test_admin_import_refuses_a_forged_token(official_cdmx, login):
    response = login(official_cdmx).post(
        IMPORT_URL, {"token": "../../settings.py", "confirm": "on"}
    )
    assert response.status_code == 200
    assert "The checked file has expired; upload it again." in response.content.decode()
    assert JointProject.objects.count() == 0


def test_command_imports_a_file_or_lists_its_bad_rows(demo_institutions, tmp_path, settings):
    from django.core.management import CommandError, call_command

    settings.IMPORTS_ROOT = tmp_path / "media"

    good = tmp_path / "good.csv"
    good.write_bytes(_csv([_row()]))
    call_command("import_projects", str(good), "--dry-run")
    assert JointProject.objects.count() == 0
    call_command("import_projects", str(good))
    assert JointProject.objects.filter(code="CDMX-BCN-2019-0001").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv([_row("CDMX-BCN-2019-0002"), _row("CDMX-BCN-2019-0003", end_date="x")]))
    with pytest.raises(CommandError, match="1 bad row"):
        call_command("import_projects", str(bad))
    assert JointProject.objects.count() == 1


def test_admin_import_never_writes_a_fresh_upload_without_its_preview(
    demo_institutions, official_cdmx, login, settings, tmp_path
):
    settings.IMPORTS_ROOT = tmp_path
    client = login(official_cdmx)
    upload = SimpleUploadedFile("p.csv", _csv([_row()]))
    response = client.post(IMPORT_URL, {"file": upload, "confirm": "on"})
    assert response.status_code == 200
    assert b"1 project is ready to import" in response.content
    assert JointProject.objects.count() == 0


def test_admin_import_of_an_expired_check_asks_for_the_file_again(
    official_cdmx, login, settings, tmp_path
):
    settings.IMPORTS_ROOT = tmp_path
    response = login(official_cdmx).post(IMPORT_URL, {"token": "A" * 24 + ".csv", "confirm": "on"})
    assert response.status_code == 200
    assert "The checked file has expired; upload it again." in response.content.decode()


def test_the_dry_run_applies_the_officials_city_scope(
    demo_institutions, official_bcn, official_cdmx
):
    """As the add form does: an official imports only projects with an institution of their
    city (issue 12)."""
    data = _csv([_row(status="proposed", partner_institutions="IPN")])
    refused = read_projects("f.csv", io.BytesIO(data), actor=official_bcn)
    assert [(e.line, e.reason) for e in refused.errors] == [
        (
            2,
            "Keep at least one institution of your city: otherwise you could not change the "
            "project any more.",
        )
    ]
    assert read_projects("f.csv", io.BytesIO(data), actor=official_cdmx).ok


def test_a_value_longer_than_its_column_is_a_row_error_of_the_dry_run(
    demo_institutions, official_cdmx, login, settings, tmp_path
):
    """Never a 500 at the confirmation (issue 12): the dry run reports the row."""
    settings.IMPORTS_ROOT = tmp_path
    data = _csv(
        [
            _row("CDMX-BCN-2019-0001", title_es="T" * 255),
            _row("CDMX-BCN-2019-0002", title_es="T" * 256, title_en="E" * 300),
        ]
    )
    result = read_projects("f.csv", io.BytesIO(data))
    assert [(e.line, e.reason) for e in result.errors] == [
        (3, "title_es: at most 255 characters (this one has 256)."),
        (3, "title_en: at most 255 characters (this one has 300)."),
    ]
    response = login(official_cdmx).post(
        IMPORT_URL, {"file": SimpleUploadedFile("p.csv", data), "confirm": "on"}
    )
    assert response.status_code == 200
    assert "title_es: at most 255 characters (this one has 256)." in response.content.decode()
    assert JointProject.objects.count() == 0


def test_an_imported_project_past_its_proposal_has_its_timeline_row(
    demo_institutions, official_cdmx
):
    result = read_projects("f.csv", io.BytesIO(_csv([_row(status="active")])))
    import_projects(result, actor=official_cdmx)
    event = JointProject.objects.get().timeline.get()
    assert (event.actor, event.from_status, event.to_status) == (official_cdmx, "", "active")
