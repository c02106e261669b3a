"""The partner API's endpoints of projects and their parts; every write calls a service."""

from __future__ import annotations

from typing import Any

import orjson
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cooperation.api.conditional import ConditionalMixin
from cooperation.api.idempotency import IdempotentCreateMixin
from cooperation.models import Axis, StrategicArea
from projects import services
from projects.api.filters import FundingFilter, ParticipationFilter, ProjectFilter
from projects.api.kept import kept_detail, kept_list
from projects.api.serializers import (
    FundingCommitmentSerializer,
    MeasurementSerializer,
    MilestoneSerializer,
    ParticipationResourceSerializer,
    ProjectListSerializer,
    ProjectProposalSerializer,
    ProjectSerializer,
    TransitionSerializer,
)
from projects.models import (
    FundingCommitment,
    Indicator,
    JointProject,
    Measurement,
    Milestone,
    Participation,
)


def _call(service: Any, **kwargs: Any) -> Any:
    """Run a service; its refusals become the API's 403 and 400 problems."""
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from None
    except DjangoValidationError as error:
        detail = (
            error.message_dict
            if hasattr(error, "error_dict")
            else {"non_field_errors": error.messages}
        )
        raise ValidationError(detail) from None


def _save_part(*, actor: Any, serializer: Any, service: Any, part_as: str) -> Any:
    """Create or change a project's part through its service, with the values its serializer
    checked (the request's over the stored ones); the service checks the right and writes."""
    values = dict(serializer.validated_data)
    return _call(service, actor=actor, **{part_as: serializer.instance}, **values)


# The parts a project's representation shows, in the orders the list's view writes them.
PROJECT_PARTS = (
    Prefetch("areas", queryset=StrategicArea.objects.order_by("number")),
    Prefetch("axes", queryset=Axis.objects.order_by("number")),
    Prefetch(
        "participations",
        queryset=Participation.objects.select_related("institution__party").order_by(
            "role", "institution__code"
        ),
    ),
)


