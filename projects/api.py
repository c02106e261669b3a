"""Joint projects in the partner API: read the portfolio, propose, change status, keep
milestones and indicator measurements up to date. Every write calls the projects' services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import django_filters
import orjson
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cooperation.api.conditional import ConditionalMixin
from cooperation.api.filters import RequestedFilterSet
from cooperation.api.idempotency import IdempotentCreateMixin
from cooperation.api.serializers import TranslatedField
from cooperation.models import Axis, Institution, Party, StrategicArea
from projects import services
from projects.forms import FundingForm, MeasurementForm, MilestoneForm
from projects.models import (
    FundingCommitment,
    Indicator,
    JointProject,
    Measurement,
    Milestone,
    Participation,
    ProjectStatus,
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


class ParticipationSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code")
    city = serializers.CharField(source="institution.party.code")

    class Meta:
        model = Participation
        fields = ["institution", "city", "role"]


class FundingSerializer(serializers.ModelSerializer):
    funder = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = FundingCommitment
        fields = ["funder", "amount", "currency", "year", "kind"]

    def get_funder(self, obj: FundingCommitment) -> str:
        return obj.funder_institution.code if obj.funder_institution_id else obj.funder_party.code  # type: ignore[union-attr]


class VisibleProjectField(serializers.SlugRelatedField):
    """A project named by its code, among those the caller may read: another's private project
    is answered as one that does not exist (a 403 would tell that it has this code)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self) -> QuerySet[JointProject]:
        request = self.context.get("request")
        if request is None:
            return JointProject.objects.none()
        return JointProject.objects.visible_to(request.user)


class VisibleIndicatorField(serializers.PrimaryKeyRelatedField):
    """An indicator named by its id, among those of the projects the caller may read."""

    def get_queryset(self) -> QuerySet[Indicator]:
        request = self.context.get("request")
        if request is None:
            return Indicator.objects.none()
        return Indicator.objects.filter(project__in=JointProject.objects.visible_to(request.user))


class MilestoneSerializer(serializers.ModelSerializer):
    project = VisibleProjectField()
    late = serializers.BooleanField(source="is_late", read_only=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "title",
            "due_date",
            "status",
            "completed_on",
            "evidence_url",
            "late",
        ]
        read_only_fields = ["id", "late"]


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = VisibleIndicatorField()

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "date", "value"]
        read_only_fields = ["id"]


class IndicatorSerializer(serializers.ModelSerializer):
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "name", "unit", "baseline", "target", "measurements"]


class ProjectListSerializer(serializers.ModelSerializer):
    """A project in a list, and the first part of a project's detail.

    A list does not run it row by row: each row is the project's ``ProjectListing``, the same
    representation written by PostgreSQL, sent untouched (``ProjectViewSet.list``). A test holds
    the two identical. Reads areas, axes and participations as ``PROJECT_PARTS`` prefetches.
    """

    title = TranslatedField("title")
    primary_area = serializers.CharField(source="primary_area.code")
    areas = serializers.SerializerMethodField()
    axes = serializers.SerializerMethodField()
    institutions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_areas(self, obj: JointProject) -> list[str]:
        return [area.code for area in obj.areas.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_axes(self, obj: JointProject) -> list[str]:
        return [axis.code for axis in obj.axes.all()]

    @extend_schema_field(ParticipationSerializer(many=True))
    def get_institutions(self, obj: JointProject) -> list[dict[str, str]]:
        return [
            {
                "institution": part.institution.code,
                "city": part.institution.party.code,
                "role": part.role,
            }
            for part in obj.participations.all()
        ]

    class Meta:
        model = JointProject
        fields = [
            "code",
            "title",
            "status",
            "primary_area",
            "areas",
            "axes",
            "start_date",
            "end_date",
            "public",
            "institutions",
            "updated_at",
        ]


class ProjectSerializer(ProjectListSerializer):
    summary = TranslatedField("summary")
    impact = TranslatedField("impact")
    funding = FundingSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields,
            "summary",
            "impact",
            "funding",
            "milestones",
            "indicators",
        ]


class TextsSerializer(serializers.Serializer):
    es = serializers.CharField(max_length=255)
    ca = serializers.CharField(max_length=255, required=False, allow_blank=True)
    en = serializers.CharField(max_length=255, required=False, allow_blank=True)


