"""The coordinators' transfer pages: their institution's transfers, recording one, its stages.

A coordinator of an institution records that it takes up a published practice of the other
city, keeps the transfer's details and moves it through its stages (or discontinues it, with
the lessons learned). Every write calls ``knowledge.services``: the same rules as the admin
and the API (no transfer to the practice's own city, no duplicate, no skipped stage). Another
institution's transfer is not found here; officials keep transfers in the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cooperation.access import sign_in_required
from cooperation.inputs import bounded_int
from cooperation.roles import coordinated_institution_id
from knowledge import services
from knowledge.models import Transfer, TransferStage
from knowledge.transfer_forms import ERROR_FIELDS, NewTransferForm, TransferForm, TransferMoveForm


def _coordinator(request: HttpRequest) -> int:
    """Return the id of the coordinator's institution, or refuse those who coordinate none."""
    institution_id = coordinated_institution_id(request.user)
    if institution_id is None:
        raise PermissionDenied
    return institution_id


def _own(institution_id: int) -> Any:
    return Transfer.objects.filter(institution_id=institution_id).for_listing()


def _add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's refusal on the field people filled, or on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = ERROR_FIELDS.get(name, name)
        form.add_error(field if field in form.fields else None, errors)


@sign_in_required
@require_GET
def transfers(request: HttpRequest) -> HttpResponse:
    """List the transfers of the coordinator's institution, whatever their stage."""
    rows = _own(_coordinator(request)).order_by("-updated_at", "-pk")
    return render(request, "knowledge/transfers.html", {"transfers": rows})


@sign_in_required
@require_http_methods(["GET", "POST"])
def transfer_new(request: HttpRequest) -> HttpResponse:
    """Record that the coordinator's institution takes up a practice of the other city."""
    _coordinator(request)
    institution: Any = request.user.institution  # type: ignore[union-attr]
    initial = {}
    if practice_id := bounded_int(request.GET.get("practice"), minimum=1):
        initial["practice"] = practice_id
    form = NewTransferForm(
        request.POST or None, origin_excluded=institution.party_id, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            transfer = services.transfer_create(
                actor=request.user,  # type: ignore[arg-type]
                practice=data["practice"],
                institution=institution,
                started_on=data["started_on"],
                origin_contact_name=data["origin_contact_name"],
                origin_contact_email=data["origin_contact_email"],
                adopter_contact_name=data["adopter_contact_name"],
                adopter_contact_email=data["adopter_contact_email"],
                texts=form.texts(),
                public=data["public"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The transfer was recorded at its first stage."))
            return redirect("knowledge:transfer", pk=transfer.pk)
    return render(request, "knowledge/transfer_new.html", {"form": form})


@sign_in_required
@require_http_methods(["GET", "POST"])
def transfer_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a coordinator keep their institution's transfer and move it through its stages."""
    institution_id = _coordinator(request)
    # Another institution's transfer is not found: it is nobody else's business here.
    transfer = get_object_or_404(_own(institution_id), pk=pk)
    actor: Any = request.user
    allowed = services.allowed_transfer_moves(actor, transfer)
    form = TransferForm(instance=transfer)
    move_form = TransferMoveForm(allowed=allowed, prefix="move")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "save":
            form = TransferForm(request.POST, instance=transfer)
            if form.is_valid():
                try:
                    services.transfer_update(actor=actor, transfer=form.save(commit=False))
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    messages.success(request, _("The transfer was saved."))
                    return redirect("knowledge:transfer", pk=pk)
        elif action == "move":
            move_form = TransferMoveForm(request.POST, allowed=allowed, prefix="move")
            if move_form.is_valid():
                data = move_form.cleaned_data
                try:
                    services.transfer_move(
                        actor=actor,
                        transfer=transfer,
                        to_stage=data["to_stage"],
                        on=data["on"],
                        note=data["note"],
                        lessons=move_form.lessons(),
                    )
                except ValidationError as error:
                    _add_errors(move_form, error)
                else:
                    messages.success(
                        request,
                        _("The transfer is now at the stage “%(stage)s”.")
                        % {"stage": TransferStage(data["to_stage"]).label},
                    )
                    return redirect("knowledge:transfer", pk=pk)
        # A refused save leaves the row as it was: show what is stored beside the form.
        transfer = get_object_or_404(_own(institution_id), pk=pk)
    timeline = [(entry, TransferStage(entry.to_status).label) for entry in transfer.timeline.all()]
    return render(
        request,
        "knowledge/transfer.html",
        {
            "transfer": transfer,
            "form": form,
            "move_form": move_form if allowed else None,
            "timeline": timeline,
        },
    )
