"""The lifecycle of a joint project on one screen: which moves exist, and who may make each.

``projects.services.lifecycle.project_transition`` is the only code that applies it; the rules
(``services.rules``) and the permissions (``permissions.can_change_project``) read the statuses
it makes final or reached only through approval.
"""

from __future__ import annotations

from projects.models import ProjectStatus

S = ProjectStatus
OFFICIAL = "official"  # an administrator, or an official of a city taking part
COORDINATOR = "coordinator"  # a coordinator of an institution taking part

# The project lifecycle on one screen: (from, to) -> who may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.PROPOSED, S.APPROVED): frozenset({OFFICIAL}),
    (S.PROPOSED, S.CANCELLED): frozenset({OFFICIAL, COORDINATOR}),
    (S.APPROVED, S.ACTIVE): frozenset({OFFICIAL, COORDINATOR}),
    (S.APPROVED, S.CANCELLED): frozenset({OFFICIAL}),
    (S.ACTIVE, S.COMPLETED): frozenset({OFFICIAL}),
    (S.ACTIVE, S.SUSPENDED): frozenset({OFFICIAL}),
    (S.SUSPENDED, S.ACTIVE): frozenset({OFFICIAL}),
    (S.SUSPENDED, S.CANCELLED): frozenset({OFFICIAL}),
}

# Statuses no move leaves (read from the lifecycle table): a project there is a closed record,
# and nothing of it changes any more.
FINAL_STATUSES = frozenset(S.values) - {frm for frm, _to in TRANSITIONS}


def _reachable_from(status: str) -> frozenset[str]:
    seen = {status}
    frontier = [status]
    while frontier:
        current = frontier.pop()
        for frm, to in TRANSITIONS:
            if frm == current and to not in seen:
                seen.add(to)
                frontier.append(to)
    return frozenset(seen)


# Statuses a project reaches only through approval: approved, active, suspended, completed
# (read from the table; "cancelled" is left out, since a proposal can be cancelled unapproved).
APPROVED_STATUSES = _reachable_from(S.APPROVED) - {S.CANCELLED}
