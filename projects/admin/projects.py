"""Joint projects in the admin: the programme's portfolio for officials.

Officials see every project and change those in which an institution of their city takes part
(``projects/permissions.py``), until the project is completed or cancelled; then its page is
read-only. Every change of the page, its inlines included, goes through ``projects.services``
(``projects/admin/base.py``), and the status moves only through the lifecycle service.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.urls import path, reverse
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cooperation.spreadsheets import csv_writer, xlsx_row
from projects import services
from projects.admin.base import ReadOnlyHistoryMixin, ServiceAdminMixin, refusals
from projects.admin.filters import (
    AreaFilter,
    CityFilter,
    InstitutionFilter,
    LateMilestonesFilter,
    MissingTranslationFilter,
    YearFilter,
    export_rows,
)
from projects.admin.history import HISTORICAL_MEASUREMENT, PART_HISTORIES
from projects.admin.importing import import_view
from projects.admin.inlines import (
    FundingInline,
    IndicatorInline,
    MilestoneInline,
    ParticipationInline,
    TeamInline,
    TimelineInline,
)
from projects.admin.moves import MOVES_CHANGE_FORM, MovesAdminMixin
from projects.forms import ProjectStatusForm
from projects.models import Currency, JointProject, Participation, ProjectStatus, TeamMember
from projects.permissions import can_change_project, can_delete_project


class _Echo:
    def write(self, value: str) -> str:
        return value


def _move_label(to_status: str) -> str:
    """Return the label of the bulk action moving projects to ``to_status``."""
    return _("Move selected projects to “%(status)s”") % {"status": ProjectStatus(to_status).label}


# The label in the language of the page that shows it, not of the process's start.
move_label = lazy(_move_label, str)


@admin.register(JointProject)
class JointProjectAdmin(
    MovesAdminMixin, ServiceAdminMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin, TranslationAdmin
):
    list_display = ("code", "title", "status", "primary_area", "cities", "start_date", "public")
    list_display_links = ("code", "title")
    list_filter = (
        "status",
        AreaFilter,
        "axes",
        CityFilter,
        YearFilter,
        InstitutionFilter,
        LateMilestonesFilter,
        "public",
        MissingTranslationFilter,
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
    # One bulk action per status a move of the lifecycle table (``services.TRANSITIONS``) leads
    # to; each asks ``project_transition`` for every project, so the table and the actor's
    # right decide project by project. A test holds these actions and the table's moves equal.
    actions = [
        "move_to_approved",
        "move_to_cancelled",
        "move_to_active",
        "move_to_completed",
        "move_to_suspended",
        "export_csv",
        "export_xlsx",
    ]
    change_list_template = "admin/projects/jointproject/change_list.html"
    move_form = ProjectStatusForm
    change_form_template = MOVES_CHANGE_FORM
    move_texts = {
        "title": gettext_lazy("Change the status"),
        "legend": gettext_lazy("Move the project through its lifecycle"),
        "none": gettext_lazy("No status change is open to you for this project now."),
    }

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

    # The dashboard's drill-downs (question 1) list exactly the projects a figure counts: by
    # primary area, running in the period (ends after its start, starts before its end), led
    # from a city; without more filters in the sidebar.
    DRILL_DOWN_LOOKUPS = frozenset(
        {
            "primary_area__id__exact",
            "end_date__gte",
            "start_date__lte",
            "participations__role",
            "participations__institution__party__code",
        }
    )

    def lookup_allowed(self, lookup: str, value: str, request: Any = None) -> bool:
        if lookup in self.DRILL_DOWN_LOOKUPS:
            return True
        return bool(super().lookup_allowed(lookup, value, request))

    def get_queryset(self, request: HttpRequest) -> QuerySet[JointProject]:
        # The projects the person may read (the one rule, which gives officials and
        # administrators every project); the changelist's rows carry their area and
        # institutions, so the page's query count does not grow with its size.
        projects = super().get_queryset(request)
        return projects.visible_to(request.user).for_listing()  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("cities"))
    def cities(self, obj: JointProject) -> str:
        return ", ".join(sorted({p.institution.party.code for p in obj.participations.all()}))

    @admin.display(description=gettext_lazy("Totals per currency"))
    def funding_totals(self, obj: JointProject | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        totals = services.funding_totals(
            JointProject.objects.filter(pk=obj.pk), target=Currency.EUR
        )
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

    @admin.display(description=gettext_lazy("Team and self-declared gender"))
    def team_by_gender(self, obj: JointProject | None) -> str:
        # No count by gender beside the named team: in a team of a few people a count points
        # at a person, and the teams' counts add up to the dashboard's programme totals, so
        # one shown here would let a hidden one there be worked out. Gender is published only
        # in those totals, under disclosure control (cooperation.disclosure).
        if obj is None or obj.pk is None:
            return "—"
        size = TeamMember.objects.filter(project=obj).count()
        if not size:
            return _("No team members yet.")
        return _(
            "%(size)s people in the team. Self-declared gender is published only in the "
            "programme's totals, under disclosure control (officials' dashboard)."
        ) % {"size": size}

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A completed or cancelled project is a closed record: its page is read-only.
        return super().has_change_permission(request, obj) and can_change_project(request.user, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_delete_project(request.user, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Save the main form's changes through ``project_update``; a new project waits for
        its institutions (``save_related``), since ``project_create`` checks them together."""
        if not change:
            return
        with refusals():
            services.project_update(
                actor=request.user,  # type: ignore[arg-type]
                project=obj,
                areas=form.cleaned_data.get("areas"),
                axes=form.cleaned_data.get("axes"),
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Create a new project with its institutions, then save each inline's changes."""
        if not change:
            participations = next(f for f in formsets if f.model is Participation)
            rows = [
                row
                for row in participations.extra_forms
                if row.has_changed() and not row.cleaned_data.get("DELETE")
            ]
            with refusals():
                services.project_create(
                    actor=request.user,  # type: ignore[arg-type]
                    project=form.instance,
                    institutions=[
                        (r.cleaned_data["institution"], r.cleaned_data["role"]) for r in rows
                    ],
                    areas=form.cleaned_data.get("areas") or (),
                    axes=form.cleaned_data.get("axes") or (),
                )
            participations.new_objects = list(form.instance.participations.all())
            participations.changed_objects, participations.deleted_objects = [], []
            formsets = [f for f in formsets if f is not participations]
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with refusals():
            services.project_delete(actor=request.user, project=obj)  # type: ignore[arg-type]

    def allowed_moves(self, user: Any, obj: Any) -> list[str]:
        return services.allowed_transitions(user, obj)

    def make_move(self, *, actor: Any, obj: Any, to: str, note: str = "") -> None:
        services.project_transition(actor=actor, project=obj, to_status=to, note=note)

    def moved_message(self, obj: Any, to: str) -> str:
        return _("The project %(code)s moved to “%(status)s”.") % {
            "code": obj.code,
            "status": ProjectStatus(to).label,
        }

    def bulk_moved_message(self, count: int, to: str) -> str:
        return _("%(count)s project(s) moved to “%(status)s”.") % {
            "count": count,
            "status": ProjectStatus(to).label,
        }

    def refused_name(self, obj: Any) -> str:
        return obj.code

    @admin.action(description=move_label(ProjectStatus.APPROVED))
    def move_to_approved(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, ProjectStatus.APPROVED)

    @admin.action(description=move_label(ProjectStatus.CANCELLED))
    def move_to_cancelled(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, ProjectStatus.CANCELLED)

    @admin.action(description=move_label(ProjectStatus.ACTIVE))
    def move_to_active(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, ProjectStatus.ACTIVE)

    @admin.action(description=move_label(ProjectStatus.COMPLETED))
    def move_to_completed(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, ProjectStatus.COMPLETED)

    @admin.action(description=move_label(ProjectStatus.SUSPENDED))
    def move_to_suspended(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, ProjectStatus.SUSPENDED)

    @admin.action(description=gettext_lazy("Export selected projects to CSV"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet) -> StreamingHttpResponse:
        writer = csv_writer(_Echo())  # formula-safe (cooperation.spreadsheets)
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in export_rows(queryset)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="projects.csv"'
        return response

    @admin.action(description=gettext_lazy("Export selected projects to Excel (XLSX)"))
    def export_xlsx(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=str(_("Projects"))[:31])
        for row in export_rows(queryset):
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
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        return import_view(self, request)
