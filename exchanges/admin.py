"""Calls and applications in the admin, for officials. Every change of status goes through
``exchanges.services``; application records are read-only here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from cooperation.models import User
from exchanges import permissions, services
from exchanges.models import (
    ApplicationEvent,
    Call,
    CallChange,
    CallHost,
    Criterion,
    ReviewAssignment,
    StayApplication,
)
from exchanges.views import export_csv


def _criterion_rows(formset: Any) -> list[services.CriterionRow]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or (form.instance.pk is None and not form.has_changed()):
            continue  # an extra row left empty
        rows.append(
            services.CriterionRow(
                pk=form.instance.pk,
                values={name: data.get(name) for name in services.CRITERION_FIELDS if name in data},
                delete=bool(data.get("DELETE")),
            )
        )
    return rows


def _host_rows(formset: Any) -> list[services.HostRow]:
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or (form.instance.pk is None and not form.has_changed()):
            continue
        rows.append(
            services.HostRow(
                pk=form.instance.pk,
                institution=data.get("institution"),
                places=int(data.get("places") or 0),
                delete=bool(data.get("DELETE")),
            )
        )
    return rows


class CriteriaFormSet(forms.BaseInlineFormSet):
    """Show the service's refusals on the criteria (weights, impact, frozen once scored)."""

    def clean(self) -> None:
        super().clean()
        problems = services.criteria_change_problems(self.instance, _criterion_rows(self))
        if problems:
            raise ValidationError(problems)


class HostsFormSet(forms.BaseInlineFormSet):
    """Show the service's refusals on the hosts and places (never below those awarded)."""

    def clean(self) -> None:
        super().clean()
        problems = services.hosts_change_problems(self.instance, _host_rows(self))
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
    formset = HostsFormSet
    extra = 1
    autocomplete_fields = ("institution",)


class CallChangeInline(admin.TabularInline):
    """Who changed what in the call, read-only: written by the call services."""

    model = CallChange
    extra = 0
    can_delete = False
    fields = ("at", "actor", "what", "before", "after")
    readonly_fields = fields
    verbose_name_plural = _("changes to the call (who changed what)")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Whoever may open the call reads its log (no separate permission to grant).
        return permissions.is_decider(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Call)
class CallAdmin(TranslationAdmin):
    """Calls; every save goes through ``exchanges.services.calls`` (criteria and places frozen
    once someone submitted an application: only changes that move no score or decision)."""

    list_display = ("title", "direction", "opens_at", "closes_at", "monthly_stipend", "ranking")
    list_filter = ("direction", "areas")
    search_fields = ("title_es", "title_ca", "title_en")
    filter_horizontal = ("areas",)
    inlines = (CallHostInline, CriterionInline, CallChangeInline)
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

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        # A new call has no change log yet.
        return self.inlines if obj is not None else (CallHostInline, CriterionInline)

    @admin.display(description=_("ranking"))
    def ranking(self, obj: Call) -> str:
        """Link to the call's ranking with its scores (question 8), open or closed."""
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("exchanges:call_ranking", args=[obj.pk]),
            _("Ranking, with the social and urban impact scores"),
        )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # a new call has nothing ranked yet
            return fieldsets
        return [(_("Ranking"), {"fields": ("ranking",)}), *fieldsets]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = (*super().get_readonly_fields(request, obj), "ranking")
        if services.call_has_submissions(obj):
            return (*readonly, *services.FROZEN_TERMS)
        return readonly

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # The admin saves the call and its inlines in one transaction: a refusal of a service
        # (a race the form's check could not see) undoes all of it and comes back as a message.
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.call_save(
            actor=request.user,  # type: ignore[arg-type]
            call=obj,
            areas=form.cleaned_data.get("areas"),
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The areas were saved by call_save; the inlines go through their services.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        actor: Any = request.user
        if formset.model is Criterion:
            services.call_criteria_set(
                actor=actor, call_id=form.instance.pk, rows=_criterion_rows(formset)
            )
        elif formset.model is CallHost:
            services.call_hosts_set(actor=actor, call_id=form.instance.pk, rows=_host_rows(formset))
        # CallChange rows are read-only here: nothing to save. The admin's own log reads
        # these lists (formset.save() would set them); the call's change log has the detail.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.call_delete(actor=request.user, call_id=obj.pk)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Call]) -> None:
        for call in queryset:
            services.call_delete(actor=request.user, call_id=call.pk)  # type: ignore[arg-type]


class EventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields

    # The timeline is written by the transition service only, never edited in the admin.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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

    # Nothing of an application is written here but through the decision actions, which call
    # the services: the record itself can be neither added, edited nor deleted in the admin
    # (officials still read it: Django lets the change permission view).
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        """Officials of either city and administrators co-decide (the services check again)."""
        return permissions.is_decider(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[StayApplication]:
        # Drafts are the researcher's own business until submitted.
        return super().get_queryset(request).exclude(status=StayApplication.Status.DRAFT)

    @admin.action(description=_("Sign the approval for my city"), permissions=["decide"])
    def sign_approval(self, request: HttpRequest, queryset: QuerySet[StayApplication]) -> None:
        _run(request, queryset, services.application_sign, _("%(count)s signed."))

    @admin.action(description=_("Reject"), permissions=["decide"])
    def reject(self, request: HttpRequest, queryset: QuerySet[StayApplication]) -> None:
        _run(request, queryset, services.application_reject, _("%(count)s rejected."))

    @admin.action(description=_("Cancel"), permissions=["decide"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[StayApplication]) -> None:
        _run(request, queryset, services.application_cancel, _("%(count)s cancelled."))

    @admin.action(description=_("Accept the final report"), permissions=["decide"])
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
        self.fields["reviewer"].queryset = User.objects.reviewers()  # type: ignore[attr-defined]
        self.fields["application"].queryset = StayApplication.objects.filter(  # type: ignore[attr-defined]
            status__in=[StayApplication.Status.HOST_ACCEPTED, StayApplication.Status.EVALUATION]
        ).select_related("call", "researcher")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        application = data.get("application")
        reviewer = data.get("reviewer")
        if application and reviewer:
            services.check_not_own(application, reviewer)  # the service's rule, shown here
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A reviewer's declaration and scores stay on the record of the decision.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        assignment = services.review_assign(
            actor=request.user,  # type: ignore[arg-type]
            application_id=obj.application_id,
            reviewer=obj.reviewer,
        )
        obj.pk = assignment.pk


# Registered with the admin by importing it: question 6 (waiting applications, reminders).
from exchanges import admin_waiting  # noqa: E402, F401
