"""The kinds of report the portal offers, by code: the one list to extend with a new kind.

The kinds' modules import only ``reports.kinds.base`` and ``reports.kinds.common``, never this
module, so the list imports them without a cycle.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.kinds.base import ReportKind
from reports.kinds.calls import CallOutcome
from reports.kinds.indicators import IndicatorProgress
from reports.kinds.institutions import InstitutionsReport
from reports.kinds.knowledge import KnowledgeExchange
from reports.kinds.mobility import ResearcherMobility
from reports.kinds.programme import ProgrammeOverview

KINDS: tuple[type[ReportKind], ...] = (
    ProgrammeOverview,
    ResearcherMobility,
    CallOutcome,
    IndicatorProgress,
    InstitutionsReport,
    KnowledgeExchange,
)
REGISTRY: dict[str, ReportKind] = {kind.code: kind() for kind in KINDS}


def get_kind(code: str) -> ReportKind:
    """Return the kind of report with this code, or refuse an unknown one."""
    try:
        return REGISTRY[code]
    except KeyError:
        raise ValidationError(
            _("Unknown report kind “%(kind)s”."), code="unknown_kind", params={"kind": code}
        ) from None
