"""Endpoints of the partner API v1."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter, SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import APIRootView

from cooperation.api.conditional import ConditionalMixin
from cooperation.api.filters import RequestedFilterSet, StrictQueryParamsBackend
from cooperation.api.idempotency import IdempotentCreateMixin
from cooperation.api.models import WebhookEndpoint
from cooperation.api.permissions import partner_of
from cooperation.api.serializers import (
    AreaSerializer,
    AxisSerializer,
    InstitutionSerializer,
    PartySerializer,
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
)
from cooperation.api.webhooks import new_secret
from cooperation.models import Axis, Institution, Party, StrategicArea


class ApiRootView(APIRootView):
    """The list of the API's resources: whoever may read the API may read it."""

    read_scope = "read"
    write_scope = None


class ReadOnlyViewSet(
    ConditionalMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    read_scope = "read"
    write_scope = None
    # Non-personal reference data: open to callers without credentials (open data).
    anonymous_read = True
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"


class PartyViewSet(ReadOnlyViewSet):
    """The two cities of the agreement."""

    queryset = Party.objects.all()
    serializer_class = PartySerializer
    ordering = ["code"]


class AreaViewSet(ReadOnlyViewSet):
    """The eight strategic areas, names and descriptions in es, ca and en."""

    queryset = StrategicArea.objects.all()
    serializer_class = AreaSerializer
    ordering = ["number"]


class AxisViewSet(ReadOnlyViewSet):
    """The four axes, names and descriptions in es, ca and en."""

    queryset = Axis.objects.all()
    serializer_class = AxisSerializer
    ordering = ["number"]


class InstitutionFilter(RequestedFilterSet):
    city = django_filters.ChoiceFilter(
        field_name="party__code", choices=[("CDMX", "CDMX"), ("BCN", "BCN")]
    )
    kind = django_filters.ChoiceFilter(choices=Institution.Kind.choices)
    # Strict: anything but true or false is an error, not a silently ignored filter.
    ecos_member = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_ecos_member"
    )

    class Meta:
        model = Institution
        fields = ["city", "kind", "ecos_member"]

    def filter_ecos_member(self, queryset: QuerySet[Institution], name: str, value: str) -> Any:
        return queryset.filter(ecos_member=value == "true")


class InstitutionViewSet(ReadOnlyViewSet):
    """Institutions taking part in the programme (active ones)."""

    queryset = Institution.objects.filter(active=True).select_related("party")
    serializer_class = InstitutionSerializer
    filterset_class = InstitutionFilter
    search_fields = ["code", "acronym", "name_es", "name_ca", "name_en"]
    ordering_fields = ["code"]
    ordering = ["code"]


class WebhookEndpointViewSet(IdempotentCreateMixin, ConditionalMixin, viewsets.ModelViewSet):
    """The partner's webhook endpoints (Standard Webhooks signatures)."""

    queryset = WebhookEndpoint.objects.none()  # typed path parameter for the schema
    serializer_class = WebhookEndpointSerializer
    read_scope = "webhooks"
    write_scope = "webhooks"
    partners_only = True
    ordering = ["id"]
    filter_backends = [StrictQueryParamsBackend]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        partner = partner_of(self.request)
        return WebhookEndpoint.objects.filter(partner=partner).order_by("id")

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "partner": partner_of(self.request)}

    def get_serializer_class(self) -> Any:
        return (
            WebhookEndpointCreatedSerializer
            if self.action == "create"
            else super().get_serializer_class()
        )

    def perform_create(self, serializer: Any) -> None:
        serializer.save(partner=partner_of(self.request), secret=new_secret())

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_if_match(self.get_object())
        return super().update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.check_if_match(self.get_object())
        return super().destroy(request, *args, **kwargs)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The endpoint's deliveries, newest first, with their responses."""
        endpoint = self.get_object()
        page = self.paginate_queryset(endpoint.deliveries.order_by("-id"))
        data = WebhookDeliverySerializer(page, many=True).data
        return self.get_paginated_response(data)

    def paginate_queryset(self, queryset: Any) -> Any:
        if self.action == "deliveries":
            self.paginator.ordering = "-id"
        return super().paginate_queryset(queryset)


__all__ = [
    "ApiRootView",
    "AreaViewSet",
    "AxisViewSet",
    "InstitutionViewSet",
    "OrderingFilter",
    "PartyViewSet",
    "SearchFilter",
    "WebhookEndpointViewSet",
]
