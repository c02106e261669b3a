"""Officials' report schedules in the admin: each official sees and changes their own only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.kinds.registry import REGISTRY
from reports.models import ReportSchedule
from reports.schedules import report_schedule_check, report_schedule_create, report_schedule_update
from reports.services import can_use_reports


def _kind_choices() -> list[tuple[str, str]]:
    return [(code, str(REGISTRY[code].title)) for code in sorted(REGISTRY)]


class ReportScheduleForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("Report"), choices=_kind_choices)
    parameters = forms.JSONField(
        label=_("Parameters"),
        required=False,
        initial=dict,
        help_text=_(
            'The report\'s parameters by name, for example {"city": "CDMX", "date_from": '
            '"2026-01-01"}. Empty: the report\'s defaults.'
        ),
    )

    class Meta:
        model = ReportSchedule
        fields = ("kind", "parameters", "format", "frequency", "next_run_at", "active")

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["next_run_at"].initial = timezone.now

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            # The rule of every report run, so the form refuses what the beat would refuse.
            data["parameters"] = report_schedule_check(
                actor=self.actor,
                kind=data.get("kind", ""),
                parameters=data.get("parameters") or {},
                format=data.get("format", ""),
                frequency=data.get("frequency", ""),
            )
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
            else:
                raise
        return data


@admin.register(ReportSchedule)
class ReportScheduleAdmin(admin.ModelAdmin):
    form = ReportScheduleForm
    list_display = ("report", "frequency", "format", "next_run_at", "active", "last_error")
    list_filter = ("active", "frequency", "kind")
    readonly_fields = ("last_error",)

    @admin.display(description=_("Report"), ordering="kind")
    def report(self, obj: ReportSchedule) -> str:
        return obj.title

    # An official's own schedules only, whoever else may run reports: a schedule mails its
    # owner, and nobody acts in another's name. Coordinators and the rest see nothing.
    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportSchedule]:
        return super().get_queryset(request).filter(owner_id=request.user.pk)

    def _own(self, request: HttpRequest, obj: ReportSchedule | None) -> bool:
        return can_use_reports(request.user) and (obj is None or obj.owner_id == request.user.pk)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_reports(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._own(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_use_reports(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._own(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._own(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithActor(form):  # type: ignore[valid-type,misc]
            def __init__(self, *args: Any, **inner: Any) -> None:
                super().__init__(*args, actor=request.user, **inner)

        return WithActor

    def save_model(
        self, request: HttpRequest, obj: ReportSchedule, form: Any, change: bool
    ) -> None:
        values = {
            key: form.cleaned_data[key]
            for key in ("kind", "parameters", "format", "frequency", "next_run_at", "active")
        }
        if change:
            saved = report_schedule_update(actor=request.user, schedule_id=obj.pk, **values)
        else:
            saved = report_schedule_create(actor=request.user, **values)
        obj.pk, obj.owner_id = saved.pk, saved.owner_id
