"""Calls and applications in the admin, for officials. Every change of status goes through
``exchanges.services``; application records are read-only here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from cooperation.models import User
from cooperation.roles import Role
from exchanges import services
from exchanges.models import (
    ApplicationEvent,
    Call,
    CallHost,
    Criterion,
    ReviewAssignment,
    StayApplication,
    criteria_problems,
)
from exchanges.views import export_csv


class CriteriaFormSet(forms.BaseInlineFormSet):
    """Weights sum to 100 and social and urban impact is always one of the criteria."""

    def clean(self) -> None:
        super().clean()
        rows = [
            (form.cleaned_data.get("weight") or 0, bool(form.cleaned_data.get("is_social_impact")))
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        problems = criteria_problems(rows)
        if problems:
            raise ValidationError(problems)


class CriterionInline(TranslationTabularInline):
    model = Criterion
    formset = CriteriaFormSet
    extra = 0
    min_num = 1
    fields = ("order", "name", "weight", "is_social_impact")


class CallHostInline(admin.TabularInline):
    model = CallHost
    extra = 1
    autocomplete_fields = ("institution",)


@admin.register(Call)
class CallAdmin(TranslationAdmin):
    list_display = ("title", "direction", "opens_at", "closes_at", "monthly_stipend")
    list_filter = ("direction", "areas")
    search_fields = ("title_es", "title_ca", "title_en")
    filter_horizontal = ("areas",)
    inlines = (CallHostInline, CriterionInline)
    fieldsets = (
        (
            _("Text"),
            {
                "fields": (
                    "title_es",
                    "title_ca",
                    "title_en",
                    "description_es",
                    "description_ca",
                    "description_en",
                )
            },
        ),
        (
            _("Terms"),
            {
                "fields": (
                    "direction",
                    ("opens_at", "closes_at"),
                    ("stays_from", "stays_until"),
                    ("min_duration_days", "max_duration_days"),
                    ("monthly_stipend", "stipend_currency"),
                    "report_opens_days_before",
                    "areas",
                    "required_documents",
                )
            },
        ),
    )


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _run(
    request: HttpRequest, queryset: QuerySet[StayApplication], service: Any, done: Any
) -> None:
    ok = 0
    for application in queryset:
        try:
            service(actor=request.user, application_id=application.pk)
            ok += 1
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"#{application.pk}: {message}")
    if ok:
        messages.success(request, done % {"count": ok})


@admin.register(StayApplication)
class StayApplicationAdmin(admin.ModelAdmin):
    list_display = ("id", "researcher", "call", "host", "status", "submitted_at")
    list_filter = ("call", "status", "call__direction", "host", "call__areas")
    list_select_related = ("researcher", "call", "host")
    search_fields = ("researcher__email", "researcher__last_name", "title")
    inlines = (EventInline,)
    actions = (
        "sign_approval",
        "reject",
        "cancel",
        "accept_final_report",
        "export_csv",
    )
    readonly_fields = (
        "call",
        "researcher",
        "status",
        "host",
        "start_date",
        "end_date",
        "title",
        "work_plan",
        "impact_statement",
        "submitted_at",
        "documents_purged_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[StayApplication]:
        # Drafts are the researcher's own business until submitted.
        return super().get_queryset(request).exclude(status=StayApplication.Status.DRAFT)

    @admin.action(description=_("Sign the approval for my city"), permissions=["change"])
    def sign_approval(self, request: HttpRequest, queryset: QuerySet[StayApplication]) -> None:
        _run(request, queryset, services.application_sign, _("%(count)s signed."))

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[StayApplication]) -> None:
        _run(request, queryset, services.application_reject, _("%(count)s rejected."))

    @admin.action(description=_("Cancel"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[StayApplication]) -> None:
        _run(request, queryset, services.application_cancel, _("%(count)s cancelled."))

    @admin.action(description=_("Accept the final report"), permissions=["change"])
    def accept_final_report(
        self, request: HttpRequest, queryset: QuerySet[StayApplication]
    ) -> None:
        _run(request, queryset, services.final_report_accept, _("%(count)s completed."))

    @admin.action(description=_("Export as CSV"), permissions=["view"])
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[StayApplication]
    ) -> StreamingHttpResponse:
        return export_csv(queryset)


class ReviewAssignmentForm(forms.ModelForm):
    class Meta:
        model = ReviewAssignment
        fields = ["application", "reviewer"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            groups__name=Role.REVIEWER, is_active=True
        )
        self.fields["application"].queryset = StayApplication.objects.filter(  # type: ignore[attr-defined]
            status__in=[StayApplication.Status.HOST_ACCEPTED, StayApplication.Status.EVALUATION]
        ).select_related("call", "researcher")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        application = data.get("application")
        reviewer = data.get("reviewer")
        if application and reviewer and reviewer.pk == application.researcher_id:
            raise ValidationError(_("Applicants cannot review their own application."))
        return data


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    """Officials assign reviewers here; the assignment goes through the service."""

    form = ReviewAssignmentForm
    list_display = ("application", "reviewer", "assigned_at", "has_conflict", "submitted_at")
    list_filter = ("application__call", "has_conflict")
    list_select_related = ("application__call", "application__researcher", "reviewer")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assignment = services.review_assign(
            actor=request.user,  # type: ignore[arg-type]
            application_id=obj.application_id,
            reviewer=obj.reviewer,
        )
        obj.pk = assignment.pk
