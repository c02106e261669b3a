"""Report runs in the API: officials request one, poll its progress and download its file."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request

from reports.kinds.registry import REGISTRY
from reports.models import ReportRun
from reports.services import can_use_reports, report_request
from reports.views import file_response


class ReportRunSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=sorted(REGISTRY))
    format = serializers.ChoiceField(choices=ReportRun.Format.choices)
    parameters = serializers.DictField(required=False, default=dict)
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReportRun
        fields = [
            "id",
            "kind",
            "format",
            "parameters",
            "state",
            "progress",
            "rows",
            "created_at",
            "started_at",
            "finished_at",
            "error",
            "download",
        ]
        read_only_fields = [
            "id",
            "state",
            "progress",
            "rows",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]

    def get_download(self, obj: ReportRun) -> str | None:
        return (
            f"/api/v1/report-runs/{obj.pk}/download/"
            if obj.state == ReportRun.State.SUCCEEDED
            else None
        )


class ReportRunViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Reports are made by a worker; poll ``state`` and ``progress``, then download the file."""

    serializer_class = ReportRunSerializer
    read_scope = "read"
    write_scope = "read"  # requesting a report changes no programme data; the role decides
    ordering = ["-id"]
    queryset = ReportRun.objects.none()

    def user_may_write(self, user: Any) -> bool:
        return can_use_reports(user)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        method = request.method.lower() if request.method else ""
        if hasattr(self, method) and not can_use_reports(request.user):
            raise PermissionDenied(gettext("Only programme officials may use reports."))

    def get_queryset(self) -> QuerySet[ReportRun]:
        return ReportRun.objects.order_by("-id")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = report_request(
                actor=self.request.user,
                kind=data["kind"],
                parameters=data.get("parameters", {}),
                format=data["format"],
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None
        except DjangoValidationError as error:
            raise ValidationError({"parameters": error.messages}) from None

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> Any:
        return file_response(self.get_object())
