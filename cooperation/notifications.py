"""E-mail the people concerned by a change, in their language, after the change commits.

Every capability calls ``notify``; the Celery task renders
``templates/<template>_subject.txt`` and ``<template>_body.txt`` once per recipient with the
recipient's language active, so each person reads the message in the language they chose.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction


def object_ref(obj: models.Model) -> str:
    """Return a reference to a row that the task can load again: ``app_label.Model:pk``."""
    return f"{obj._meta.label}:{obj.pk}"


def notify(
    *,
    recipients: Iterable[Any],
    template: str,
    context: Mapping[str, Any] | None = None,
    objects: Mapping[str, models.Model] | None = None,
) -> None:
    """Queue one e-mail per recipient once the current transaction commits.

    ``context`` holds JSON-serialisable values; ``objects`` holds rows that the task loads
    again, so that translated fields render in each recipient's language.
    """
    from cooperation.tasks import send_notification

    # Partner systems' accounts act through the API and read no e-mail.
    user_ids = sorted(
        {
            user.pk
            for user in recipients
            if getattr(user, "email", "") and not getattr(user, "is_partner_account", False)
        }
    )
    if not user_ids:
        return
    refs = {name: object_ref(obj) for name, obj in (objects or {}).items()}
    payload = dict(context or {})
    transaction.on_commit(
        lambda: send_notification.delay(
            user_ids=user_ids, template=template, context=payload, objects=refs
        )
    )
