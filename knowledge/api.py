"""Practices and transfers in the partner API; every write calls ``knowledge.services``.

Partner systems read the practices they may read (``PracticeQuerySet.visible_to``: published
ones, and their institution's drafts) and the transfers they may read; a coordinator's client
(scope ``knowledge:write``) proposes drafts of its institution, keeps them (If-Match) and sends
them for review. Transfers' contacts (personal data) never leave through the API.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cooperation.api.conditional import ConditionalMixin
from cooperation.api.filters import RequestedFilterSet
from cooperation.api.serializers import TranslatedField
from cooperation.inputs import bounded_int
from cooperation.models import Axis, StrategicArea
from cooperation.roles import coordinated_institution_id
from knowledge import services
from knowledge.models import (
    TRANSLATED_FIELDS,
    Audience,
    Licence,
    Practice,
    PracticeKind,
    PracticeStatus,
    Transfer,
    TransferStage,
)
from projects.api.serializers import TextsSerializer
from projects.models import JointProject

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger number must not reach the query


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


class LinkSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True)
    licence = serializers.CharField(read_only=True)


class DocumentSerializer(serializers.Serializer):
    title = serializers.CharField(read_only=True)
    licence = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    def get_url(self, obj: Any) -> str:
        return reverse("knowledge:document", args=[obj.pk])


class PracticeSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code", read_only=True)
    city = serializers.CharField(source="origin.code", read_only=True)
    primary_area = serializers.CharField(source="primary_area.code", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    axes = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    partners = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    projects = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    links = LinkSerializer(many=True, read_only=True)
    documents = DocumentSerializer(source="attachments", many=True, read_only=True)

    class Meta:
        model = Practice
        fields = [
            "id",
            "kind",
            "status",
            "institution",
            "city",
            "partners",
            "primary_area",
            "areas",
            "axes",
            "audiences",
            "licence",
            "projects",
            *TRANSLATED_FIELDS,
            "links",
            "documents",
            "review_note",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields


# The texts as the API writes them: {"es": …, "ca": …, "en": …}, each field.
for _field in TRANSLATED_FIELDS:
    PracticeSerializer._declared_fields[_field] = TranslatedField(_field)


class PracticeTexts(serializers.Serializer):
    """A long text in each language (each optional)."""

    es = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    ca = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    en = serializers.CharField(max_length=20_000, required=False, allow_blank=True)


class PracticeWriteSerializer(serializers.Serializer):
    """What a coordinator's client sends to propose or change a draft of its institution."""

    kind = serializers.ChoiceField(choices=PracticeKind.choices)
    licence = serializers.ChoiceField(choices=Licence.choices)
    primary_area = serializers.SlugRelatedField(
        slug_field="code", queryset=StrategicArea.objects.filter(active=True)
    )
    areas = serializers.SlugRelatedField(
        slug_field="code",
        queryset=StrategicArea.objects.filter(active=True),
        many=True,
        required=False,
    )
    axes = serializers.SlugRelatedField(
        slug_field="code", queryset=Axis.objects.filter(active=True), many=True, required=False
    )
    audiences = serializers.ListField(
        child=serializers.ChoiceField(choices=Audience.choices), required=False
    )
    projects = serializers.SlugRelatedField(
        slug_field="code", queryset=JointProject.objects.all(), many=True, required=False
    )
    title = TextsSerializer()  # the Spanish title required, as the projects' (255 characters)
    summary = PracticeTexts(required=False)
    problem = PracticeTexts(required=False)
    approach = PracticeTexts(required=False)
    resources = PracticeTexts(required=False)
    results = PracticeTexts(required=False)
    evidence = PracticeTexts(required=False)
    transferability = PracticeTexts(required=False)

    def texts(self) -> dict[str, str]:
        data = self.validated_data
        return {
            f"{field}_{lang}": text
            for field in TRANSLATED_FIELDS
            for lang, text in (data.get(field) or {}).items()
        }


class PracticeFilter(RequestedFilterSet):
    kind = django_filters.ChoiceFilter(choices=PracticeKind.choices)
    status = django_filters.ChoiceFilter(choices=PracticeStatus.choices)
    city = django_filters.CharFilter(field_name="origin__code")
    institution = django_filters.CharFilter(field_name="institution__code")
    area = django_filters.CharFilter(method="filter_area")
    axis = django_filters.CharFilter(field_name="axes__code")
    audience = django_filters.ChoiceFilter(choices=Audience.choices, method="filter_audience")
    licence = django_filters.ChoiceFilter(choices=Licence.choices)

    class Meta:
        model = Practice
        fields = ["kind", "status", "city", "institution", "area", "axis", "audience", "licence"]

    def filter_area(self, queryset: Any, name: str, value: str) -> Any:
        area = StrategicArea.objects.filter(code=value).values_list("pk", flat=True).first()
        return queryset.in_area(area) if area is not None else queryset.none()

    def filter_audience(self, queryset: Any, name: str, value: str) -> Any:
        return queryset.filter(audiences__contains=[value])


