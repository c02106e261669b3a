"""The review of a practice and the stages of a transfer, each on one screen.

``knowledge.services.practices.practice_transition`` and
``knowledge.services.transfers.transfer_move`` are the only code that applies them.
"""

from __future__ import annotations

from knowledge.models import PracticeStatus, TransferStage

P = PracticeStatus
T = TransferStage
OFFICIAL = "official"  # an administrator, or an official of the practice's city of origin
COORDINATOR = "coordinator"  # a coordinator of the practice's institution
ADOPTER = "adopter"  # an administrator, an official of the adopting city, or its coordinator

# A practice's review: (from, to) -> who may make the move. A published practice goes back to
# review when anybody changes it (``practice_update`` makes that move itself): nothing
# unreviewed is ever public.
PRACTICE_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (P.DRAFT, P.IN_REVIEW): frozenset({COORDINATOR, OFFICIAL}),
    (P.RETURNED, P.IN_REVIEW): frozenset({COORDINATOR, OFFICIAL}),
    (P.IN_REVIEW, P.PUBLISHED): frozenset({OFFICIAL}),
    (P.IN_REVIEW, P.RETURNED): frozenset({OFFICIAL}),
    (P.PUBLISHED, P.IN_REVIEW): frozenset({COORDINATOR, OFFICIAL}),
}
# Moves that need a note: a returned practice says what to fix.
NOTE_REQUIRED = frozenset({(P.IN_REVIEW, P.RETURNED)})

# A transfer's stages, forward one at a time; it may stop at any stage before adoption.
TRANSFER_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (T.INTEREST, T.PLANNING): frozenset({ADOPTER}),
    (T.PLANNING, T.PILOT): frozenset({ADOPTER}),
    (T.PILOT, T.ADOPTED): frozenset({ADOPTER}),
    (T.INTEREST, T.DISCONTINUED): frozenset({ADOPTER}),
    (T.PLANNING, T.DISCONTINUED): frozenset({ADOPTER}),
    (T.PILOT, T.DISCONTINUED): frozenset({ADOPTER}),
}
# Stages no move leaves: the transfer's end date is the day it got there.
FINAL_STAGES = frozenset(T.values) - {frm for frm, _to in TRANSFER_TRANSITIONS}
