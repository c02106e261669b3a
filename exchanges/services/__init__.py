"""Every write of the stays workflow: one function per action, one transition function.

The services are grouped by who acts: ``researchers``, ``hosts``, ``reviewers``, ``officials``
(and ``calls``), ``personal_data``; ``common`` holds the lock, the refusals, the timeline and
``application_transition``, the only function that changes a status.

Each action locks the application row (``select_for_update``) so that two people acting at the
same moment (two officials signing, a researcher withdrawing while the host accepts) are
serialised, checks the state and the actor's right, saves with ``update_fields``, writes the
timeline and queues the e-mails, which leave only after the transaction commits.

Callers import this package (``from exchanges import services``); the names below are its API.
"""

from __future__ import annotations

from exchanges.services.calls import (
    CRITERION_FIELDS,
    FROZEN_TERMS,
    CriterionRow,
    HostRow,
    call_criteria_set,
    call_delete,
    call_has_submissions,
    call_hosts_set,
    call_save,
    calls_announce_opened,
    criteria_change_problems,
    hosts_change_problems,
)
from exchanges.services.common import application_transition, date_problems
from exchanges.services.export import personal_data_export
from exchanges.services.hosts import host_accept, host_decline
from exchanges.services.officials import (
    application_cancel,
    application_reject,
    application_sign,
    check_not_own,
    final_report_accept,
    review_assign,
)
from exchanges.services.personal_data import (
    erasure_request,
    purge_closed_documents,
    researcher_anonymise,
)
from exchanges.services.reminders import (
    days_waiting,
    host_remind,
    host_reminder_policy_update,
    host_reminders_send,
)
from exchanges.services.researchers import (
    CONSENT_TEXT_VERSION,
    DraftChanges,
    StayRecord,
    application_save_draft,
    application_start,
    application_submit,
    application_withdraw,
    attachment_add,
    award_confirm,
    final_report_submit,
    profile_save,
    sensitive_data_problems,
    stay_update,
    submission_problems,
)
from exchanges.services.reviewers import (
    conflict_declare,
    conflict_disclosure,
    conflict_disclosure_token,
    scores_submit,
)

__all__ = [
    "CONSENT_TEXT_VERSION",
    "CRITERION_FIELDS",
    "FROZEN_TERMS",
    "CriterionRow",
    "DraftChanges",
    "HostRow",
    "StayRecord",
    "application_cancel",
    "application_reject",
    "application_save_draft",
    "application_sign",
    "application_start",
    "application_submit",
    "application_transition",
    "application_withdraw",
    "attachment_add",
    "award_confirm",
    "call_criteria_set",
    "call_delete",
    "call_has_submissions",
    "call_hosts_set",
    "call_save",
    "calls_announce_opened",
    "check_not_own",
    "conflict_declare",
    "conflict_disclosure",
    "conflict_disclosure_token",
    "criteria_change_problems",
    "date_problems",
    "days_waiting",
    "erasure_request",
    "final_report_accept",
    "final_report_submit",
    "host_accept",
    "host_decline",
    "host_remind",
    "host_reminder_policy_update",
    "host_reminders_send",
    "hosts_change_problems",
    "personal_data_export",
    "profile_save",
    "purge_closed_documents",
    "researcher_anonymise",
    "review_assign",
    "scores_submit",
    "sensitive_data_problems",
    "stay_update",
    "submission_problems",
]
