"""The history of a project's parts in the admin: read, never changed nor reverted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from projects.models import (
    FundingCommitment,
    Indicator,
    Measurement,
    Milestone,
    Participation,
    TeamMember,
)

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