class LongTextsSerializer(serializers.Serializer):
    es = serializers.CharField(max_length=10_000, allow_blank=True)
    ca = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    en = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class ProjectProposalSerializer(serializers.Serializer):
    """A new project, proposed by the client's institution as its lead."""

    title = TextsSerializer()
    summary = LongTextsSerializer()
    impact = LongTextsSerializer()
    primary_area = serializers.SlugRelatedField(
        slug_field="code", queryset=StrategicArea.objects.filter(active=True)
    )
    areas = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=StrategicArea.objects.filter(active=True),
        required=False,
    )
    axes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Axis.objects.filter(active=True), required=False
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    partners = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Institution.objects.filter(active=True),
        required=False,
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if data["end_date"] < data["start_date"]:
            raise serializers.ValidationError({"end_date": [_end_before_start()]})
        return data


def _end_before_start() -> str:
    return gettext("The planned end cannot be before the planned start.")


def _form_errors(form: Any) -> dict[str, list[str]]:
    """The errors of a Django form of the portal as the API's: by field, and those of the whole
    form under ``non_field_errors``, as DRF names them."""
    errors = {
        name: [e["message"] for e in errors] for name, errors in form.errors.get_json_data().items()
    }
    if "__all__" in errors:
        errors["non_field_errors"] = errors.pop("__all__")
    return errors


