"""Every write of a joint project and its parts goes through these functions.

- ``rules``: the MoU's rules, one function each (both cities, one lead, funding years, team of
  participating institutions, officials' city scope, closed records); the lifecycle's table
  itself is ``projects.workflow``;
- ``lifecycle``: a project's own record (create, propose, update, move, delete);
- ``parts``: its institutions, funding, team, milestones, indicators and measurements;
- ``money``: exchange rates, conversions and totals.

Callers import from here (``from projects import services``) or from the module itself.
"""

from projects.services.lifecycle import (
    TRANSLATED_TEXTS,
    allowed_transitions,
    check_may_add_projects,
    check_new_project,
    project_coordinators,
    project_create,
    project_delete,
    project_officials,
    project_propose,
    project_transition,
    project_update,
)
from projects.services.money import (
    Conversion,
    Totals,
    convert,
    exchange_rate,
    exchange_rate_remove,
    exchange_rate_save,
    funding_totals,
)
from projects.services.parts import (
    funding_remove,
    funding_save,
    indicator_remove,
    indicator_save,
    measurement_remove,
    measurement_save,
    milestone_remove,
    milestone_save,
    participation_add,
    participation_remove,
    participation_update,
    project_parts_changed,
    team_member_remove,
    team_member_save,
)
from projects.workflow import FINAL_STATUSES, TRANSITIONS

__all__ = [
    "FINAL_STATUSES",
    "TRANSITIONS",
    "TRANSLATED_TEXTS",
    "Conversion",
    "Totals",
    "allowed_transitions",
    "check_may_add_projects",
    "check_new_project",
    "convert",
    "exchange_rate",
    "exchange_rate_remove",
    "exchange_rate_save",
    "funding_remove",
    "funding_save",
    "funding_totals",
    "indicator_remove",
    "indicator_save",
    "measurement_remove",
    "measurement_save",
    "milestone_remove",
    "milestone_save",
    "participation_add",
    "participation_remove",
    "participation_update",
    "project_coordinators",
    "project_create",
    "project_delete",
    "project_officials",
    "project_parts_changed",
    "project_propose",
    "project_transition",
    "project_update",
    "team_member_remove",
    "team_member_save",
]
