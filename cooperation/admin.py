"""The programme's reference data in the admin, the three languages side by side."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin as BeatPeriodicTaskAdmin
from django_celery_beat.models import PeriodicTask
from modeltranslation.admin import TranslationAdmin

from cooperation.forms import UserChangeForm, UserCreationForm
from cooperation.models import Agreement, Axis, Institution, Party, StrategicArea, User
from cooperation.roles import can_change_institution, is_programme_admin


def _side_by_side(*fields: str) -> tuple[tuple[str, ...], ...]:
    """Lay out each translated field as one row: Spanish, Catalan, English."""
    return tuple(tuple(f"{field}_{lang}" for lang in ("es", "ca", "en")) for field in fields)


class AdminOnlyChangeMixin:
    """Officials read the programme's frame; only administrators change it."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_programme_admin(request.user) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_programme_admin(request.user) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_programme_admin(request.user) and super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(Party)
class PartyAdmin(AdminOnlyChangeMixin, TranslationAdmin):
    list_display = ("code", "name", "currency", "time_zone")
    search_fields = ("code", "name_es", "name_ca", "name_en")
    fieldsets = (
        (None, {"fields": ("code", "currency", "time_zone")}),
        (_("Names"), {"fields": _side_by_side("name", "government")}),
    )


@admin.register(Agreement)
class AgreementAdmin(AdminOnlyChangeMixin, TranslationAdmin):
    list_display = ("code", "title", "signed_on", "valid_from", "valid_until")
    list_filter = ("parties", "signed_on")
    search_fields = ("code", "title_es", "title_ca", "title_en", "signatories")
    date_hierarchy = "signed_on"
    filter_horizontal = ("parties",)
    fieldsets = (
        (None, {"fields": ("code", ("signed_on", "valid_from", "valid_until"), "amends")}),
        (_("Text"), {"fields": _side_by_side("title", "summary")}),
        (_("Parties and signatories"), {"fields": ("parties", "signatories", "document")}),
    )


class ReferenceItemAdmin(AdminOnlyChangeMixin, TranslationAdmin):
    list_display = ("number", "code", "name", "active")
    list_display_links = ("number", "code")
    list_filter = ("active",)
    search_fields = ("code", "name_es", "name_ca", "name_en", "description_es")
    fieldsets = (
        (None, {"fields": (("number", "code", "active"),)}),
        (_("Names"), {"fields": _side_by_side("name")}),
        (_("Descriptions"), {"fields": _side_by_side("description")}),
    )


admin.site.register(StrategicArea, ReferenceItemAdmin)
admin.site.register(Axis, ReferenceItemAdmin)


@admin.register(Institution)
class InstitutionAdmin(TranslationAdmin):
    list_display = ("name", "acronym", "code", "kind", "party", "ecos_member", "active")
    list_filter = ("party", "kind", "ecos_member", "active")
    search_fields = ("code", "acronym", "name_es", "name_ca", "name_en", "ror_id")
    list_select_related = ("party",)
    fieldsets = (
        (None, {"fields": (("code", "acronym"), ("kind", "party"), ("ecos_member", "active"))}),
        (_("Names"), {"fields": _side_by_side("name")}),
        (_("Identifiers"), {"fields": ("website", "ror_id")}),
    )

    # Officials keep the register of their own city's institutions; they read the other's.
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and can_change_institution(
            request.user, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and can_change_institution(
            request.user, obj
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "party" and not is_programme_admin(request.user):
            party_id = getattr(request.user, "party_id", None)
            kwargs["queryset"] = (
                Party.objects.filter(pk=party_id) if party_id else Party.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EmailAddressInline(admin.TabularInline):
    model = EmailAddress
    extra = 0
    fields = ("email", "verified", "primary")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "party", "institution", "is_staff")
    list_filter = ("groups", "party", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name", "institution__acronym")
    list_select_related = ("party", "institution")
    autocomplete_fields = ("institution",)
    inlines = (EmailAddressInline,)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal information"), {"fields": ("first_name", "last_name", "language")}),
        (_("Role and scope"), {"fields": ("groups", "party", "institution")}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    # A programme administrator keeps the accounts and their roles (groups), but the powers
    # outside every role stay with superusers: making a superuser, giving permissions one by
    # one, or changing a superuser's account (its password, its e-mail) would let a role
    # grant itself more than it has.
    SUPERUSER_ONLY_FIELDS = ("is_superuser", "user_permissions")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return (*fields, *self.SUPERUSER_ONLY_FIELDS)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not obj.is_superuser or request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not obj.is_superuser or request.user.is_superuser)


def is_housekeeping(task: PeriodicTask) -> bool:
    """Tell whether a schedule is the portal's housekeeping, which beat rewrites when it starts.

    Housekeeping is the settings' CELERY_BEAT_SCHEDULE (and Celery's own clean-up, which beat
    adds by itself); every other row of *Periodic tasks* is a programme schedule that
    administrators keep in the admin.
    """
    return task.name in settings.CELERY_BEAT_SCHEDULE or task.name.startswith("celery.")


def programme_schedules(queryset: QuerySet[PeriodicTask]) -> QuerySet[PeriodicTask]:
    """Leave out the housekeeping rows (``is_housekeeping``) of a selection."""
    return queryset.exclude(name__in=list(settings.CELERY_BEAT_SCHEDULE)).exclude(
        name__startswith="celery."
    )


admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(BeatPeriodicTaskAdmin):
    """*Periodic tasks*, with the portal's housekeeping shown but not changed here.

    Beat copies the housekeeping list from the settings each time it starts, so a change made
    here would be undone silently; the list says where each schedule is kept.
    """

    list_display = (*BeatPeriodicTaskAdmin.list_display, "kept_in")
    # The bulk actions that change rows; running a task now changes no schedule.
    CHANGING_ACTIONS = frozenset({"enable_tasks", "disable_tasks", "toggle_tasks"})

    @admin.display(description=_("kept in"))
    def kept_in(self, obj: PeriodicTask) -> str:
        if is_housekeeping(obj):
            return str(_("settings (housekeeping, read-only)"))
        return str(_("this admin (programme schedule)"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_housekeeping(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and is_housekeeping(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_action(self, action: Any) -> Any:
        """Apply the enabling and disabling actions to the programme's schedules only."""
        found = super().get_action(action)
        if found is None or found[1] not in self.CHANGING_ACTIONS:
            return found
        func, name, description = found

        def on_programme_schedules(modeladmin: Any, request: HttpRequest, queryset: Any) -> Any:
            return func(modeladmin, request, programme_schedules(queryset))

        return on_programme_schedules, name, description
