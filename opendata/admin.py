"""Open data in the admin: releases with their files and validation report, the settings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from opendata.models import OpenDataSettings, Release, ReleaseFile
from opendata.notes import translated_reason
from opendata.services import can_manage_releases, release_request, settings_update


class ReadOnlyForOfficials(admin.ModelAdmin):
    """Officials and administrators read; nobody writes through the admin's forms."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_releases(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_releases(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReleaseFileInline(admin.TabularInline):
    model = ReleaseFile
    extra = 0
    can_delete = False
    fields = ("dataset", "format", "records", "size", "sha256", "validation", "errors_list")
    readonly_fields = fields

    @admin.display(description=_("errors"))
    def errors_list(self, obj: ReleaseFile) -> str:
        return "; ".join(obj.errors) or "—"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_releases(request.user)


@admin.register(Release)
class ReleaseAdmin(ReadOnlyForOfficials):
    list_display = ("id", "release_date", "state", "scheduled", "published_at", "attempts")
    list_filter = ("state", "scheduled")
    date_hierarchy = "release_date"
    fields = (
        "release_date",
        "state",
        "scheduled",
        "requested_by",
        "created_at",
        "started_at",
        "published_at",
        "attempts",
        "licence_title",
        "licence_url",
        "validation_report",
        "error",
    )
    readonly_fields = fields
    inlines = [ReleaseFileInline]
    actions = ["publish_again"]

    @admin.display(description=_("records left out or completed"))
    def validation_report(self, obj: Release) -> str:
        notes = [
            {**entry, "message": translated_reason(entry)}
            for entry in (obj.report or {}).get("notes", [])
        ]
        return render_to_string("admin/opendata/release/notes.html", {"notes": notes})

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return can_manage_releases(request.user)

    @admin.action(description=_("Publish again (build a new release now)"), permissions=["publish"])
    def publish_again(self, request: HttpRequest, queryset: QuerySet[Release]) -> None:
        # One new release of today, whatever the selection: a release is always all datasets.
        try:
            release_request(actor=request.user)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request, gettext("A new release is queued; it replaces the current one once built.")
        )


@admin.register(OpenDataSettings)
class OpenDataSettingsAdmin(admin.ModelAdmin):
    fields = ("licence_title", "licence_url", "retention_days")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_manage_releases(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_releases(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_manage_releases(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[OpenDataSettings]:
        OpenDataSettings.current()  # the one row exists before the list shows it
        return super().get_queryset(request)

    def save_model(
        self, request: HttpRequest, obj: OpenDataSettings, form: Any, change: bool
    ) -> None:
        settings_update(
            actor=request.user,
            licence_title=obj.licence_title,
            licence_url=obj.licence_url,
            retention_days=obj.retention_days,
        )
        self.message_user(request, gettext("The next release will use these settings."))
