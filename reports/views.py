"""Download a report's file and read a run's progress (officials only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cooperation.access import sign_in_required
from reports.models import ReportRun
from reports.services import can_use_reports

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "zip": "application/zip",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _run_for(request: HttpRequest, pk: int) -> ReportRun:
    if not can_use_reports(request.user):
        raise PermissionDenied
    return get_object_or_404(ReportRun, pk=pk)


def file_response(run: ReportRun) -> FileResponse:
    """Stream a finished run's file as an attachment; 404 while it has none."""
    if run.state != ReportRun.State.SUCCEEDED or not run.file:
        raise Http404
    suffix = run.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=run.file.name,
        content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"),
    )


@sign_in_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    return file_response(_run_for(request, pk))


@never_cache
@sign_in_required
@require_GET
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    run = _run_for(request, pk)
    return JsonResponse(
        {
            "state": run.state,
            "state_label": run.get_state_display(),
            "progress": run.progress,
            "rows": run.rows,
            "error": run.error,
            "download": run.state == ReportRun.State.SUCCEEDED,
        }
    )
