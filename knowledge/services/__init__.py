"""Every write of a practice, its documents and its transfers goes through these functions.

- ``practices``: a practice's record, its review (``knowledge.workflow``), links and documents;
- ``transfers``: a transfer's record and its stages;
- ``events``: an event's record, publication, cancellation and attendance;
- ``registrations``: sign-ups, cancellations, the waiting list and the reminder.

Callers import from here (``from knowledge import services``).
"""

from knowledge.services.events import (
    event_cancel,
    event_create,
    event_publish,
    event_record_attendance,
    event_update,
)
from knowledge.services.practices import (
    PRACTICE_TEXTS,
    allowed_practice_moves,
    practice_attachment_add,
    practice_attachment_remove,
    practice_create,
    practice_delete,
    practice_link_add,
    practice_link_remove,
    practice_publish,
    practice_return,
    practice_submit,
    practice_transition,
    practice_update,
)
from knowledge.services.registrations import (
    registration_cancel,
    registration_create,
    registration_remind,
    registrations_remind_due,
)
from knowledge.services.transfers import (
    TRANSFER_TEXTS,
    allowed_transfer_moves,
    transfer_create,
    transfer_move,
    transfer_update,
)

__all__ = [
    "PRACTICE_TEXTS",
    "TRANSFER_TEXTS",
    "allowed_practice_moves",
    "allowed_transfer_moves",
    "event_cancel",
    "event_create",
    "event_publish",
    "event_record_attendance",
    "event_update",
    "practice_attachment_add",
    "practice_attachment_remove",
    "practice_create",
    "practice_delete",
    "practice_link_add",
    "practice_link_remove",
    "practice_publish",
    "practice_return",
    "practice_submit",
    "practice_transition",
    "practice_update",
    "registration_cancel",
    "registration_create",
    "registration_remind",
    "registrations_remind_due",
    "transfer_create",
    "transfer_move",
    "transfer_update",
]
