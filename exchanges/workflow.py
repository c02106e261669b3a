"""The stay application workflow on one screen: (from, to) → who may make the move.

``exchanges.services.application_transition`` is the only code that changes a status, and it
reads this table. Who is who for an application:

- researcher: the applicant;
- host: a coordinator of the application's host institution;
- official: an official of either city (or a programme administrator);
- system: the portal itself (a freed place going to the first on the waiting list).
"""

from __future__ import annotations

from enum import StrEnum

from exchanges.models import StayApplication

S = StayApplication.Status


class Actor(StrEnum):
    RESEARCHER = "researcher"
    HOST = "host"
    OFFICIAL = "official"
    SYSTEM = "system"


R, H, OFF, SYS = Actor.RESEARCHER, Actor.HOST, Actor.OFFICIAL, Actor.SYSTEM

TRANSITIONS: dict[tuple[str, str], frozenset[Actor]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({R}),
    (S.SUBMITTED, S.HOST_REVIEW): frozenset({SYS}),
    (S.HOST_REVIEW, S.HOST_ACCEPTED): frozenset({H}),
    (S.HOST_REVIEW, S.HOST_DECLINED): frozenset({H}),
    # Nothing reaches evaluation without the host's acceptance: only this move leads there.
    (S.HOST_ACCEPTED, S.EVALUATION): frozenset({OFF}),
    # The second city's signature approves, or waitlists when the host has no place left
    # (services.officials.application_sign); a freed place promotes the first co-signed
    # application of the waiting list. Every move into CO_SIGNED needs both signatures.
    (S.EVALUATION, S.APPROVED): frozenset({OFF}),
    (S.EVALUATION, S.WAITLISTED): frozenset({OFF}),
    (S.EVALUATION, S.REJECTED): frozenset({OFF}),
    (S.WAITLISTED, S.APPROVED): frozenset({OFF, SYS}),
    (S.APPROVED, S.AWARDED): frozenset({R}),
    (S.APPROVED, S.WITHDRAWN): frozenset({R}),
    (S.AWARDED, S.IN_PROGRESS): frozenset({R, OFF}),
    (S.AWARDED, S.WITHDRAWN): frozenset({R}),
    (S.IN_PROGRESS, S.COMPLETED): frozenset({OFF}),
    # The researcher may withdraw before the decision.
    **{
        (status, S.WITHDRAWN): frozenset({R})
        for status in (S.DRAFT, S.SUBMITTED, S.HOST_REVIEW, S.HOST_ACCEPTED, S.EVALUATION)
    },
    (S.WAITLISTED, S.WITHDRAWN): frozenset({R}),
    # Officials may cancel anything still open.
    **{
        (status, S.CANCELLED): frozenset({OFF})
        for status in (
            S.SUBMITTED,
            S.HOST_REVIEW,
            S.HOST_ACCEPTED,
            S.EVALUATION,
            S.WAITLISTED,
            S.APPROVED,
            S.AWARDED,
            S.IN_PROGRESS,
        )
    },
}

# Statuses that only a signature of an official of each city leads to (the MoU: every award is
# co-signed; a place on the waiting list is an award waiting for its place).
CO_SIGNED = frozenset({S.WAITLISTED, S.APPROVED, S.AWARDED, S.IN_PROGRESS, S.COMPLETED})
# Statuses in which an application holds one of its host's places.
HOLDS_PLACE = frozenset({S.APPROVED, S.AWARDED, S.IN_PROGRESS, S.COMPLETED})
# Statuses after which nothing more happens; documents may be purged after retention.
CLOSED = frozenset({S.HOST_DECLINED, S.REJECTED, S.COMPLETED, S.WITHDRAWN, S.CANCELLED})
# Statuses that count as "before the decision" for withdrawing.
BEFORE_DECISION = frozenset(
    {S.DRAFT, S.SUBMITTED, S.HOST_REVIEW, S.HOST_ACCEPTED, S.EVALUATION, S.WAITLISTED}
)


def allowed(from_status: str, to_status: str, actor: Actor) -> bool:
    return actor in TRANSITIONS.get((from_status, to_status), frozenset())
