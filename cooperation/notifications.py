"""E-mail the people concerned by a change, in their language, once the change commits.

Every capability calls ``notify``. It renders ``templates/<template>_subject.txt`` and
``<template>_body.txt`` once per recipient with the recipient's language active, and records
each message as a row of the outbox (``cooperation.outbox.mail``) in the caller's transaction:
the messages leave only if the change commits, and each one is sent, retried and shown to
officials on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models


def object_ref(obj: models.Model) -> str:
    """Return a reference to a row that a task can load again: ``app_label.Model:pk``."""
    return f"{obj._meta.label}:{obj.pk}"


def notify(
    *,
    recipients: Iterable[Any],
    template: str,
    context: Mapping[str, Any] | None = None,
    objects: Mapping[str, models.Model] | None = None,
) -> None:
    """Record one e-mail per recipient; they are sent once the current transaction commits.

    ``context`` holds plain values; ``objects`` holds rows, whose translated fields render in
    each recipient's language.
    """
    from cooperation.outbox.mail import email_queue

    email_queue(recipients=recipients, template=template, context=context, objects=objects)
