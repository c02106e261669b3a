"""Report runs: requested by officials, claimed once, streamed to CSV/XLSX/PDF, downloadable."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from reports import services
from reports.kinds.registry import REGISTRY
from reports.models import ReportRun
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reports_root(settings, tmp_path):
    settings.REPORTS_ROOT = tmp_path / "reports"


@pytest.fixture
def register(cdmx, bcn):
    """Hand-counted: CDMX 3 universities (2 in ECOS) and 1 school; BCN 1 research centre."""
    InstitutionFactory(code="U1", party=cdmx, kind="university", ecos_member=True)
    InstitutionFactory(code="U2", party=cdmx, kind="university", ecos_member=True)
    InstitutionFactory(code="U3", party=cdmx, kind="university")
    InstitutionFactory(code="S1", party=cdmx, kind="school")
    InstitutionFactory(code="R1", party=bcn, kind="research_centre")
    InstitutionFactory(code="OLD", party=bcn, kind="company", active=False)


def _run(actor, fmt="csv", **parameters):
    run = services.report_request(
        actor=actor, kind="institutions", parameters=parameters, format=fmt, enqueue=False
    )
    assert services.report_execute(run.pk) == "succeeded"
    run.refresh_from_db()
    return run


def test_csv_report_has_the_hand_counted_figures(register, official_cdmx):
    run = _run(official_cdmx)
    assert run.state == ReportRun.State.SUCCEEDED
    assert run.progress == 100
    assert run.file.name.endswith(".zip")
    with zipfile.ZipFile(run.file.path) as archive:
        assert set(archive.namelist()) == {
            "by_city_and_kind.csv",
            "institutions.csv",
            "parameters.csv",
        }
        text = archive.read("by_city_and_kind.csv").decode("utf-8-sig")
        listing = archive.read("institutions.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Ciudad", "Tipo", "Instituciones", "Miembros de la Red ECOS"]
    counts = {(r[0], r[1]): (int(r[2]), int(r[3])) for r in rows[1:]}
    assert counts == {
        ("BCN", "Centro de investigación"): (1, 0),
        ("CDMX", "Escuela"): (1, 0),
        ("CDMX", "Universidad"): (3, 2),
    }
    codes = [r[0] for r in list(csv.reader(io.StringIO(listing)))[1:]]
    assert codes == ["R1", "S1", "U1", "U2", "U3"]  # inactive OLD left out
    assert run.rows == 3 + 5


def test_parameters_filter_the_report(register, official_bcn):
    run = _run(official_bcn, city="BCN", include_inactive=True)
    with zipfile.ZipFile(run.file.path) as archive:
        listing = archive.read("institutions.csv").decode("utf-8-sig")
    assert [r[0] for r in list(csv.reader(io.StringIO(listing)))[1:]] == ["OLD", "R1"]


def test_xlsx_report_has_one_sheet_per_table_with_numbers(register, programme_admin):
    from openpyxl import load_workbook

    programme_admin.language = "en"
    programme_admin.save()
    run = _run(programme_admin, fmt="xlsx")
    workbook = load_workbook(run.file.path)
    assert workbook.sheetnames == ["Parameters", "Institutions by city and kind", "Institutions"]
    sheet = workbook["Institutions by city and kind"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["City", "Kind", "Institutions", "ECOS Network members"]
    assert ["CDMX", "University", 3, 2] in values
    assert sheet["C2"].number_format == "#,##0"


def test_pdf_report_states_parameters_and_figures(register, official_cdmx):
    from pypdf import PdfReader

    official_cdmx.language = "ca"
    official_cdmx.save()
    run = _run(official_cdmx, fmt="pdf", city="CDMX")
    text = "\n".join(page.extract_text() for page in PdfReader(run.file.path).pages)
    assert "Registre d'institucions" in text
    assert "Ciutat: Ciutat de Mèxic" in text
    assert "Universitat" in text and "U3" in text
    assert "R1" not in text


def test_only_officials_may_request_reports(researcher, coordinator):
    for person in (researcher, coordinator):
        with pytest.raises(PermissionDenied):
            services.report_request(actor=person, kind="institutions", parameters={}, format="csv")
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize(
    ("kind", "parameters", "fmt"),
    [
        ("nope", {}, "csv"),
        ("institutions", {"city": "MAD"}, "csv"),
        ("institutions", {}, "docx"),
    ],
)
def test_bad_requests_are_refused_and_create_nothing(official_cdmx, kind, parameters, fmt):
    with pytest.raises(ValidationError):
        services.report_request(actor=official_cdmx, kind=kind, parameters=parameters, format=fmt)
    assert not ReportRun.objects.exists()


def test_a_duplicate_task_neither_writes_again_nor_touches_the_finished_run(
    register, official_cdmx
):
    run = _run(official_cdmx)
    stamp = run.file.path, run.finished_at
    assert services.report_execute(run.pk) == "skipped"
    run.refresh_from_db()
    assert (run.file.path, run.finished_at) == stamp
    assert run.attempts == 1


def test_a_failing_report_is_marked_failed_with_its_error(official_cdmx, monkeypatch):
    def broken(self, parameters, *, using):
        raise RuntimeError("the data source is unreachable")

    monkeypatch.setattr(type(REGISTRY["institutions"]), "tables", broken)
    run = services.report_request(
        actor=official_cdmx, kind="institutions", parameters={}, format="csv", enqueue=False
    )
    with pytest.raises(RuntimeError):
        services.report_execute(run.pk)
    run.refresh_from_db()
    assert run.state == ReportRun.State.FAILED
    assert "the data source is unreachable" in run.error
    assert not run.file


def test_a_run_whose_worker_died_is_taken_over(register, official_cdmx, settings):
    run = services.report_request(
        actor=official_cdmx, kind="institutions", parameters={}, format="csv", enqueue=False
    )
    # A worker claimed it, then died: the heartbeat stopped long ago.
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(seconds=settings.REPORT_STALE_SECONDS + 5),
    )
    assert services.stale_runs() == [run.pk]
    assert services.report_execute(run.pk) == "succeeded"
    run.refresh_from_db()
    assert run.attempts == 2
    assert run.state == ReportRun.State.SUCCEEDED


def test_a_running_report_with_a_live_worker_is_left_alone(official_cdmx):
    run = services.report_request(
        actor=official_cdmx, kind="institutions", parameters={}, format="csv", enqueue=False
    )
    ReportRun.objects.filter(pk=run.pk).update(
        state=ReportRun.State.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert services.stale_runs() == []
    assert services.report_execute(run.pk) == "skipped"


def test_download_is_for_officials_only(
    register, official_cdmx, official_bcn, researcher, login, client
):
    run = _run(official_cdmx, fmt="pdf")
    url = f"/reports/runs/{run.pk}/download/"
    response = login(official_bcn).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(researcher).get(url).status_code == 403
    assert client.get(url).status_code == 302  # to the sign-in page


def test_progress_is_readable_while_a_run_is_queued(official_cdmx, login):
    run = services.report_request(
        actor=official_cdmx, kind="institutions", parameters={}, format="csv", enqueue=False
    )
    body = login(official_cdmx).get(f"/reports/runs/{run.pk}/progress/").json()
    assert body["state"] == "queued"
    assert body["progress"] == 0
    assert login(official_cdmx).get(f"/reports/runs/{run.pk}/download/").status_code == 404


def test_officials_request_a_report_in_the_admin(
    register, official_bcn, login, django_capture_on_commit_callbacks
):
    client = login(official_bcn)
    assert client.get("/admin/reports/reportrun/add/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/reports/reportrun/add/?kind=institutions",
            {"kind": "institutions", "p-city": "CDMX", "format": "xlsx"},
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/reports/reportrun/{run.pk}/change/"
    assert run.state == ReportRun.State.SUCCEEDED  # eager Celery ran it after commit
    assert run.parameters == {"city": "CDMX", "include_inactive": False}
    page = client.get(response["Location"])
    assert b"report-progress" in page.content
    assert f"/reports/runs/{run.pk}/download/".encode() in page.content


def test_the_admin_refuses_bad_parameters(official_bcn, login):
    response = login(official_bcn, language="en").post(
        "/admin/reports/reportrun/add/?kind=institutions",
        {"kind": "institutions", "p-city": "MAD", "format": "csv"},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert not ReportRun.objects.exists()


def test_scheduled_report_runs_and_tells_the_officials(
    register, official_cdmx, official_bcn, django_capture_on_commit_callbacks
):
    from reports.tasks import scheduled_report

    official_bcn.language = "ca"
    official_bcn.save()
    with django_capture_on_commit_callbacks(execute=True):
        run_id = scheduled_report("institutions", {}, "csv")
    run = ReportRun.objects.get(pk=run_id)
    assert run.state == ReportRun.State.SUCCEEDED
    assert run.requested_by is None
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2
    assert any("Registre d'institucions" in s for s in subjects)
    assert any("Registro de instituciones" in s for s in subjects)


def test_reports_read_from_the_replica_when_there_is_one(settings):
    assert services.report_database() == "default"
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    assert services.report_database() == "replica"


def test_reports_stay_out_of_public_media(settings):
    assert not str(settings.REPORTS_ROOT).startswith(str(settings.MEDIA_ROOT))
