"""The knowledge exchange between the two cities: practices, their transfers, and events.

- ``practices``: a practice (its texts, review status and search), its timeline, links and
  documents;
- ``transfers``: an institution of the other city taking a practice up, stage by stage;
- ``events``: seminars, workshops, conferences and visits, and their registrations.

Callers import from here (``from knowledge.models import Practice``). The history of practices
and transfers (with their texts in every language) is registered by ``knowledge/translation.py``
through ``register_knowledge_history``, after the texts' columns exist, as ``projects`` does.
"""

from cooperation.history import register_history
from knowledge.models.events import (
    ACTIVE,
    EVENT_TEXTS,
    EVENT_TIMES,
    HOLDS_PLACE,
    REGISTRATION_CLOSE,
    Event,
    EventKind,
    EventMode,
    EventQuerySet,
    EventStatus,
    Registration,
    RegistrationQuerySet,
    RegistrationStatus,
)
from knowledge.models.practices import (
    SEARCHED_FIELDS,
    TRANSLATED_FIELDS,
    Audience,
    DocumentStorage,
    Licence,
    Practice,
    PracticeAttachment,
    PracticeEvent,
    PracticeKind,
    PracticeLink,
    PracticeQuerySet,
    PracticeStatus,
    attachment_path,
    search_vector,
)
from knowledge.models.transfers import (
    TRANSFER_DATES,
    Transfer,
    TransferEvent,
    TransferQuerySet,
    TransferStage,
)

# The stored search vectors are derived from the texts: the history keeps the texts only.
HISTORY_EXCLUDED_FIELDS = ["search_es", "search_ca", "search_en"]


def register_knowledge_history() -> None:
    """Keep the history of every practice and transfer, with their texts in every language.

    Called once by ``knowledge/translation.py`` right after it registers the texts (the order
    django-simple-history documents for django-modeltranslation; see
    ``projects.models.project.register_project_history``).
    """
    register_history(Practice, app="knowledge", excluded_fields=HISTORY_EXCLUDED_FIELDS)
    register_history(Transfer, app="knowledge")


__all__ = [
    "ACTIVE",
    "EVENT_TEXTS",
    "EVENT_TIMES",
    "HISTORY_EXCLUDED_FIELDS",
    "HOLDS_PLACE",
    "REGISTRATION_CLOSE",
    "SEARCHED_FIELDS",
    "TRANSFER_DATES",
    "TRANSLATED_FIELDS",
    "Audience",
    "DocumentStorage",
    "Event",
    "EventKind",
    "EventMode",
    "EventQuerySet",
    "EventStatus",
    "Licence",
    "Practice",
    "PracticeAttachment",
    "PracticeEvent",
    "PracticeKind",
    "PracticeLink",
    "PracticeQuerySet",
    "PracticeStatus",
    "Registration",
    "RegistrationQuerySet",
    "RegistrationStatus",
    "Transfer",
    "TransferEvent",
    "TransferQuerySet",
    "TransferStage",
    "attachment_path",
    "register_knowledge_history",
    "search_vector",
]
