from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "cooperation.api"
    label = "api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from django.db import models
        from rest_framework.serializers import ModelSerializer

        from cooperation.api.serializers import UtcDateTimeField
        from cooperation.api.webhooks import due_deliveries
        from cooperation.outbox import dispatch

        dispatch.register(
            "webhook", task="cooperation.api.tasks.deliver_webhook", due=due_deliveries
        )

        # Every model serializer of the API writes and reads instants in UTC.
        ModelSerializer.serializer_field_mapping[models.DateTimeField] = UtcDateTimeField
