"""The admin's import of historical projects: check a file, show every bad row, confirm, and
follow the import, which a worker runs (all rows or none) while its page shows the progress."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import get_random_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperation.outbox import dispatch
from cooperation.roles import is_programme_admin
from projects import import_runs, imports
from projects.forms import ImportForm
from projects.models import ProjectImport
from projects.permissions import can_manage_project

PREVIEW_ROWS = 50  # a checked file of 20,000 rows shows its first rows, and how many follow
TEMPLATE = "admin/projects/jointproject/import.html"


def _page(request: HttpRequest, context: dict[str, Any], form: ImportForm, result: Any) -> Any:
    more = max(0, len(result.rows) - PREVIEW_ROWS) if result is not None else 0
    return TemplateResponse(
        request, TEMPLATE, {**context, "form": form, "result": result, "preview_more": more}
    )


def import_view(model_admin: Any, request: HttpRequest) -> HttpResponse:
    """Check a file (dry run) and show every bad row; queue it only when all rows are good."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import historical projects"),
        "columns": imports.COLUMNS,
        "preview_rows": PREVIEW_ROWS,
    }
    if request.method != "POST":
        return _page(request, context, ImportForm(), None)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, context, form, None)
    token = form.cleaned_data.get("token") or ""
    upload = form.cleaned_data.get("file")
    name = form.cleaned_data.get("name") or ""
    if upload is not None:
        suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
        stored_name = imports.import_storage.save(
            f"{imports.STORAGE_FOLDER}/{get_random_string(24)}{suffix}", upload
        )
        token, name = stored_name.split("/", 1)[1], upload.name
    stored = f"{imports.STORAGE_FOLDER}/{token}"
    if not imports.import_storage.exists(stored):
        form.add_error(None, _("The checked file has expired; upload it again."))
        return _page(request, context, form, None)
    # Writing needs the confirmation of a file already checked and shown (a token), never a
    # fresh upload; the worker checks it again before it writes.
    if upload is None and form.cleaned_data.get("confirm"):
        run = import_runs.import_request(
            actor=request.user,  # type: ignore[arg-type]
            file_name=token,
            original_name=name,
        )
        # Through the outbox: a broker that is down now costs a delay, never the import.
        dispatch.dispatch("project_import", [run.pk])
        model_admin.message_user(
            request, _("The import is queued; this page shows its progress."), messages.SUCCESS
        )
        return HttpResponseRedirect(reverse("admin:projects_projectimport_change", args=[run.pk]))
    with imports.import_storage.open(stored, "rb") as handle:
        result = imports.read_projects(stored, handle, actor=request.user)  # type: ignore[arg-type]
    if not result.ok:
        imports.import_storage.delete(stored)
        token = ""
    return _page(request, context, ImportForm(initial={"token": token, "name": name}), result)


@admin.register(ProjectImport)
class ProjectImportAdmin(admin.ModelAdmin):
    """Imports of historical projects: their state, progress, outcome and rows with errors.

    Runs are made by the import page and written by a worker: nobody adds, changes or deletes
    them here. An official sees the imports they asked for; administrators see all.
    """

    list_display = ("id", "original_name", "state", "progress_bar", "imported", "created_at")
    list_filter = ("state",)
    fields = (
        "original_name",
        "requested_by",
        "state",
        "progress_bar",
        "rows_total",
        "imported",
        "error",
        "row_errors_table",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
    )
    readonly_fields = fields
    change_form_template = "admin/projects/projectimport/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProjectImport]:
        runs = super().get_queryset(request).select_related("requested_by")
        if is_programme_admin(request.user):
            return runs
        return runs.filter(requested_by_id=request.user.pk)

    @admin.display(description=gettext_lazy("progress"))
    def progress_bar(self, obj: ProjectImport) -> str:
        return format_html(
            '<progress class="import-progress" max="100" value="{}" data-url="{}" '
            'data-state="{}" aria-label="{}">{} %</progress> <span class="import-state">{}</span>',
            obj.progress,
            reverse("admin:projects_projectimport_progress", args=[obj.pk]),
            obj.state,
            _("Progress of import %(id)s") % {"id": obj.pk},
            obj.progress,
            obj.get_state_display(),
        )

    @admin.display(description=gettext_lazy("rows with errors"))
    def row_errors_table(self, obj: ProjectImport) -> str:
        if not obj.row_errors:
            return "—"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td></tr>",
            ((e["line"], e["reason"]) for e in obj.row_errors),
        )
        return format_html(
            '<table><thead><tr><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("Line"),
            _("Reason"),
            rows,
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_project(request.user, None)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_project(request.user, None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name="projects_projectimport_progress",
            ),
            *super().get_urls(),
        ]

    def progress_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        """Answer the page's polling (``projects/import-progress.js``) with the run's state."""
        run = self.get_object(request, unquote(object_id))
        if run is None or not self.has_view_permission(request, run):
            raise Http404
        response = JsonResponse(
            {
                "state": run.state,
                "state_label": run.get_state_display(),
                "progress": run.progress,
                "rows_done": run.rows_done,
                "rows_total": run.rows_total,
            }
        )
        add_never_cache_headers(response)
        return response
