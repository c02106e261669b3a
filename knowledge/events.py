"""Tell partner systems about practices, transfers and events through webhooks (``emit``).

The services call these inside their transaction: ``emit`` records the deliveries there and
sends them after commit, so a change rolled back is never announced. Only what is public is
announced: a practice once published, a transfer marked public (or just made private, so that
partners showing it can take it down), an event once published (and again if cancelled). No
contact's or registrant's personal data.
"""

from __future__ import annotations

from typing import Any

from cooperation.api.models import WebhookEndpoint
from cooperation.api.webhooks import emit
from knowledge.models import Event, Practice, Transfer

Hook = WebhookEndpoint.Event


def practice_payload(practice: Practice) -> dict[str, Any]:
    return {
        "id": practice.pk,
        "kind": practice.kind,
        "status": practice.status,
        "city": practice.origin.code,
        "title": {lang: getattr(practice, f"title_{lang}") or "" for lang in ("es", "ca", "en")},
        "published_at": practice.published_at,
        "updated_at": practice.updated_at,
    }


def practice_published(practice: Practice) -> None:
    emit(Hook.PRACTICE_PUBLISHED, practice_payload(practice))


def transfer_updated(transfer: Transfer, *, was_public: bool = False) -> None:
    """Announce a change of a public transfer (or of one that has just stopped being public)."""
    if not (transfer.public or was_public):
        return
    emit(
        Hook.TRANSFER_UPDATED,
        {
            "id": transfer.pk,
            "practice": transfer.practice_id,
            "institution": transfer.institution.code,
            "city": transfer.institution.party.code,
            "stage": transfer.stage,
            "public": transfer.public,
            "started_on": transfer.started_on,
            "ended_on": transfer.ended_on,
            "updated_at": transfer.updated_at,
        },
    )


def event_payload(event: Event) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "mode": event.mode,
        "status": event.status,
        "city": event.city.code,
        "title": {lang: getattr(event, f"title_{lang}") or "" for lang in ("es", "ca", "en")},
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "published_at": event.published_at,
        "updated_at": event.updated_at,
    }


def event_published(event: Event) -> None:
    """Announce a published event (and the same event once cancelled, by its status)."""
    emit(Hook.EVENT_PUBLISHED, event_payload(event))
