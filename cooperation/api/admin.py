"""Partner clients and webhook deliveries in the admin: create, revoke, rotate, replay."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cooperation.api.clients import (
    partner_client_create,
    partner_client_revoke,
    partner_client_rotate,
)
from cooperation.api.models import PartnerProfile, WebhookDelivery, WebhookEndpoint
from cooperation.api.scopes import SCOPES
from cooperation.api.webhooks import replay
from cooperation.roles import is_programme_admin


class PartnerClientForm(forms.ModelForm):
    name = forms.CharField(label=_("name"), max_length=255)
    scope_choices = forms.MultipleChoiceField(
        label=_("granted scopes"),
        choices=[(scope, f"{scope}: {text}") for scope, text in SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PartnerProfile
        fields = ["institution", "party", "allow_private_webhooks"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("institution")) == bool(data.get("party")):
            raise ValidationError(_("Choose either an institution or a city, not both."))
        return data


def _show_credentials(request: HttpRequest, client_id: str, secret: str) -> None:
    messages.warning(
        request,
        gettext(
            "Client id %(id)s, secret %(secret)s. Give them to the partner now: "
            "the secret is not shown again."
        )
        % {"id": client_id, "secret": secret},
    )


@admin.register(PartnerProfile)
class PartnerProfileAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "client_id",
        "institution",
        "party",
        "scopes",
        "created_at",
        "revoked_at",
    )
    list_filter = ("party", ("revoked_at", admin.EmptyFieldListFilter))
    search_fields = ("application__name", "application__client_id", "institution__code")
    list_select_related = ("application", "institution", "party")
    actions = ["revoke", "rotate"]
    readonly_fields = ("client_id", "scopes", "created_at", "revoked_at")

    @admin.display(description=_("client id"))
    def client_id(self, obj: PartnerProfile) -> str:
        return obj.application.client_id

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = PartnerClientForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["name", "institution", "party", "scope_choices", "allow_private_webhooks"]
        return [
            "client_id",
            "institution",
            "party",
            "scopes",
            "allow_private_webhooks",
            "created_at",
            "revoked_at",
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else [*self.readonly_fields, "institution", "party"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        credentials = partner_client_create(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scope_choices"],
            institution=form.cleaned_data.get("institution"),
            party=form.cleaned_data.get("party"),
        )
        credentials.profile.allow_private_webhooks = form.cleaned_data["allow_private_webhooks"]
        credentials.profile.save(update_fields=["allow_private_webhooks"])
        # The admin logs and redirects with ``obj``: make it the row the service created.
        for field in PartnerProfile._meta.concrete_fields:
            setattr(obj, field.attname, getattr(credentials.profile, field.attname))
        _show_credentials(request, credentials.client_id, credentials.client_secret)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only administrators may let a partner reach private addresses.
        return is_programme_admin(request.user) and super().has_change_permission(request, obj)

    @admin.action(description=_("Revoke the selected clients"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[PartnerProfile]) -> None:
        for profile in queryset:
            partner_client_revoke(profile=profile)
        count = queryset.count()
        self.message_user(
            request, ngettext("%d client revoked.", "%d clients revoked.", count) % count
        )

    @admin.action(description=_("Give the selected clients a new secret"), permissions=["change"])
    def rotate(self, request: HttpRequest, queryset: QuerySet[PartnerProfile]) -> None:
        for profile in queryset:
            try:
                credentials = partner_client_rotate(profile=profile)
            except ValidationError as error:
                self.message_user(request, f"{profile}: {' '.join(error.messages)}", messages.ERROR)
                continue
            _show_credentials(request, credentials.client_id, credentials.client_secret)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "partner", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("url", "partner__application__name")
    list_select_related = ("partner__application",)
    readonly_fields = ("partner", "url", "events", "created_at", "updated_at")
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "response_status", "created_at")
    list_filter = ("status", "event")
    search_fields = ("message_id", "endpoint__url")
    list_select_related = ("endpoint__partner__application",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ["replay_deliveries"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send the selected deliveries again"), permissions=["change"])
    def replay_deliveries(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            replay(delivery)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("%d delivery queued again.", "%d deliveries queued again.", count) % count,
        )
