"""Outgoing e-mail in the admin: officials see what failed, and why, and send it again."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cooperation.outbox.mail import can_resend, email_resend
from cooperation.outbox.models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("to", "subject", "state", "attempts", "response", "created_at", "sent_at")
    list_filter = ("state", "template", "language")
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    readonly_fields = [field.name for field in OutgoingEmail._meta.fields]
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        opts = self.opts
        return can_resend(request.user) and request.user.has_perm(
            f"{opts.app_label}.resend_outgoingemail"
        )

    @admin.action(description=_("Send the selected e-mails again"), permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[OutgoingEmail]) -> None:
        queued = 0
        for email in queryset:
            try:
                email_resend(actor=request.user, email_id=email.pk)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", None) or [str(error)])
                self.message_user(request, f"{email.to}: {text}", messages.ERROR)
            else:
                queued += 1
        if queued:
            self.message_user(
                request,
                ngettext("%d e-mail queued again.", "%d e-mails queued again.", queued) % queued,
            )
