"""Joint projects between institutions of the two cities, and their parts.

- ``project``: the project itself (its code, texts and their search, status), the institutions
  taking part, the partner API's listing view and the timeline;
- ``parts``: its team, funding, milestones, indicators and measurements, and the currencies
  and exchange rates its funding is counted in;
- ``codes``: a project's code and the yearly counter that numbers it;
- ``importing``: an import of historical projects, as the worker runs it.

Callers import from here (``from projects.models import JointProject``).
"""

from projects.models.codes import (
    CODE_PREFIX,
    FIRST_YEAR,
    LAST_YEAR,
    ProjectCodeCounter,
    check_start_date,
    check_start_year,
    next_project_code,
    project_code_validator,
    reserve_project_codes,
)
from projects.models.importing import ProjectImport
from projects.models.parts import (
    Currency,
    ExchangeRate,
    FundingCommitment,
    Indicator,
    Measurement,
    Milestone,
    TeamMember,
    totals_by_currency,
)
from projects.models.project import (
    PLANNED_DATES,
    SEARCH_CONFIGS,
    SEARCHED_FIELDS,
    JointProject,
    JointProjectQuerySet,
    Participation,
    ProjectEvent,
    ProjectListing,
    ProjectStatus,
    Readership,
    readership,
    register_project_history,
    search_vector,
)

# django-simple-history puts a part's historical model (``Milestone.history.model``) in the
# part's module, but names its module after the app ("projects") when the part is not defined
# in a ``models.py``: name the module it is in, where ``manage.py shell`` imports it from.
for _part in (
    Participation,
    TeamMember,
    FundingCommitment,
    ExchangeRate,
    Milestone,
    Indicator,
    Measurement,
):
    _part.history.model.__module__ = _part.__module__

__all__ = [
    "CODE_PREFIX",
    "FIRST_YEAR",
    "LAST_YEAR",
    "PLANNED_DATES",
    "SEARCHED_FIELDS",
    "SEARCH_CONFIGS",
    "Currency",
    "ExchangeRate",
    "FundingCommitment",
    "Indicator",
    "JointProject",
    "JointProjectQuerySet",
    "Measurement",
    "Milestone",
    "Participation",
    "ProjectCodeCounter",
    "ProjectEvent",
    "ProjectImport",
    "ProjectListing",
    "ProjectStatus",
    "Readership",
    "TeamMember",
    "check_start_date",
    "check_start_year",
    "next_project_code",
    "project_code_validator",
    "readership",
    "register_project_history",
    "reserve_project_codes",
    "search_vector",
    "totals_by_currency",
]
