"""Serializers of the partner API: they validate and represent; they change no state."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from cooperation.api.instants import instant
from cooperation.api.models import WebhookDelivery, WebhookEndpoint
from cooperation.api.webhooks import check_destination
from cooperation.models import Axis, Institution, Party, StrategicArea

LANGS = ("es", "ca", "en")


class UtcDateTimeField(serializers.DateTimeField):
    """An instant as the API writes every one (``instants.instant``, as webhooks write them):
    in UTC, ISO 8601, "Z", whatever the portal's TIME_ZONE; one sent without an offset is read
    as UTC.

    Every model serializer uses it for date-times (``ApiConfig.ready``). Only the instants the
    API reads and writes are in UTC: "today" (a late milestone, a report's rate date) stays
    the portal's.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("default_timezone", datetime.UTC)
        super().__init__(*args, **kwargs)

    def to_representation(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime) and self._writes_iso_8601():
            return instant(self.enforce_timezone(value))
        return super().to_representation(value)

    def _writes_iso_8601(self) -> bool:
        output_format = getattr(self, "format", api_settings.DATETIME_FORMAT)
        return isinstance(output_format, str) and output_format.lower() == ISO_8601


@extend_schema_field(
    {
        "type": "object",
        "properties": {lang: {"type": "string"} for lang in ("es", "ca", "en")},
        "required": ["es", "ca", "en"],
    }
)
class TranslatedField(serializers.Field):
    """A translated model field as ``{"es": …, "ca": …, "en": …}``."""

    def __init__(self, field: str, **kwargs: Any) -> None:
        self.field = field
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, instance: Any) -> dict[str, str]:
        return {lang: getattr(instance, f"{self.field}_{lang}") or "" for lang in LANGS}


class PartySerializer(serializers.ModelSerializer):
    name = TranslatedField("name")

    class Meta:
        model = Party
        fields = ["code", "name", "currency", "time_zone"]


class ReferenceItemSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    name = TranslatedField("name")
    description = TranslatedField("description")
    active = serializers.BooleanField(read_only=True)


class AreaSerializer(ReferenceItemSerializer, serializers.ModelSerializer):
    class Meta:
        model = StrategicArea
        fields = ["code", "number", "name", "description", "active"]


class AxisSerializer(ReferenceItemSerializer, serializers.ModelSerializer):
    class Meta:
        model = Axis
        fields = ["code", "number", "name", "description", "active"]


class InstitutionSerializer(serializers.ModelSerializer):
    name = TranslatedField("name")
    city = serializers.CharField(source="party.code", read_only=True)
    ror = serializers.CharField(source="ror_url", read_only=True)

    class Meta:
        model = Institution
        fields = ["code", "name", "acronym", "kind", "city", "ecos_member", "website", "ror"]


@extend_schema_field({"type": "string", "format": "uri", "pattern": "^https?://", "maxLength": 500})
class WebUrlField(serializers.CharField):
    """An absolute http or https address with a host (what a webhook can be sent to)."""

    default_error_messages = {"invalid": _("Enter an absolute http or https URL.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        try:
            parsed = urlsplit(value)
            parsed.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError:
            self.fail("invalid")
        # URIs are ASCII: an international name is sent in its punycode form.
        if (
            parsed.scheme not in {"http", "https"}
            or not parsed.hostname
            or not value.isascii()
            or any(char.isspace() or not char.isprintable() for char in value)
        ):
            self.fail("invalid")
        return value


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: 0, 1, "yes" or "on" are refused rather than guessed."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class WebhookEndpointSerializer(serializers.ModelSerializer):
    url = WebUrlField()
    active = StrictBooleanField(required=False, default=True)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices),
        min_length=1,
        max_length=len(WebhookEndpoint.Event.choices),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "active", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_url(self, value: str) -> str:
        partner = self.context["partner"]
        try:
            check_destination(value, allow_private=partner.allow_private_webhooks)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value

    def validate_events(self, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class WebhookEndpointCreatedSerializer(WebhookEndpointSerializer):
    """The answer to a create: the signing secret is shown this once."""

    secret = serializers.CharField(read_only=True)

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "message_id",
            "event",
            "status",
            "attempts",
            "last_attempt_at",
            "response_status",
            "created_at",
        ]
