"""Calls for stays and stay statistics in the partner API (no applicant's personal data)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cooperation.api.conditional import ConditionalMixin
from cooperation.api.filters import RequestedFilterSet
from cooperation.api.serializers import TranslatedField
from cooperation.disclosure import SMALL_BELOW
from cooperation.inputs import bounded_int
from exchanges import statistics
from exchanges.models import Call, CallHost, Criterion, Direction

MAX_ID = 2**63 - 1  # PostgreSQL bigint: a larger number must not reach the query


class CallHostSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code")
    city = serializers.CharField(source="institution.party.code")

    class Meta:
        model = CallHost
        fields = ["institution", "city", "places"]


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["name", "weight", "is_social_impact"]


class CallSerializer(serializers.ModelSerializer):
    title = TranslatedField("title")
    description = TranslatedField("description")
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    hosts = CallHostSerializer(source="call_hosts", many=True, read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    monthly_stipend = serializers.DecimalField(
        max_digits=10, decimal_places=2, coerce_to_string=True
    )

    class Meta:
        model = Call
        fields = [
            "id",
            "title",
            "description",
            "direction",
            "opens_at",
            "closes_at",
            "areas",
            "hosts",
            "stays_from",
            "stays_until",
            "min_duration_days",
            "max_duration_days",
            "monthly_stipend",
            "stipend_currency",
            "criteria",
            "required_documents",
        ]


class CallFilter(RequestedFilterSet):
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    area = django_filters.CharFilter(field_name="areas__code")

    class Meta:
        model = Call
        fields = ["direction", "area"]


_HOSTS = Prefetch(
    "call_hosts", queryset=CallHost.objects.select_related("institution__party").order_by("pk")
)
_CRITERIA = Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk"))


class CallViewSet(
    ConditionalMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Calls for researcher stays in the other city, open, upcoming and past."""

    serializer_class = CallSerializer
    read_scope = "read"
    write_scope = None
    filterset_class = CallFilter
    ordering = ["id"]
    queryset = Call.objects.none()

    def get_queryset(self) -> QuerySet[Call]:
        prefetches: list[Any] = ["areas", _HOSTS, _CRITERIA]
        return Call.objects.prefetch_related(*prefetches).order_by("id")


class StayStatisticsView(APIView):
    """Applications per call and status, and per direction: aggregates only.

    Every count passes through ``cooperation.disclosure`` (``exchanges.statistics``): counts
    from 1 to 4 are suppressed (null), and so are the counts that would let one of them be
    worked out from the others (a call's total minus its other statuses, a direction's total
    minus its other calls). The suppressed cells are the same in every answer and report.
    """

    read_scope = "stays:read"
    write_scope = None
    validates_query = True  # unknown or malformed parameters are a 400 (documented)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "call",
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                required=False,
                description="Only this call.",
            )
        ],
        responses=inline_serializer(
            name="StayStatistics",
            fields={
                "by_call_and_status": serializers.ListField(child=serializers.DictField()),
                "by_direction": serializers.ListField(child=serializers.DictField()),
                "suppressed_below": serializers.IntegerField(),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        unknown = set(request.query_params) - {"call", "format"}
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown parameter."] for name in sorted(unknown)}
            )
        call = request.query_params.get("call")
        call_id = None
        if call is not None:
            call_id = bounded_int(call, minimum=1, maximum=MAX_ID)
            if call_id is None:
                raise serializers.ValidationError(
                    {"call": [gettext("Must be a call's number (a whole number from 1).")]}
                )
        # The same figures as the open-data release's stay statistics (one function).
        published = statistics.stay_statistics(call_id=call_id)
        return Response({**published, "suppressed_below": SMALL_BELOW})
