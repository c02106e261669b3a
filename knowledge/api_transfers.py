"""Transfers written through the partner API; every write calls ``knowledge.services``.

A coordinator's client (scope ``knowledge:write``, the scope that keeps its institution's
practices: the same people keep both) records that its institution takes up a published
practice of the other city (``POST /transfers/``), changes its details (``PATCH`` with
``If-Match``) and moves it through its stages (``POST /transfers/{id}/move/``). The rules are
the services' (no transfer to the practice's own city, no duplicate, no skipped stage, lessons
before it is discontinued); their refusals are problem details. Contacts are written, never
read back: they are personal data and never leave through the API.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from cooperation.api.idempotency import IdempotentCreateMixin
from cooperation.roles import coordinated_institution_id
from knowledge import api, services
from knowledge.models import Practice, Transfer, TransferStage
from knowledge.permissions import can_change_transfer


class TransferTexts(serializers.Serializer):
    """A transfer's long text in each language (each optional)."""

    es = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    ca = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
    en = serializers.CharField(max_length=20_000, required=False, allow_blank=True)


def _texts(data: dict[str, Any], *fields: str) -> dict[str, str]:
    return {
        f"{field}_{lang}": text
        for field in fields
        for lang, text in (data.get(field) or {}).items()
    }


class TransferCreateSerializer(serializers.Serializer):
    """What a coordinator's client sends to record its institution's interest in a practice."""

    practice = serializers.IntegerField(
        min_value=1, max_value=api.MAX_ID, help_text="The id of a published practice."
    )
    started_on = serializers.DateField()
    origin_contact_name = serializers.CharField(max_length=200)
    origin_contact_email = serializers.EmailField(max_length=254)
    adopter_contact_name = serializers.CharField(max_length=200)
    adopter_contact_email = serializers.EmailField(max_length=254)
    adaptations = TransferTexts(required=False)
    public = serializers.BooleanField(required=False, default=False)


class TransferChangeSerializer(serializers.Serializer):
    """The details of a transfer that its institution keeps (each optional)."""

    started_on = serializers.DateField(required=False)
    origin_contact_name = serializers.CharField(max_length=200, required=False)
    origin_contact_email = serializers.EmailField(max_length=254, required=False)
    adopter_contact_name = serializers.CharField(max_length=200, required=False)
    adopter_contact_email = serializers.EmailField(max_length=254, required=False)
    adaptations = TransferTexts(required=False)
    lessons = TransferTexts(required=False)
    public = serializers.BooleanField(required=False)


