"""Celery tasks of the project: thin wrappers that load rows and call one function."""

from __future__ import annotations

import smtplib
from typing import Any

from celery import shared_task
from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.template import Context
from django.template.loader import get_template
from django.utils import translation


def _load(refs: dict[str, str]) -> dict[str, Any]:
    loaded: dict[str, Any] = {}
    for name, ref in refs.items():
        label, pk = ref.split(":", 1)
        model = apps.get_model(label)
        loaded[name] = model._default_manager.filter(pk=pk).first()
    return loaded


def _render_text(name: str, data: dict[str, Any]) -> str:
    """Render a plain-text e-mail template: no HTML escaping (an apostrophe stays one)."""
    template = get_template(name).template  # type: ignore[attr-defined]
    return str(template.render(Context(data, autoescape=False)))


@shared_task(
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def send_notification(
    *,
    user_ids: list[int],
    template: str,
    context: dict[str, Any],
    objects: dict[str, str] | None = None,
) -> int:
    """Send one e-mail per active recipient, rendered in the recipient's language."""
    from cooperation.models import User

    sent = 0
    rows = _load(objects or {})
    for user in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        with translation.override(user.language or settings.LANGUAGE_CODE):
            data = {**context, **rows, "user": user, "site_url": settings.SITE_URL}
            subject = " ".join(_render_text(f"{template}_subject.txt", data).split())
            body = _render_text(f"{template}_body.txt", data)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