def _save_part(
    *,
    actor: Any,
    serializer: Any,
    instance: Any,
    form: Callable[[dict[str, Any], Any, JointProject], Any],
    fields: Iterable[str],
    service: Any,
    instance_as: str,
    moved: str,
) -> Any:
    """Create or update a project's part as the portal does: its form validates the request
    (over the stored values, for a partial update), its service checks the right and writes."""
    data = dict(serializer.validated_data)
    project = data.pop("project", None) or instance.project
    if instance is not None and project.pk != instance.project_id:
        raise ValidationError({"project": [moved]})
    current = {name: getattr(instance, name) for name in fields} if instance else {}
    bound = form({**current, **data}, instance, project)
    if not bound.is_valid():
        raise ValidationError(_form_errors(bound))
    return _call(
        service, actor=actor, project=project, **{instance_as: instance}, **bound.cleaned_data
    )


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=ProjectStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ProjectFilter(RequestedFilterSet):
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices)
    city = django_filters.ChoiceFilter(
        choices=[("CDMX", "CDMX"), ("BCN", "BCN")], method="filter_city"
    )
    area = django_filters.CharFilter(method="filter_area")
    axis = django_filters.CharFilter(field_name="axes__code")
    institution = django_filters.CharFilter(method="filter_institution")
    year = django_filters.NumberFilter(method="filter_year")
    public = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_public"
    )

    class Meta:
        model = JointProject
        fields = ["status", "city", "area", "axis", "institution", "year", "public"]

    def filter_city(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        return queryset.filter(
            Exists(
                Participation.objects.filter(project=OuterRef("pk"), institution__party__code=value)
            )
        )

    def filter_area(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        through = JointProject.areas.through
        return queryset.filter(
            Q(primary_area__code=value)
            | Exists(
                through.objects.filter(jointproject_id=OuterRef("pk"), strategicarea__code=value)
            )
        )

    def filter_institution(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        return queryset.filter(
            Exists(Participation.objects.filter(project=OuterRef("pk"), institution__code=value))
        )

    def filter_year(self, queryset: QuerySet[JointProject], name: str, value: Any) -> Any:
        # Years outside the calendar (0, 10000, 2026.5) match no project; they are not errors.
        if value != int(value) or not 1 <= value <= 9999:
            return queryset.none()
        return queryset.filter(start_date__year=int(value))

    def filter_public(self, queryset: QuerySet[JointProject], name: str, value: str) -> Any:
        return queryset.filter(public=value == "true")


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
        projects = JointProject.objects.visible_to(self.request.user)
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
        """
        projects = self.filter_queryset(self.get_queryset()).values(
            *self.ordering_fields, "listing__representation"
        )
        page = self.paginate_queryset(projects)
        rows = [orjson.Fragment(row["listing__representation"]) for row in page]
        return self.get_paginated_response(rows)

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

    def _save(self, serializer: Any, instance: Milestone | None) -> Milestone:
        return _save_part(
            actor=self.request.user,
            serializer=serializer,
            instance=instance,
            form=lambda data, instance, project: MilestoneForm(data, instance=instance),
            fields=MilestoneForm.Meta.fields,
            service=services.milestone_save,
            instance_as="milestone",
            moved=gettext("A milestone cannot move to another project."),
        )

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self._save(serializer, serializer.instance)

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
        indicator = serializer.validated_data["indicator"]
        project = get_object_or_404(JointProject, pk=indicator.project_id)
        form = MeasurementForm(
            project=project,
            data={
                "indicator": indicator.pk,
                "date": serializer.validated_data["date"],
                "value": serializer.validated_data["value"],
            },
        )
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        serializer.instance = _call(
            services.measurement_save,
            actor=self.request.user,
            project=project,
            **form.cleaned_data,
        )


# Participations and funding commitments as resources of their own. Each write locks the
# project, checks If-Match against the row as it is then, and calls the projects' services.


class ParticipationResourceSerializer(serializers.ModelSerializer):
    """An institution taking part in a project. Through the API it joins as a partner."""

    project = VisibleProjectField()
    institution = serializers.SlugRelatedField(
        slug_field="code", queryset=Institution.objects.all()
    )
    city = serializers.CharField(source="institution.party.code", read_only=True)
    role = serializers.ChoiceField(
        choices=Participation.Role.choices, default=Participation.Role.PARTNER
    )

    class Meta:
        model = Participation
        fields = ["id", "project", "institution", "city", "role"]
        read_only_fields = ["id", "city"]
        validators: list[Any] = []  # the service checks the unique constraint, under its lock

    def validate_role(self, value: str) -> str:
        if value != Participation.Role.PARTNER:
            raise serializers.ValidationError(
                gettext(
                    "Through the API an institution joins a project as a partner; the lead is "
                    "the institution that proposed it."
                )
            )
        return value


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"}
)
class AmountField(serializers.DecimalField):
    """A positive amount as a decimal string; the schema says so (DRF's default pattern would
    allow an empty string and a minus sign)."""


class FundingCommitmentSerializer(serializers.ModelSerializer):
    """Money or in-kind support promised to a project by one funder: a city or an institution."""

    project = VisibleProjectField()
    funder_institution = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Institution.objects.all(),
        required=False,
        allow_null=True,
        help_text="The funding institution's code; give it or funder_party, not both.",
    )
    funder_party = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Party.objects.all(),
        required=False,
        allow_null=True,
        help_text="The funding city's code (CDMX or BCN); give it or funder_institution.",
    )
    amount = AmountField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=True,
        min_value=Decimal("0.01"),
        help_text='Greater than zero, as a decimal string ("2500.50").',
    )

    class Meta:
        model = FundingCommitment
        fields = [
            "id",
            "project",
            "funder_institution",
            "funder_party",
            "amount",
            "currency",
            "year",
            "kind",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"year": {"help_text": "A year of the project, from its start to its end."}}


class ProjectPartFilter(RequestedFilterSet):
    project = django_filters.CharFilter(
        field_name="project__code", help_text="A project's code, e.g. CDMX-BCN-2026-0001."
    )


class ParticipationFilter(ProjectPartFilter):
    class Meta:
        model = Participation
        fields = ["project"]


class FundingFilter(ProjectPartFilter):
    class Meta:
        model = FundingCommitment
        fields = ["project"]


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

    def _save(self, serializer: Any, instance: FundingCommitment | None) -> FundingCommitment:
        return _save_part(
            actor=self.request.user,
            serializer=serializer,
            instance=instance,
            form=lambda data, instance, project: FundingForm(
                data, instance=instance, project=project
            ),
            fields=FundingForm.Meta.fields,
            service=services.funding_save,
            instance_as="commitment",
            moved=gettext("A commitment cannot move to another project."),
        )

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = self._save(serializer, serializer.instance)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        with transaction.atomic():
            self.locked_object()
            return super().update(request, *args, **kwargs)