class PracticeViewSet(
    ConditionalMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Practices of one city's institutions, their documents and links."""

    serializer_class = PracticeSerializer
    read_scope = "read"
    write_scope = "knowledge:write"
    filterset_class = PracticeFilter
    search_fields = ["title_es", "title_ca", "title_en"]
    ordering_fields = ["id", "published_at", "updated_at"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]{1,18}"  # a practice's number; anything else is not found
    queryset = Practice.objects.none()

    def user_may_write(self, user: Any) -> bool:
        return True  # the services decide, per practice, from the caller's role

    def get_queryset(self) -> QuerySet[Practice]:
        return (
            Practice.objects.visible_to(self.request.user)
            .select_related("institution", "origin", "primary_area")
            .prefetch_related(
                Prefetch("areas", queryset=StrategicArea.objects.order_by("number")),
                Prefetch("axes", queryset=Axis.objects.order_by("number")),
                "partners",
                Prefetch("projects", queryset=JointProject.objects.order_by("code")),
                "links",
                "attachments",
            )
        )

    def _fresh(self, practice: Practice) -> dict[str, Any]:
        return PracticeSerializer(
            self.get_queryset().get(pk=practice.pk), context=self.get_serializer_context()
        ).data

    @extend_schema(request=PracticeWriteSerializer, responses={201: PracticeSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Propose a draft practice of the client's institution."""
        institution_id = coordinated_institution_id(request.user)
        if institution_id is None:
            raise PermissionDenied(
                gettext("Only an institution's coordinators and their systems propose practices.")
            )
        writer = PracticeWriteSerializer(data=request.data)
        writer.is_valid(raise_exception=True)
        data = writer.validated_data
        with transaction.atomic():
            practice = _call(
                services.practice_create,
                actor=request.user,
                institution=request.user.institution,
                kind=data["kind"],
                licence=data["licence"],
                primary_area=data["primary_area"],
                texts=writer.texts(),
                areas=data.get("areas", []),
                axes=data.get("axes", []),
                audiences=data.get("audiences", []),
                projects=data.get("projects", []),
            )
        return Response(
            self._fresh(practice),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/practices/{practice.pk}/"},
        )

    @extend_schema(request=PracticeWriteSerializer, responses={200: PracticeSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a practice (If-Match): a published one goes back to review."""
        with transaction.atomic():
            # Lock the row before the ETag is compared: two clients cannot both win with it.
            Practice.objects.select_for_update().filter(pk=kwargs["pk"]).exists()
            practice = self.get_object()
            self.check_if_match(practice)
            writer = PracticeWriteSerializer(data=request.data, partial=True)
            writer.is_valid(raise_exception=True)
            data = writer.validated_data
            for name in ("kind", "licence", "primary_area", "audiences"):
                if name in data:
                    setattr(practice, name, data[name])
            for column, text in writer.texts().items():
                setattr(practice, column, text)
            _call(
                services.practice_update,
                actor=request.user,
                practice=practice,
                areas=data.get("areas"),
                axes=data.get("axes"),
                projects=data.get("projects"),
            )
        return Response(self._fresh(practice))

    @extend_schema(request=None, responses={200: PracticeSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        """Send a draft (or a returned practice) for review by the officials of its city."""
        practice = self.get_object()
        _call(services.practice_submit, actor=request.user, practice=practice)
        return Response(self._fresh(practice))


class TransferSerializer(serializers.ModelSerializer):
    practice = serializers.PrimaryKeyRelatedField(read_only=True)
    institution = serializers.CharField(source="institution.code", read_only=True)
    city = serializers.CharField(source="institution.party.code", read_only=True)
    origin_city = serializers.CharField(source="practice.origin.code", read_only=True)
    adaptations = TranslatedField("adaptations")
    lessons = TranslatedField("lessons")

    class Meta:
        model = Transfer
        fields = [
            "id",
            "practice",
            "institution",
            "city",
            "origin_city",
            "stage",
            "started_on",
            "ended_on",
            "adaptations",
            "lessons",
            "public",
            "updated_at",
        ]
        read_only_fields = fields


class TransferFilter(RequestedFilterSet):
    stage = django_filters.ChoiceFilter(choices=TransferStage.choices)
    practice = django_filters.CharFilter(method="filter_practice", help_text="A practice's id.")
    city = django_filters.CharFilter(field_name="institution__party__code")
    institution = django_filters.CharFilter(field_name="institution__code")

    class Meta:
        model = Transfer
        fields = ["stage", "practice", "city", "institution"]

    def filter_practice(self, queryset: Any, name: str, value: str) -> Any:
        # No practice has a number that is not a whole one from 1 (nor one past bigint).
        practice_id = bounded_int(value, minimum=1, maximum=MAX_ID)
        if practice_id is None:
            return queryset.none()
        return queryset.filter(practice_id=practice_id)


class TransferViewSet(
    ConditionalMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Transfers of practices to institutions of the other city (no contact's personal data)."""

    serializer_class = TransferSerializer
    read_scope = "read"
    write_scope = None
    filterset_class = TransferFilter
    ordering_fields = ["id", "updated_at"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]{1,18}"
    queryset = Transfer.objects.none()

    def get_queryset(self) -> QuerySet[Transfer]:
        return Transfer.objects.visible_to(self.request.user).for_listing()
