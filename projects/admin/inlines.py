"""A project's parts on its admin page, each inline saved through the part's services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from projects import services
from projects.admin.base import PartInline
from projects.models import (
    FundingCommitment,
    Indicator,
    Milestone,
    Participation,
    ProjectEvent,
    TeamMember,
)
from projects.templatetags.projects_tags import status_label


class ParticipationInline(PartInline):
    model = Participation
    fields = ("institution", "role")
    autocomplete_fields = ("institution",)
    remove_service = staticmethod(services.participation_remove)
    part_as = "participation"

    def add(self, *, actor: Any, parent: Any, data: dict[str, Any]) -> Any:
        return services.participation_add(
            actor=actor, project=parent, institution=data["institution"], role=data["role"]
        )

    def change(self, *, actor: Any, parent: Any, obj: Any, data: dict[str, Any]) -> Any:
        return services.participation_update(
            actor=actor,
            project=parent,
            participation=obj,
            institution=data["institution"],
            role=data["role"],
        )


class FundingInline(PartInline):
    model = FundingCommitment
    fields = ("funder_party", "funder_institution", "amount", "currency", "year", "kind")
    autocomplete_fields = ("funder_institution",)
    save_service = staticmethod(services.funding_save)
    remove_service = staticmethod(services.funding_remove)
    part_as = "commitment"


class MilestoneInline(PartInline):
    model = Milestone
    fields = ("title", "due_date", "status", "completed_on", "evidence_url")
    save_service = staticmethod(services.milestone_save)
    remove_service = staticmethod(services.milestone_remove)
    part_as = "milestone"


class IndicatorInline(PartInline):
    model = Indicator
    fields = ("name", "unit", "baseline", "target")
    show_change_link = True
    save_service = staticmethod(services.indicator_save)
    remove_service = staticmethod(services.indicator_remove)
    part_as = "indicator"


class TeamInline(PartInline):
    # Self-declared gender is only read in anonymous totals (the project's "Team" section),
    # never person by person: the inline leaves it as declared.
    model = TeamMember
    fields = ("name", "email", "institution", "role")
    autocomplete_fields = ("institution",)
    save_service = staticmethod(services.team_member_save)
    remove_service = staticmethod(services.team_member_remove)
    part_as = "member"


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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
