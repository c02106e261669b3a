"""Indicators (with their measurements) and exchange rates in the admin, through the services.

An official adds an indicator only to a project of their city, moves one only between such
projects, and records measurements only there: ``projects.services.indicator_save`` and
``measurement_save`` hold the rule, as for the portal and the API.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from projects import services
from projects.admin.base import (
    PartInline,
    ReadOnlyHistoryMixin,
    ServiceAdminMixin,
    adopt,
    refusals,
)
from projects.models import ExchangeRate, Indicator, Measurement
from projects.permissions import can_change_project


class MeasurementInline(PartInline):
    model = Measurement
    fields = ("date", "value")
    save_service = staticmethod(services.measurement_save)
    remove_service = staticmethod(services.measurement_remove)
    part_as = "measurement"

    def project_of(self, parent: Any) -> Any:
        return parent.project

    def context(self, parent: Any) -> dict[str, Any]:
        return {"project": parent.project, "indicator": parent}


@admin.register(Indicator)
class IndicatorAdmin(ServiceAdminMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    list_display = ("name", "project", "unit", "baseline", "target")
    list_select_related = ("project",)
    search_fields = ("name", "project__code")
    autocomplete_fields = ("project",)
    inlines = (MeasurementInline,)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with refusals():
            saved = services.indicator_save(
                actor=request.user,  # type: ignore[arg-type]
                project=data["project"],
                indicator=obj if change else None,
                name=data["name"],
                unit=data["unit"],
                baseline=data["baseline"],
                target=data["target"],
            )
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with refusals():
            services.indicator_remove(
                actor=request.user,  # type: ignore[arg-type]
                project=obj.project,
                indicator=obj,
            )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_change_project(
            request.user, obj.project if obj else None
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_change_project(
            request.user, obj.project if obj else None
        )


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ServiceAdminMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin):
    list_display = ("date", "base", "quote", "rate")
    list_filter = ("base", "quote")
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with refusals():
            saved = services.exchange_rate_save(
                actor=request.user,  # type: ignore[arg-type]
                rate=obj if change else None,
                date=data["date"],
                base=data["base"],
                quote=data["quote"],
                value=data["rate"],
            )
        adopt(obj, saved)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with refusals():
            services.exchange_rate_remove(actor=request.user, rate=obj)  # type: ignore[arg-type]