class TransferMoveSerializer(serializers.Serializer):
    """The next stage (or ``discontinued``, with the lessons learned)."""

    to_stage = serializers.ChoiceField(choices=TransferStage.choices)
    on = serializers.DateField(
        required=False, help_text="The day an adoption or a discontinuation ended it (today)."
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    lessons = TransferTexts(required=False)


def _only_known(data: Any, writer: serializers.Serializer) -> None:
    """Refuse the names the writer does not take, rather than answer 200 having ignored them.

    A client sending ``stage`` in a change, or ``ended_on``, would otherwise believe it done.
    """
    if not isinstance(data, dict):
        return  # the writer refuses what is not an object
    unknown = sorted(set(data) - set(writer.fields))
    if unknown:
        raise ValidationError(
            {
                name: [
                    gettext("The stage moves through the transfer's move action.")
                    if name == "stage"
                    else gettext("This field cannot be written here.")
                ]
                for name in unknown
            }
        )


class TransferWrites:
    """The writes of ``TransferViewSet`` (after ``IdempotentCreateMixin``, which wraps create)."""

    request: Request

    def user_may_write(self, user: Any) -> bool:
        return True  # the services decide, per transfer, from the caller's role

    def _fresh(self, transfer: Transfer) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=transfer.pk)  # type: ignore[attr-defined]
        context = self.get_serializer_context()  # type: ignore[attr-defined]
        return api.TransferSerializer(fresh, context=context).data

    def _changeable(self, transfer: Transfer) -> None:
        # Seen (the practice's institution, the other city's officials) is not kept.
        if not can_change_transfer(self.request.user, transfer):
            raise PermissionDenied(gettext("You may not change this transfer."))

    @extend_schema(request=TransferCreateSerializer, responses={201: api.TransferSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record that the client's institution takes up a published practice of the other city."""
        if coordinated_institution_id(request.user) is None:
            raise PermissionDenied(
                gettext("Only an institution's coordinators and their systems record transfers.")
            )
        writer = TransferCreateSerializer(data=request.data)
        _only_known(request.data, writer)
        writer.is_valid(raise_exception=True)
        data = writer.validated_data
        # A practice the caller may not read is answered as one that does not exist.
        practice = Practice.objects.visible_to(request.user).filter(pk=data["practice"]).first()
        if practice is None:
            raise ValidationError({"practice": [gettext("No practice with this id.")]})
        with transaction.atomic():
            transfer = api._call(
                services.transfer_create,
                actor=request.user,
                practice=practice,
                institution=request.user.institution,
                started_on=data["started_on"],
                origin_contact_name=data["origin_contact_name"],
                origin_contact_email=data["origin_contact_email"],
                adopter_contact_name=data["adopter_contact_name"],
                adopter_contact_email=data["adopter_contact_email"],
                texts=_texts(data, "adaptations"),
                public=data["public"],
            )
        return Response(
            self._fresh(transfer),
            status=status.HTTP_201_CREATED,
            headers={"Location": f"/api/v1/transfers/{transfer.pk}/"},
        )

    @extend_schema(request=TransferChangeSerializer, responses={200: api.TransferSerializer})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Change a transfer's details (If-Match): dates, contacts, texts, the public flag."""
        with transaction.atomic():
            # Lock the row before the ETag is compared: two clients cannot both win with it.
            Transfer.objects.select_for_update().filter(pk=kwargs["pk"]).exists()
            transfer = self.get_object()  # type: ignore[attr-defined]
            self._changeable(transfer)
            self.check_if_match(transfer)  # type: ignore[attr-defined]
            writer = TransferChangeSerializer(data=request.data, partial=True)
            _only_known(request.data, writer)
            writer.is_valid(raise_exception=True)
            data = writer.validated_data
            for name in (
                "started_on",
                "origin_contact_name",
                "origin_contact_email",
                "adopter_contact_name",
                "adopter_contact_email",
                "public",
            ):
                if name in data:
                    setattr(transfer, name, data[name])
            for column, text in _texts(data, "adaptations", "lessons").items():
                setattr(transfer, column, text)
            api._call(services.transfer_update, actor=request.user, transfer=transfer)
        return Response(self._fresh(transfer))

    @extend_schema(request=TransferMoveSerializer, responses={200: api.TransferSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the transfer to its next stage, or discontinue it with the lessons learned."""
        transfer = self.get_object()  # type: ignore[attr-defined]
        self._changeable(transfer)
        writer = TransferMoveSerializer(data=request.data)
        _only_known(request.data, writer)
        writer.is_valid(raise_exception=True)
        data = writer.validated_data
        try:
            api._call(
                services.transfer_move,
                actor=request.user,
                transfer=transfer,
                to_stage=data["to_stage"],
                on=data.get("on"),
                note=data.get("note", ""),
                lessons=_texts(data, "lessons"),
            )
        except ValidationError as error:
            # The service names the transfer's column; the client sent it as ``on``.
            if isinstance(error.detail, dict) and "ended_on" in error.detail:
                error.detail["on"] = error.detail.pop("ended_on")
            raise
        return Response(self._fresh(transfer))


class TransferViewSet(IdempotentCreateMixin, TransferWrites, api.TransferViewSet):
    """Transfers of practices to institutions of the other city (no contact's personal data)."""

    write_scope = "knowledge:write"  # type: ignore[assignment]  # the read side names none
