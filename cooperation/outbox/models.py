"""Outgoing e-mail: one row per recipient, written in the transaction of the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """One message to one person, rendered in their language, with every attempt's outcome."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        RETRYING = "retrying", _("Retrying")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_emails",
        verbose_name=_("recipient"),
    )
    to = models.EmailField(_("address"))
    language = models.CharField(_("language"), max_length=8)
    template = models.CharField(_("template"), max_length=200)
    subject = models.CharField(_("subject"), max_length=400)
    body = models.TextField(_("body"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the sweep hands the message over (again) if nobody has: after the grace period of
    # a new message, after the back-off of a retry, after the lease of a worker that died.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    leased_until = models.DateTimeField(_("held by a worker until"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    response = models.TextField(
        _("server's answer"), blank=True, help_text=_("What the mail server said last.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        permissions = [("resend_outgoingemail", _("Can send e-mails again"))]
        indexes = [
            # The sweep reads only the messages still to send.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(state__in=["pending", "retrying"]),
                name="outbox_email_due",
            ),
            models.Index(fields=["state", "-created_at"], name="outbox_email_state"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
