"""Report runs in the admin: request one, watch its progress, download its file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from reports.dashboard import DashboardForm, dashboard_context
from reports.kinds.base import jsonable
from reports.kinds.registry import REGISTRY, get_kind
from reports.models import Dashboard, ReportRun
from reports.panels import question_panels
from reports.services import can_use_reports, report_database, report_request, report_retry


class FormatForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=ReportRun.Format.choices)


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "format",
        "state",
        "progress_bar",
        "requested_by",
        "created_at",
        "download_link",
    )
    list_filter = ("state", "kind", "format")
    list_select_related = ("requested_by",)
    date_hierarchy = "created_at"
    readonly_fields = (
        "title",
        "kind",
        "parameters",
        "format",
        "requested_by",
        "schedule",
        "state",
        "progress_bar",
        "rows",
        "created_at",
        "started_at",
        "finished_at",
        "attempts",
        "error",
        "download_link",
    )
    exclude = ("file", "heartbeat_at", "progress", "notify_officials")
    change_form_template = "admin/reports/reportrun/change_form.html"
    actions = ["retry_runs"]

    @admin.display(description=_("report"))
    def title(self, obj: ReportRun) -> str:
        return obj.title

    @admin.display(description=_("progress"))
    def progress_bar(self, obj: ReportRun) -> str:
        return format_html(
            '<progress class="report-progress" max="100" value="{}" data-url="{}" data-state="{}" '
            'aria-label="{}">{} %</progress> <span class="report-state">{}</span>',
            obj.progress,
            reverse("reports:progress", args=[obj.pk]),
            obj.state,
            gettext("Progress of report %(id)s") % {"id": obj.pk},
            obj.progress,
            obj.get_state_display(),
        )

    @admin.display(description=_("file"))
    def download_link(self, obj: ReportRun) -> str:
        if obj.state != ReportRun.State.SUCCEEDED:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:download", args=[obj.pk]), gettext("Download")
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_use_reports(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_retry": self.has_retry_permission(request)}
        return super().change_view(request, object_id, form_url, extra_context)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        # Retrying is asking for the report again: whoever may request reports may retry.
        return self.has_add_permission(request)

    @admin.action(description=_("Retry the selected failed reports"), permissions=["retry"])
    def retry_runs(self, request: HttpRequest, queryset: Any) -> None:
        retried = 0
        for run in queryset:
            try:
                report_retry(actor=request.user, run_id=run.pk)
            except (ValidationError, PermissionDenied) as error:
                messages_ = getattr(error, "messages", None) or [str(error)]
                self.message_user(request, f"#{run.pk}: {' '.join(messages_)}", messages.ERROR)
            else:
                retried += 1
        if retried:
            self.message_user(
                request,
                ngettext("%d report queued again.", "%d reports queued again.", retried) % retried,
            )

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """Choose a kind, then its parameters and a format; the run is queued on submit."""
        if not self.has_add_permission(request) or not can_use_reports(request.user):
            raise PermissionDenied
        code = request.GET.get("kind") or request.POST.get("kind")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Request a report"),
            "kinds": [(k, REGISTRY[k]) for k in sorted(REGISTRY)],
        }
        if not code:
            return TemplateResponse(request, "admin/reports/reportrun/choose_kind.html", context)
        try:
            kind = get_kind(code)
        except ValidationError:
            raise PermissionDenied from None
        parameters = kind.form_class(request.POST or None, prefix="p")
        formats = FormatForm(request.POST or None)
        if request.method == "POST" and parameters.is_valid() and formats.is_valid():
            try:
                run = report_request(
                    actor=request.user,
                    kind=code,
                    parameters={k: jsonable(v) for k, v in parameters.cleaned_data.items()},
                    format=formats.cleaned_data["format"],
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request, gettext("The report is queued; this page shows its progress.")
                )
                return HttpResponseRedirect(
                    reverse("admin:reports_reportrun_change", args=[run.pk])
                )
        context |= {"kind": kind, "code": code, "parameters": parameters, "formats": formats}
        return TemplateResponse(request, "admin/reports/reportrun/request.html", context)


@admin.register(Dashboard)
class DashboardAdmin(admin.ModelAdmin):
    """Key figures and charts for officials; its "list" is the dashboard page itself."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_reports(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_use_reports(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        from django.urls import path

        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="reports_dashboard_changelist",
            )
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not can_use_reports(request.user):
            raise PermissionDenied
        form = DashboardForm(request.GET or None)
        # A bad period is refused with its message and the dashboard of all time beside it.
        parameters = form.cleaned_data if form.is_bound and form.is_valid() else {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Officials' dashboard"),
            "form": form,
            **dashboard_context(report_database(), parameters),
        }
        # The questions' panels (question 9…), after the dashboard's own charts.
        context["charts"] = [*context["charts"], *question_panels(report_database(), parameters)]
        return TemplateResponse(request, "admin/reports/dashboard.html", context)


# Registered with the admin by importing them: officials' own report schedules, the lists
# behind the questions' figures.
from reports import admin_questions, admin_schedules  # noqa: E402, F401
