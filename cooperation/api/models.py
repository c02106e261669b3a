"""Partner clients, idempotent requests and webhooks of the REST API."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class PartnerProfile(models.Model):
    """What an OAuth2 client of a partner system is: whose it is and what it may do."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="partner",
        verbose_name=_("OAuth2 application"),
    )
    institution = models.ForeignKey(
        "cooperation.Institution",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_clients",
        verbose_name=_("institution"),
    )
    party = models.ForeignKey(
        "cooperation.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner_clients",
        verbose_name=_("city"),
    )
    account = models.OneToOneField(
        "cooperation.User",
        on_delete=models.PROTECT,
        related_name="partner_client",
        verbose_name=_("account"),
        help_text=_(
            "The account the client acts as: a coordinator of its institution, so that the "
            "same services and rights apply to it as to people."
        ),
    )
    scopes = models.CharField(
        _("granted scopes"), max_length=255, help_text=_("Separated by spaces.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    allow_private_webhooks = models.BooleanField(
        _("may send webhooks to private addresses"),
        default=False,
        help_text=_("Only for partners inside the cities' own networks; set by an administrator."),
    )

    class Meta:
        verbose_name = _("partner client")
        verbose_name_plural = _("partner clients")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(institution__isnull=False, party__isnull=True)
                | models.Q(institution__isnull=True, party__isnull=False),
                name="partner_belongs_to_one_institution_or_party",
            )
        ]

    def __str__(self) -> str:
        return self.application.name

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a POST carrying an Idempotency-Key, replayed for its retries."""

    owner = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"


class WebhookEndpoint(models.Model):
    """A URL of a partner system that wants to be told about some events."""

    class Event(models.TextChoices):
        PROJECT_CREATED = "project.created", _("Project created")
        PROJECT_UPDATED = "project.updated", _("Project updated")
        PROJECT_STATUS_CHANGED = "project.status_changed", _("Project status changed")
        CALL_OPENED = "call.opened", _("Call opened")
        APPLICATION_DECIDED = "application.decided", _("Application decided")
        PRACTICE_PUBLISHED = "practice.published", _("Practice published")
        TRANSFER_UPDATED = "transfer.updated", _("Transfer of a practice updated")
        EVENT_PUBLISHED = "event.published", _("Event published or cancelled")

    partner = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="webhooks", verbose_name=_("partner")
    )
    url = models.URLField(_("URL"), max_length=500)
    events = ArrayField(
        models.CharField(max_length=40, choices=Event.choices), verbose_name=_("events")
    )
    secret = models.CharField(_("signing secret"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One message to one endpoint, with every attempt's outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    message_id = models.CharField(_("message id"), max_length=64, db_index=True)
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the sweep hands the delivery over (again) if nobody has: after the grace period of a
    # new delivery, after the back-off of a retry, after the lease of a worker that died.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    leased_until = models.DateTimeField(_("held by a worker until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.TextField(_("response body"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            # The sweep reads only the deliveries still to make.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="api_delivery_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint.url}"
