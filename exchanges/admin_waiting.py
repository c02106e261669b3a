"""Question 6 in the admin: applications waiting for the host's answer, and the reminder setting."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from exchanges import permissions, services
from exchanges.models import HostReminderPolicy, StayApplication, WaitingApplication


class _OfficialsOnly(admin.ModelAdmin):
    """Read by officials and administrators (the stays' deciders), written by nobody here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.is_decider(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_decider(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WaitingApplication)
class WaitingApplicationAdmin(_OfficialsOnly):
    list_display = (
        "application",
        "researcher",
        "call",
        "host",
        "submitted_at",
        "days_waiting",
        "reminders_sent",
    )
    list_display_links = None  # the first column links to the application's own page
    list_filter = ("host__party", "call", "host")
    list_select_related = ("researcher", "call", "host")
    search_fields = ("researcher__email", "researcher__last_name", "title", "host__name")
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # One statement for the page: the oldest first, with the number of reminders sent.
        return (
            WaitingApplication.objects.waiting_for_host()
            .select_related("researcher", "call", "host")
            .annotate(reminder_count=Count("host_reminders"))
        )

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["submitted_at", "pk"]

    @admin.display(description=_("days waiting"))
    def days_waiting(self, obj: StayApplication) -> int:
        return services.days_waiting(obj, timezone.now())

    @admin.display(description=_("reminders sent"))
    def reminders_sent(self, obj: Any) -> int:
        return int(obj.reminder_count)

    @admin.display(description=_("application"), ordering="pk")
    def application(self, obj: StayApplication) -> str:
        # The drill-down: the application's own page, its timeline and the host's answer.
        return format_html(
            '<a href="{}">#{}</a>',
            reverse("admin:exchanges_stayapplication_change", args=[obj.pk]),
            obj.pk,
        )


@admin.register(HostReminderPolicy)
class HostReminderPolicyAdmin(_OfficialsOnly):
    """One setting: its list is its form."""

    fields = ("days", "active", "updated_at")
    readonly_fields = ("updated_at",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.is_decider(request.user)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        policy = HostReminderPolicy.current()
        return HttpResponseRedirect(
            reverse("admin:exchanges_hostreminderpolicy_change", args=[policy.pk])
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        try:
            services.host_reminder_policy_update(
                actor=request.user,
                days=form.cleaned_data["days"],
                active=form.cleaned_data["active"],
            )
        except ValidationError as error:  # the form's validators refuse the same range first
            raise PermissionDenied(" ".join(error.messages)) from error
