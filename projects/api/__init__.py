"""Joint projects in the partner API: read the portfolio, propose, change status, keep
milestones and indicator measurements up to date. Every write calls the projects' services.

- ``serializers``: what the API shows of a project and its parts, and what it accepts;
- ``filters``: the query parameters of the lists;
- ``views``: the endpoints (the router, ``cooperation/api/urls.py``, registers the viewsets).
"""

from projects.api.filters import FundingFilter, ParticipationFilter, ProjectFilter
from projects.api.serializers import (
    FundingCommitmentSerializer,
    FundingSerializer,
    IndicatorSerializer,
    MeasurementSerializer,
    MilestoneSerializer,
    ParticipationResourceSerializer,
    ParticipationSerializer,
    ProjectListSerializer,
    ProjectProposalSerializer,
    ProjectSerializer,
    TransitionSerializer,
)
from projects.api.views import (
    PROJECT_PARTS,
    FundingViewSet,
    MeasurementViewSet,
    MilestoneViewSet,
    ParticipationViewSet,
    ProjectViewSet,
)

__all__ = [
    "PROJECT_PARTS",
    "FundingCommitmentSerializer",
    "FundingFilter",
    "FundingSerializer",
    "FundingViewSet",
    "IndicatorSerializer",
    "MeasurementSerializer",
    "MeasurementViewSet",
    "MilestoneSerializer",
    "MilestoneViewSet",
    "ParticipationFilter",
    "ParticipationResourceSerializer",
    "ParticipationSerializer",
    "ParticipationViewSet",
    "ProjectFilter",
    "ProjectListSerializer",
    "ProjectProposalSerializer",
    "ProjectSerializer",
    "ProjectViewSet",
    "TransitionSerializer",
]
