"""Celery tasks of the project: thin wrappers that load rows and call one function."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.apps import apps


def _load(refs: dict[str, str]) -> dict[str, Any]:
    loaded: dict[str, Any] = {}
    for name, ref in refs.items():
        label, pk = ref.split(":", 1)
        model = apps.get_model(label)
        loaded[name] = model._default_manager.filter(pk=pk).first()
    return loaded


@shared_task(acks_late=True)
def send_notification(
    *,
    user_ids: list[int],
    template: str,
    context: dict[str, Any],
    objects: dict[str, str] | None = None,
) -> int:
    """Turn a notification queued by an earlier version into outbox rows, one per recipient.

    Kept so that messages already waiting in the broker when the outbox was deployed are not
    lost; ``notify`` no longer queues this task.
    """
    from cooperation.models import User
    from cooperation.outbox.mail import email_queue

    recipients = User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk")
    return len(
        email_queue(
            recipients=recipients, template=template, context=context, objects=_load(objects or {})
        )
    )
