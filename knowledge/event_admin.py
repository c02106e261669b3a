"""Events in the admin, for officials: created, changed, published and cancelled through
``knowledge.services`` (as the practices' admin does).

Officials of both cities read every event; an official keeps the events of their own city
(``knowledge.permissions.can_manage_event``). Registrations are shown read only, inside their
event: a person signs up and cancels on the portal, and their data is theirs.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin

from cooperation.models import Institution
from cooperation.roles import is_programme_admin, official_party_id
from knowledge import services
from knowledge.models import EVENT_TEXTS, Event, EventStatus, Registration
from knowledge.permissions import can_manage_event
from knowledge.services.events import DETAIL_FIELDS
from projects.admin.base import ServiceAdminMixin, adopt, refusals
from projects.admin.moves import MovesAdminMixin

# The workflow moves the admin offers as actions, each one service (which alone decides).
MOVES: dict[str, Any] = {
    EventStatus.PUBLISHED: services.event_publish,
    EventStatus.CANCELLED: services.event_cancel,
}


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    can_delete = False
    fields = ("person", "language", "status", "position", "created_at", "reminded_at")
    readonly_fields = fields
    ordering = ("status", "position", "pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Registration]:
        return super().get_queryset(request).select_related("person")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A registration ends by its registrant's cancellation or the retention, never here.
        return False


def _own_institutions(request: HttpRequest) -> QuerySet[Institution]:
    institutions = Institution.objects.filter(active=True)
    if is_programme_admin(request.user):
        return institutions
    return institutions.filter(party_id=official_party_id(request.user) or 0)


@admin.register(Event)
class EventAdmin(MovesAdminMixin, ServiceAdminMixin, TranslationAdmin):
    list_display = ("title", "kind", "mode", "city", "starts_at", "places", "status")
    list_filter = ("status", "kind", "mode", "city", "areas")
    search_fields = ("title_es", "title_ca", "title_en")
    readonly_fields = ("status", "published_at", "attendance", "created_at", "updated_at")
    filter_horizontal = ("areas", "organisers")
    inlines = (RegistrationInline,)
    actions = ["publish", "cancel"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            *(f"{field}_{lang}" for field in EVENT_TEXTS for lang in ("es", "ca", "en")),
            ("kind", "mode"),
            "institution",
            "city",
            "areas",
            ("starts_at", "ends_at"),
            "registration_closes_at",
            "places",
            "venue",
            "online_url",
            "organisers",
            *self.readonly_fields,
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return (*self.readonly_fields, "institution")
        return self.readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return super().get_queryset(request).select_related("city", "institution")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            kwargs["queryset"] = _own_institutions(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_manage_event(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An event is cancelled, never deleted: its registrants were told, feeds show it.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        texts = {
            f"{field}_{lang}": data.get(f"{field}_{lang}") or ""
            for field in EVENT_TEXTS
            for lang in ("es", "ca", "en")
            if f"{field}_{lang}" in data
        }
        with refusals():
            if change:
                saved = services.event_update(
                    actor=request.user,  # type: ignore[arg-type]
                    event=obj,
                    texts=texts,
                    areas=data["areas"],
                    organisers=data["organisers"],
                )
            else:
                saved = services.event_create(
                    actor=request.user,  # type: ignore[arg-type]
                    institution=data["institution"],
                    texts=texts,
                    areas=data["areas"],
                    organisers=data["organisers"],
                    **{name: data[name] for name in DETAIL_FIELDS},
                )
        adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The services set the areas and organisers; registrations are read only (the
        # change message still reads the inline's lists).
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def make_move(self, *, actor: Any, obj: Any, to: str, note: str = "") -> None:
        MOVES[to](actor=actor, event=obj)

    def bulk_moved_message(self, count: int, to: str) -> str:
        return _("%(count)d events changed.") % {"count": count}

    # The whole selection goes to the service: what it refuses (already published, another
    # city's, over) is named with its reason rather than skipped in silence.
    @admin.action(description=gettext_lazy("Publish the selected events"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self.bulk_move(request, queryset, EventStatus.PUBLISHED)

    @admin.action(description=gettext_lazy("Cancel the selected events"), permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self.bulk_move(request, queryset, EventStatus.CANCELLED)