class ProposeMixin:
    """Create a project through ``project_propose``: the client's institution leads it."""

    @extend_schema(request=ProjectProposalSerializer, responses={201: ProjectSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = ProjectProposalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with transaction.atomic(), translation.override("es"):
            project = _call(
                services.project_propose,
                actor=request.user,
                title=data["title"]["es"],
                summary=data["summary"]["es"],
                impact=data["impact"]["es"],
                primary_area=data["primary_area"],
                areas=data.get("areas", []),
                axes=data.get("axes", []),
                start_date=data["start_date"],
                end_date=data["end_date"],
                partners=data.get("partners", []),
                # Spanish is the active language here; the others go by column.
                translations={
                    f"{field}_{lang}": data[field].get(lang, "")
                    for field in ("title", "summary", "impact")
                    for lang in ("ca", "en")
                },
            )
        self.action = "retrieve"
        fresh = self.get_queryset().get(pk=project.pk)  # type: ignore[attr-defined]
        body = ProjectSerializer(fresh, context=self.get_serializer_context()).data  # type: ignore[attr-defined]
        return Response(
            body,
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/projects/{project.code}/"},
        )


class ProjectViewSet(
    IdempotentCreateMixin,
    ProposeMixin,
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Joint projects between institutions of the two cities."""

    read_scope = "read"
    write_scope = "projects:write"
    # Listed and read without credentials (open data): ``visible_to`` gives such a caller the
    # public projects only, and a project carries no person's data.
    anonymous_read = True
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9-]+"
    filterset_class = ProjectFilter
    search_fields = ["code", "title_es", "title_ca", "title_en"]
    ordering_fields = ["code", "start_date", "updated_at"]
    ordering = ["code"]
    queryset = JointProject.objects.none()

    def user_may_write(self, user: Any) -> bool:
        return True  # the services decide, per project, from the person's role

    def get_queryset(self) -> QuerySet[JointProject]:
        # Read in order up to a page, or one by its code: each row checked by itself.
        projects = JointProject.objects.visible_to(self.request.user, row_by_row=True)
        if self.action == "list":
            return projects  # see list(): the page reads only the listing view's rows
        projects = projects.select_related("primary_area")
        if self.action == "retrieve":
            projects = projects.prefetch_related(
                *PROJECT_PARTS,
                Prefetch(
                    "funding",
                    queryset=FundingCommitment.objects.select_related(
                        "funder_party", "funder_institution"
                    ).order_by("year", "pk"),
                ),
                Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "pk")),
                Prefetch(
                    "indicators",
                    queryset=Indicator.objects.prefetch_related(
                        Prefetch(
                            "measurements", queryset=Measurement.objects.order_by("date", "pk")
                        )
                    ).order_by("pk"),
                ),
            )
        return projects

    @extend_schema(responses=ProjectListSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """List projects: each row is the project's ``ProjectListing``, written by PostgreSQL.

        A page is one query; the rows, already JSON, go into the response untouched (orjson
        fragments), with the columns the cursor needs beside them. No long text (summaries,
        impact statements, search vectors) leaves the database.
        A page is kept per class of readers and query (``projects.api.kept``).
        """

        def page() -> Response:
            projects = self.filter_queryset(self.get_queryset()).values(
                *self.ordering_fields, "listing__representation"
            )
            page = self.paginate_queryset(projects)
            rows = [orjson.Fragment(row["listing__representation"]) for row in page]
            return self.get_paginated_response(rows)

        return kept_list(request, self.get_renderer_context(), page)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Read a project with its funding, milestones and indicators, and its ``ETag``.

        A detail is kept per class of readers and day (``projects.api.kept``).
        """
        return kept_detail(
            request,
            self.get_renderer_context(),
            str(kwargs.get(self.lookup_field, "")),
            lambda: super(ProjectViewSet, self).retrieve(request, *args, **kwargs),
        )

    def get_serializer_class(self) -> Any:
        if self.action == "list":
            return ProjectListSerializer
        if self.action == "create":
            return ProjectProposalSerializer
        if self.action == "transition":
            return TransitionSerializer
        return ProjectSerializer

    @extend_schema(request=TransitionSerializer, responses={200: ProjectSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, code: str | None = None) -> Response:
        """Move the project to another status (the same rules as in the admin and the portal)."""
        project = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _call(
            services.project_transition,
            actor=request.user,
            project=project,
            to_status=serializer.validated_data["to_status"],
            note=serializer.validated_data.get("note", ""),
        )
        self.action = "retrieve"
        fresh = self.get_queryset().get(pk=project.pk)
        return Response(ProjectSerializer(fresh, context=self.get_serializer_context()).data)


class MilestoneViewSet(
    IdempotentCreateMixin,
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Milestones of projects; coordinators (and their partner systems) keep them up to date."""

    serializer_class = MilestoneSerializer
    read_scope = "read"
    write_scope = "projects:write"
    ordering = ["id"]
    filterset_fields = ["project__code", "status"]
    queryset = Milestone.objects.none()

    def user_may_write(self, user: Any) -> bool:
        return True  # the service checks the project's institution

    def get_queryset(self) -> QuerySet[Milestone]:
        return (
            Milestone.objects.filter(project__in=JointProject.objects.visible_to(self.request.user))
            .select_related("project")
            .order_by("id")
        )

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = _save_part(
            actor=self.request.user,
            serializer=serializer,
            service=services.milestone_save,
            part_as="milestone",
        )

    def perform_update(self, serializer: Any) -> None:
        # The serializer put the stored values under the request's: a change is one call too.
        self.perform_create(serializer)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_if_match(self.get_object())
        return super().update(request, *args, **kwargs)


class MeasurementViewSet(
    IdempotentCreateMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Values of projects' indicators over time."""

    serializer_class = MeasurementSerializer
    read_scope = "read"
    write_scope = "projects:write"
    ordering = ["id"]
    filterset_fields = ["indicator", "indicator__project__code"]
    queryset = Measurement.objects.none()

    def user_may_write(self, user: Any) -> bool:
        return True

    def get_queryset(self) -> QuerySet[Measurement]:
        return Measurement.objects.filter(
            indicator__project__in=JointProject.objects.visible_to(self.request.user)
        ).order_by("id")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        project = get_object_or_404(JointProject, pk=data["indicator"].project_id)
        serializer.instance = _call(
            services.measurement_save,
            actor=self.request.user,
            project=project,
            indicator=data["indicator"],
            date=data["date"],
            value=data["value"],
        )


# Participations and funding commitments as resources of their own. Each write locks the
# project, checks If-Match against the row as it is then, and calls the projects' services.


class ProjectPartMixin:
    """Lists and writes of a project's part: read what visible projects hold, write under lock."""

    read_scope = "read"
    write_scope = "projects:write"
    ordering = ["id"]

    def user_may_write(self, user: Any) -> bool:
        return True  # the services decide, per project, from the person's role

    def locked_object(self) -> Any:
        """Lock the object's project, then read the object as it is now (404 if it is gone).

        The services lock the project first too: an If-Match checked here holds until the
        service has changed the row, and locks are always taken in the same order.
        """
        instance = self.get_object()  # type: ignore[attr-defined]
        list(
            JointProject.objects.select_for_update()
            .filter(pk=instance.project_id)
            .values_list("pk", flat=True)
        )
        fresh = self.get_object()  # type: ignore[attr-defined]
        self.check_if_match(fresh)  # type: ignore[attr-defined]
        return fresh

    # The service removing a part, and the keyword it takes the part by.
    remove_service: Any = None
    removed_as = ""

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            part = self.locked_object()
            _call(
                self.remove_service,
                actor=request.user,
                project=part.project,
                **{self.removed_as: part},
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    destroy=extend_schema(
        description="Remove a partner institution (never the lead), with If-Match."
    )
)
class ParticipationViewSet(
    ProjectPartMixin,
    IdempotentCreateMixin,
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Institutions taking part in projects. The lead's coordinators and the officials of the
    cities taking part add partners and remove them."""

    serializer_class = ParticipationResourceSerializer
    remove_service = staticmethod(services.participation_remove)
    removed_as = "participation"
    filterset_class = ParticipationFilter
    queryset = Participation.objects.none()  # typed path parameter for the schema

    def get_queryset(self) -> QuerySet[Participation]:
        # The page and, per row, its project's code and the institution with its city: one query.
        return (
            Participation.objects.filter(
                project__in=JointProject.objects.visible_to(self.request.user)
            )
            .select_related("project", "institution__party")
            .order_by("id")
        )

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = _call(
            services.participation_add,
            actor=self.request.user,
            project=data["project"],
            institution=data["institution"],
            role=data["role"],
        )


@extend_schema_view(
    destroy=extend_schema(description="Remove a funding commitment, with If-Match.")
)
class FundingViewSet(
    ProjectPartMixin,
    IdempotentCreateMixin,
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Funding commitments of projects. Coordinators declare their institution's; officials
    their city's and its institutions'; programme administrators all."""

    serializer_class = FundingCommitmentSerializer
    remove_service = staticmethod(services.funding_remove)
    removed_as = "commitment"
    filterset_class = FundingFilter
    queryset = FundingCommitment.objects.none()  # typed path parameter for the schema

    def get_queryset(self) -> QuerySet[FundingCommitment]:
        # The page with, per row, its project's code and its funder's: one query.
        return (
            FundingCommitment.objects.filter(
                project__in=JointProject.objects.visible_to(self.request.user)
            )
            .select_related("project", "funder_party", "funder_institution")
            .order_by("id")
        )

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = _save_part(
            actor=self.request.user,
            serializer=serializer,
            service=services.funding_save,
            part_as="commitment",
        )

    def perform_update(self, serializer: Any) -> None:
        # The serializer put the stored values under the request's: a change is one call too.
        self.perform_create(serializer)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            self.locked_object()
            return super().update(request, *args, **kwargs)
