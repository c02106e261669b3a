"""Researcher stays: calls, applications, host decisions, review, bilateral signatures, stays.

The workflow of an application is the table ``exchanges.workflow.TRANSITIONS``; every change of
status goes through ``exchanges.services``.

- ``calls``: a call's terms, host institutions, evaluation criteria and the record of changes;
- ``applications``: a researcher's profile, applications, documents, consents, timeline;
- ``decisions``: the host's decision, reviewers' assignments and scores, the signatures;
- ``stays``: the stay itself, once awarded;
- ``reminders``: the officials' setting for reminding hosts, and the reminders sent.

Callers import from here (``from exchanges.models import StayApplication``).
"""

from exchanges.models.applications import (
    AUDIENCE_LABELS,
    STAY_DATES,
    ApplicationEvent,
    ApplicationQuerySet,
    Attachment,
    Audience,
    ConsentRecord,
    ResearcherProfile,
    StayApplication,
    attachment_path,
    status_label,
)
from exchanges.models.calls import (
    CALL_PERIOD,
    DIRECTION_HOST_PARTIES,
    STAY_WINDOW,
    Call,
    CallChange,
    CallHost,
    CallQuerySet,
    Criterion,
    Direction,
    DocumentKind,
    criteria_problems,
    currency_validator,
    default_required_documents,
)
from exchanges.models.decisions import (
    HostDecision,
    ReviewAssignment,
    Score,
    Signature,
)
from exchanges.models.reminders import HostReminder, HostReminderPolicy, WaitingApplication
from exchanges.models.stays import (
    STAY_RECORD,
    Stay,
)

__all__ = [
    "AUDIENCE_LABELS",
    "CALL_PERIOD",
    "DIRECTION_HOST_PARTIES",
    "STAY_DATES",
    "STAY_RECORD",
    "STAY_WINDOW",
    "ApplicationEvent",
    "ApplicationQuerySet",
    "Attachment",
    "Audience",
    "Call",
    "CallChange",
    "CallHost",
    "CallQuerySet",
    "ConsentRecord",
    "Criterion",
    "Direction",
    "DocumentKind",
    "HostDecision",
    "HostReminder",
    "HostReminderPolicy",
    "ResearcherProfile",
    "ReviewAssignment",
    "Score",
    "Signature",
    "Stay",
    "StayApplication",
    "WaitingApplication",
    "attachment_path",
    "criteria_problems",
    "currency_validator",
    "default_required_documents",
    "status_label",
]
