"""Tell partner systems about projects through webhooks (``cooperation.api.webhooks.emit``).

Every service, admin save and import that creates or changes a project calls one of these
functions inside its transaction: ``emit`` records the deliveries in that transaction and sends
them after it commits, so a change rolled back is never announced. Payloads carry the
project's public identity only: no team member, e-mail or other personal data.
"""

from __future__ import annotations

from typing import Any

from cooperation.api.models import WebhookEndpoint
from cooperation.api.webhooks import emit
from projects.models import JointProject

Event = WebhookEndpoint.Event


def project_payload(project: JointProject) -> dict[str, Any]:
    """Return what partners learn of a project: code, status, titles and last change."""
    return {
        "code": project.code,
        "status": project.status,
        # As the API writes titles: "" for a language without one.
        "title": {lang: getattr(project, f"title_{lang}") or "" for lang in ("es", "ca", "en")},
        "updated_at": project.updated_at,  # written as the API writes it (``emit``)
    }


def project_created(project: JointProject) -> None:
    emit(Event.PROJECT_CREATED, project_payload(project))


def project_updated(project: JointProject) -> None:
    emit(Event.PROJECT_UPDATED, project_payload(project))


def project_status_changed(project: JointProject, *, from_status: str, to_status: str) -> None:
    emit(
        Event.PROJECT_STATUS_CHANGED,
        {**project_payload(project), "from": from_status, "to": to_status},
    )
