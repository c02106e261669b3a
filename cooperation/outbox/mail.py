"""E-mail through the outbox: one row per recipient, each sent and retried on its own.

``email_queue`` renders the message in each recipient's language and records it in the
transaction of the change; ``email_send_once`` claims one row with a lease, talks to the SMTP
server outside any transaction and records the server's answer. A refused recipient fails on
its own row; the others are not touched, so nobody gets a copy twice because of somebody else.
"""

from __future__ import annotations

import smtplib
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation.outbox import dispatch
from cooperation.outbox.models import OutgoingEmail
from cooperation.roles import is_official, is_programme_admin

State = OutgoingEmail.State


def render_text(name: str, data: Mapping[str, Any]) -> str:
    """Render a plain-text e-mail template: no HTML escaping (an apostrophe stays one)."""
    template = get_template(name).template  # type: ignore[attr-defined]
    return str(template.render(Context(dict(data), autoescape=False)))


def email_queue(
    *,
    recipients: Iterable[Any],
    template: str,
    context: Mapping[str, Any] | None = None,
    objects: Mapping[str, Any] | None = None,
) -> list[OutgoingEmail]:
    """Render one message per active recipient, in their language, and record it.

    The rows belong to the caller's transaction: a rolled-back change sends nothing, and a
    committed one is handed to the workers after the commit (and by the sweep, should the
    broker miss it).
    """
    people: dict[int, Any] = {}
    for user in recipients:
        # Partner systems' accounts act through the API and read no e-mail.
        if (
            getattr(user, "email", "")
            and getattr(user, "is_active", True)
            and not getattr(user, "is_partner_account", False)
        ):
            people.setdefault(user.pk, user)
    if not people:
        return []
    now = timezone.now()
    rows = []
    for user in sorted(people.values(), key=lambda person: person.pk):
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            data = {
                **(context or {}),
                **(objects or {}),
                "user": user,
                "site_url": settings.SITE_URL,
            }
            subject = " ".join(render_text(f"{template}_subject.txt", data).split())
            body = render_text(f"{template}_body.txt", data)
        rows.append(
            OutgoingEmail(
                recipient=user,
                to=user.email,
                language=language,
                template=template,
                subject=subject[:400],
                body=body,
                next_attempt_at=now + dispatch.grace(),
            )
        )
    OutgoingEmail.objects.bulk_create(rows)
    dispatch.dispatch("email", [row.pk for row in rows])
    return rows


def retry_delay(attempts: int) -> int:
    """Exponential back-off: base, 2×base, 4×base… capped at six hours."""
    return int(min(settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1), 6 * 3600))


def _answer(error: Exception, address: str) -> tuple[int | None, str]:
    """Return the SMTP reply code (None when the server gave none) and its text."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = error.recipients.get(address) or next(iter(error.recipients.values()))
        return int(code), text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if isinstance(error, smtplib.SMTPResponseException):
        reply: bytes | str = error.smtp_error
        return int(error.smtp_code), (
            reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        )
    return None, f"{type(error).__name__}: {error}"


def email_send_once(email_id: int) -> str:
    """Make one attempt at a message; return "sent", "retry", "failed" or "skipped".

    The claim is a conditional UPDATE that takes a lease: a duplicate task finds the row held
    or done and does nothing. The SMTP conversation happens outside any transaction, and the
    outcome is written only if this attempt still holds the row (``attempts`` is the fence).
    """
    now = timezone.now()
    lease = timedelta(seconds=settings.EMAIL_LEASE_SECONDS)
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id, state__in=[State.PENDING, State.RETRYING])
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(
            attempts=F("attempts") + 1,
            leased_until=now + lease,
            next_attempt_at=now + lease,  # the sweep takes it again if this worker dies
            last_attempt_at=now,
        )
    )
    if not claimed:
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to],
        # The same Message-ID on every attempt lets mail systems drop a duplicate.
        headers={"Message-ID": f"<outbox-{email.pk}.{email.created_at:%Y%m%d%H%M%S}@cdmx-bcn>"},
    )
    fields: dict[str, Any]
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        code, text = _answer(error, email.to)
        answer = f"{code} {text}" if code else text
        permanent = code is not None and 500 <= code < 600
        if permanent or email.attempts >= settings.EMAIL_MAX_ATTEMPTS:
            outcome, fields = "failed", {"state": State.FAILED}
        else:
            outcome = "retry"
            fields = {
                "state": State.RETRYING,
                "next_attempt_at": timezone.now() + timedelta(seconds=retry_delay(email.attempts)),
            }
        fields |= {"response": answer[:2000], "leased_until": None}
    else:
        outcome = "sent"
        fields = {
            "state": State.SENT,
            "sent_at": timezone.now(),
            "response": "",
            "leased_until": None,
        }
    OutgoingEmail.objects.filter(pk=email.pk, attempts=email.attempts).update(**fields)
    return outcome


def can_resend(user: Any) -> bool:
    """Officials and administrators may send a message again."""
    return is_programme_admin(user) or is_official(user)


def email_resend(*, actor: Any, email_id: int) -> OutgoingEmail:
    """Queue a failed (or retrying) message again, now, to the recipient's current address."""
    if not can_resend(actor):
        raise PermissionDenied(_("Only programme officials may send e-mails again."))
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .get(pk=email_id)
        )
        if email.state not in {State.FAILED, State.RETRYING}:
            raise ValidationError(
                _("Only a failed or retrying e-mail can be sent again; this one is “%(state)s”.")
                % {"state": email.get_state_display()},
                code="not_failed",
            )
        recipient = email.recipient
        if recipient is not None and recipient.email and recipient.is_active:
            email.to = recipient.email  # an official may have corrected the address
        # A lease still running means a worker is trying it right now: it is left to finish.
        email.state = State.RETRYING
        email.next_attempt_at = timezone.now() + dispatch.grace()
        email.save(update_fields=["to", "state", "next_attempt_at"])
        dispatch.dispatch("email", [email.pk])
    return email


def due_emails(now: datetime) -> list[int]:
    """The messages the sweep hands over: still to send, their time come, held by nobody."""
    return dispatch.take_due(
        OutgoingEmail.objects.filter(state__in=[State.PENDING, State.RETRYING]), now
    )


def purge_sent_emails(now: datetime | None = None) -> int:
    """Forget finished messages (sent or failed) older than EMAIL_RETENTION_DAYS: they hold
    personal data. Messages still to send are kept whatever their age."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.EMAIL_RETENTION_DAYS)
    deleted, _counts = OutgoingEmail.objects.filter(
        state__in=[State.SENT, State.FAILED], created_at__lt=cutoff
    ).delete()
    return deleted
