"""Joint projects in the admin: the programme's portfolio for officials.

Officials see every project and change those in which an institution of their city takes part
(``projects/permissions.py``); status changes go through ``projects.services``.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.crypto import get_random_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cooperation.inputs import bounded_int
from cooperation.models import Institution, Party, StrategicArea
from cooperation.roles import is_programme_admin, official_party_id
from cooperation.spreadsheets import csv_writer, xlsx_row
from projects import events, imports
from projects.forms import ImportForm, ProjectStatusForm
from projects.models import (
    Currency,
    ExchangeRate,
    FundingCommitment,
    Indicator,
    JointProject,
    Measurement,
    Milestone,
    Participation,
    ProjectEvent,
    ProjectStatus,
    TeamMember,
)
from projects.permissions import can_manage_project
from projects.services import (
    TRANSITIONS,
    allowed_transitions,
    funding_totals,
    project_parts_changed,
    project_transition,
)
from projects.templatetags.projects_tags import status_label


class ReadOnlyHistoryMixin:
    """History is read in the admin, never reverted: a revert would bypass the services."""

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, *args, **kwargs)  # type: ignore[misc]


class ProjectScopedInline(admin.TabularInline):
    """A part of a project, changed only by those who may change the project."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and can_manage_project(request.user, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_manage_project(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_manage_project(request.user, obj)


class ParticipationFormSet(BaseInlineFormSet):
    """An official keeps at least one institution of their city in the projects they edit."""

    def clean(self) -> None:
        super().clean()
        party_id = official_party_id(self.request.user)  # type: ignore[attr-defined]
        if party_id is None or is_programme_admin(self.request.user):  # type: ignore[attr-defined]
            return
        kept = [
            form.cleaned_data["institution"]
            for form in self.forms
            if form.cleaned_data.get("institution") and not form.cleaned_data.get("DELETE")
        ]
        if not any(institution.party_id == party_id for institution in kept):
            raise ValidationError(
                _(
                    "Keep at least one institution of your city: otherwise you could not change "
                    "the project any more."
                )
            )


class ParticipationInline(ProjectScopedInline):
    model = Participation
    formset = ParticipationFormSet
    autocomplete_fields = ("institution",)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request  # type: ignore[attr-defined]
        return formset


class FundingInline(ProjectScopedInline):
    model = FundingCommitment
    fields = ("funder_party", "funder_institution", "amount", "currency", "year", "kind")
    autocomplete_fields = ("funder_institution",)


class MilestoneInline(ProjectScopedInline):
    model = Milestone
    fields = ("title", "due_date", "status", "completed_on", "evidence_url")


class IndicatorInline(ProjectScopedInline):
    model = Indicator
    fields = ("name", "unit", "baseline", "target")
    show_change_link = True


class TeamInline(ProjectScopedInline):
    # Self-declared gender is only read in anonymous totals (the project's "Team" section),
    # never person by person.
    model = TeamMember
    fields = ("name", "email", "institution", "role")
    autocomplete_fields = ("institution",)


class TimelineInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    fields = ("at", "actor", "from_label", "to_label", "note")
    readonly_fields = fields
    can_delete = False

    @admin.display(description=gettext_lazy("from"))
    def from_label(self, obj: ProjectEvent) -> str:
        return status_label(obj.from_status) if obj.from_status else "—"

    @admin.display(description=gettext_lazy("to"))
    def to_label(self, obj: ProjectEvent) -> str:
        return status_label(obj.to_status)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AreaFilter(admin.SimpleListFilter):
    title = gettext_lazy("strategic area")
    parameter_name = "area"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [(a.pk, str(a)) for a in StrategicArea.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = bounded_int(self.value())  # anything but an id filters nothing
        if value is None:
            return queryset
        through = JointProject.areas.through
        return queryset.filter(
            Q(primary_area_id=value)
            | Exists(through.objects.filter(jointproject_id=OuterRef("pk"), strategicarea_id=value))
        )


class CityFilter(admin.SimpleListFilter):
    title = gettext_lazy("city")
    parameter_name = "city"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [(p.pk, str(p)) for p in Party.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = bounded_int(self.value())
        if value is None:
            return queryset
        return queryset.in_city(value)  # type: ignore[attr-defined]


class InstitutionFilter(admin.SimpleListFilter):
    title = gettext_lazy("institution")
    parameter_name = "institution"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        return [
            (i.pk, str(i))
            for i in Institution.objects.filter(participations__isnull=False)
            .distinct()
            .order_by("name")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = bounded_int(self.value())
        if value is None:
            return queryset
        return queryset.for_institution(value)  # type: ignore[attr-defined]


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("start year")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[Any, str]]:
        years = JointProject.objects.dates("start_date", "year", order="DESC")
        return [(d.year, str(d.year)) for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        year = bounded_int(self.value(), minimum=1, maximum=9998)  # a year the calendar has
        if year is None:
            return queryset
        # A range rather than __year keeps the index on start_date usable.
        return queryset.filter(
            start_date__gte=datetime.date(year, 1, 1), start_date__lt=datetime.date(year + 1, 1, 1)
        )


EXPORT_COLUMNS = (
    ("code", gettext_lazy("code")),
    ("title", gettext_lazy("title")),
    ("status", gettext_lazy("status")),
    ("primary_area", gettext_lazy("primary strategic area")),
    ("start_date", gettext_lazy("planned start")),
    ("end_date", gettext_lazy("planned end")),
    ("public", gettext_lazy("public")),
    ("institutions", gettext_lazy("institutions")),
)


def _export_rows(queryset: QuerySet[JointProject]) -> Iterator[list[Any]]:
    yield [str(label) for _key, label in EXPORT_COLUMNS]
    # The admin's queryset already carries the listing's select and prefetch.
    for project in queryset.iterator(chunk_size=500):
        yield [
            project.code,
            project.title,
            project.get_status_display(),
            str(project.primary_area),
            project.start_date,
            project.end_date,
            _("yes") if project.public else _("no"),
            "; ".join(
                f"{p.institution.code} ({p.institution.party.code}, {p.get_role_display()})"
                for p in project.participations.all()
            ),
        ]


def _refusal(error: ValidationError | PermissionDenied) -> str:
    """Return the reason the lifecycle service gave for refusing a move."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("You may not make this change to this project.")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _transition_action(to_status: str) -> Any:
    def action(modeladmin: JointProjectAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        modeladmin.bulk_transition(request, queryset, to_status)

    action.__name__ = f"move_to_{to_status}"
    label = ProjectStatus(to_status).label
    action.short_description = gettext_lazy("Move selected projects to “%(status)s”") % {  # type: ignore[attr-defined]
        "status": label
    }
    return action


@admin.register(JointProject)
class JointProjectAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ("code", "title", "status", "primary_area", "cities", "start_date", "public")
    list_display_links = ("code", "title")
    list_filter = (
        "status",
        AreaFilter,
        "axes",
        CityFilter,
        YearFilter,
        InstitutionFilter,
        "public",
    )
    search_fields = (
        "code",
        "title_es",
        "title_ca",
        "title_en",
        "participations__institution__name_es",
        "participations__institution__acronym",
        "participations__institution__code",
    )
    list_per_page = 50
    readonly_fields = (
        "code",
        "status",
        "funding_totals",
        "team_by_gender",
        "parts_history",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("areas", "axes")
    inlines = (
        ParticipationInline,
        FundingInline,
        MilestoneInline,
        IndicatorInline,
        TeamInline,
        TimelineInline,
    )
    actions = [
        *(_transition_action(to) for to in dict.fromkeys(to for _frm, to in TRANSITIONS)),
        "export_csv",
        "export_xlsx",
    ]
    change_list_template = "admin/projects/jointproject/change_list.html"
    change_form_template = "admin/projects/jointproject/change_form.html"

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            (None, {"fields": (("code", "status"), ("start_date", "end_date"), "public")}),
            (
                _("Texts"),
                {
                    "fields": tuple(
                        f"{f}_{lang}"
                        for f in ("title", "summary", "impact")
                        for lang in ("es", "ca", "en")
                    )
                },
            ),
            (_("Areas and axes"), {"fields": ("primary_area", "areas", "axes")}),
            (_("Funding"), {"fields": ("funding_totals",)}),
            (_("Team"), {"fields": ("team_by_gender",)}),
            (_("History of the parts"), {"fields": ("parts_history",)}),
            (_("Record"), {"fields": ("created_at", "updated_at")}),
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[JointProject]:
        # The changelist's rows carry their area and institutions: the page's query count
        # does not grow with its size.
        return super().get_queryset(request).for_listing()  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("cities"))
    def cities(self, obj: JointProject) -> str:
        return ", ".join(sorted({p.institution.party.code for p in obj.participations.all()}))

    @admin.display(description=gettext_lazy("Totals per currency"))
    def funding_totals(self, obj: JointProject | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        totals = funding_totals(JointProject.objects.filter(pk=obj.pk), target=Currency.EUR)
        if not totals.per_currency:
            return _("No funding committed yet.")
        lines = format_html_join(
            "",
            "<li>{} {}</li>",
            ((f"{amount:,.2f}", cur) for cur, amount in totals.per_currency.items()),
        )
        notes = format_html_join(
            "",
            "<li>{}</li>",
            (
                (
                    _("%(amount)s %(from)s = %(converted)s %(to)s at %(rate)s (rate of %(date)s)")
                    % {
                        "amount": f"{totals.per_currency[cur]:,.2f}",
                        "from": cur,
                        "converted": f"{c.amount:,.2f}",
                        "to": c.currency,
                        "rate": f"{c.rate:.6f}",
                        "date": c.rate_date.isoformat(),
                    },
                )
                for cur, c in totals.conversions.items()
                if cur != totals.target_currency
            ),
        )
        if totals.total is None:
            total = _("No total in %(currency)s: an exchange rate is missing.") % {
                "currency": totals.target_currency
            }
        else:
            total = _("Total in %(currency)s: %(amount)s") % {
                "currency": totals.target_currency,
                "amount": f"{totals.total:,.2f}",
            }
        return format_html("<ul>{}</ul><ul>{}</ul><p>{}</p>", lines, notes, total)

    @admin.display(description=gettext_lazy("Changes to the parts"))
    def parts_history(self, obj: JointProject | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        links = []
        for model in PART_HISTORIES:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            lookup = "indicator__project" if model is HISTORICAL_MEASUREMENT else "project"
            links.append((f"{url}?{lookup}__id__exact={obj.pk}", opts.verbose_name_plural))
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a></li>', links)
        )

    @admin.display(description=gettext_lazy("Team by self-declared gender"))
    def team_by_gender(self, obj: JointProject | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        counts = dict(
            TeamMember.objects.filter(project=obj)
            .values("gender")
            .annotate(total=Count("pk"))
            .values_list("gender", "total")
        )
        if not counts:
            return _("No team members yet.")
        labels = [
            (str(TeamMember.Gender(gender).label) if gender else _("Not declared"), total)
            for gender, total in sorted(counts.items())
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", labels))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_manage_project(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_manage_project(request.user, obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # Still inside the admin's transaction: partners hear of the change once it commits.
        project = form.instance
        if not change:
            events.project_created(project)
        elif form.has_changed() or any(formset.has_changed() for formset in formsets):
            events.project_updated(project)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Add the status form, listing only the moves the lifecycle table allows this user."""
        extra_context = dict(extra_context or {})
        project = self.get_object(request, unquote(object_id))
        if project is not None:
            allowed = allowed_transitions(request.user, project)
            extra_context["status_form"] = ProjectStatusForm(allowed=allowed) if allowed else None
            extra_context["status_url"] = reverse(
                "admin:projects_jointproject_status", args=[project.pk]
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def status_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Move one project through the lifecycle service; refusals come back as messages."""
        project = self.get_object(request, unquote(object_id))
        if project is None:
            raise Http404
        if not self.has_view_permission(request, project):
            raise PermissionDenied
        change_url = reverse("admin:projects_jointproject_change", args=[project.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        # Every status is accepted here; the service alone decides whether this user may make
        # the move now (the page may be stale, or the form forged).
        form = ProjectStatusForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, str(error), messages.ERROR)
            return HttpResponseRedirect(change_url)
        to_status = form.cleaned_data["to_status"]
        try:
            project_transition(
                actor=request.user,  # type: ignore[arg-type]
                project=project,
                to_status=to_status,
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, _refusal(error), messages.ERROR)
        else:
            self.message_user(
                request,
                _("The project %(code)s moved to “%(status)s”.")
                % {"code": project.code, "status": ProjectStatus(to_status).label},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(change_url)

    def bulk_transition(self, request: HttpRequest, queryset: QuerySet, to_status: str) -> None:
        moved, refused = 0, []
        for project in queryset:
            try:
                project_transition(actor=request.user, project=project, to_status=to_status)  # type: ignore[arg-type]
                moved += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{project.code}: {_refusal(error)}")
        if moved:
            self.message_user(
                request,
                _("%(count)s project(s) moved to “%(status)s”.")
                % {"count": moved, "status": ProjectStatus(to_status).label},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=gettext_lazy("Export selected projects to CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        writer = csv_writer(_Echo())  # formula-safe (cooperation.spreadsheets)
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in _export_rows(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="projects.csv"'
        return response

    @admin.action(description=gettext_lazy("Export selected projects to Excel (XLSX)"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(_("Projects"))[:31])
        for row in _export_rows(queryset):
            sheet.append(xlsx_row(sheet, row))  # formula-safe (cooperation.spreadsheets)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="projects.xlsx"'
        return response

    def get_urls(self) -> list[Any]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="projects_jointproject_import",
            ),
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="projects_jointproject_status",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Check a file (dry run) and show every bad row; write it only when all rows are good."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import historical projects"),
            "columns": imports.COLUMNS,
        }
        result = None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                token = form.cleaned_data.get("token")
                upload = form.cleaned_data.get("file")
                if upload is not None:
                    suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
                    stored_name = default_storage.save(
                        f"{imports.STORAGE_FOLDER}/{get_random_string(24)}{suffix}", upload
                    )
                    token = stored_name.split("/", 1)[1]
                stored = f"{imports.STORAGE_FOLDER}/{token}"
                if not default_storage.exists(stored):
                    form.add_error(None, _("The checked file has expired; upload it again."))
                    context.update({"form": form, "result": None})
                    return TemplateResponse(
                        request, "admin/projects/jointproject/import.html", context
                    )
                with default_storage.open(stored, "rb") as handle:
                    result = imports.read_projects(stored, handle)
                # Writing needs the confirmation of a file already checked and shown (a token),
                # never a fresh upload.
                if upload is None and form.cleaned_data.get("confirm") and result.ok:
                    count = imports.import_projects(result, actor=request.user)
                    default_storage.delete(stored)
                    self.message_user(
                        request,
                        _("%(count)s project(s) imported.") % {"count": count},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:projects_jointproject_changelist"))
                if not result.ok:
                    default_storage.delete(stored)
                    token = ""
                form = ImportForm(initial={"token": token})
        else:
            form = ImportForm()
        context.update({"form": form, "result": result})
        return TemplateResponse(request, "admin/projects/jointproject/import.html", context)


class MeasurementInline(ProjectScopedInline):
    model = Measurement
    fields = ("date", "value")

    def _project(self, obj: Any) -> Any:
        return obj.project if obj is not None else None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.TabularInline.has_add_permission(self, request, obj) and can_manage_project(
            request.user, self._project(obj)
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.TabularInline.has_change_permission(self, request, obj) and can_manage_project(
            request.user, self._project(obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return admin.TabularInline.has_delete_permission(self, request, obj) and can_manage_project(
            request.user, self._project(obj)
        )


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    list_display = ("name", "project", "unit", "baseline", "target")
    list_select_related = ("project",)
    search_fields = ("name", "project__code")
    autocomplete_fields = ("project",)
    inlines = (MeasurementInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if not change or form.has_changed() or any(f.has_changed() for f in formsets):
            project_parts_changed(form.instance.project)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_manage_project(
            request.user, obj.project if obj else None
        )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    list_display = ("date", "base", "quote", "rate")
    list_filter = ("base", "quote")
    date_hierarchy = "date"


HISTORICAL_MEASUREMENT = Measurement.history.model
PART_HISTORIES = [
    Participation.history.model,
    FundingCommitment.history.model,
    Milestone.history.model,
    Indicator.history.model,
    HISTORICAL_MEASUREMENT,
    TeamMember.history.model,
]


class PartHistoryAdmin(admin.ModelAdmin):
    """Every change to a part of a project: who, when, what kind, and the values after it."""

    list_display = ("history_date", "history_user", "history_type", "project_code", "record")
    list_filter = ("history_type",)
    date_hierarchy = "history_date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # Rows carry their project (and a participation its institution): no query per row.
        related = ["history_user"]
        related.append("indicator__project" if self.model is HISTORICAL_MEASUREMENT else "project")
        if self.model is Participation.history.model:
            related.append("institution")
        return super().get_queryset(request).select_related(*related)

    @admin.display(description=gettext_lazy("project"))
    def project_code(self, obj: Any) -> str:
        project = obj.indicator.project if self.model is HISTORICAL_MEASUREMENT else obj.project
        return str(project.code)

    @admin.display(description=gettext_lazy("record"))
    def record(self, obj: Any) -> str:
        if self.model is Participation.history.model:
            return f"{obj.institution} ({obj.get_role_display()})"
        return str(obj.instance)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


for _history_model in PART_HISTORIES:
    admin.site.register(_history_model, PartHistoryAdmin)
