"""The coordinators' pages: their institution's practices, proposing one, keeping it.

A coordinator proposes a practice of their institution, keeps its texts, links and documents,
and sends it for review; officials review it in the admin. Every write calls
``knowledge.services``; a change to a published practice sends it back to review there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cooperation.access import sign_in_required
from cooperation.inputs import bounded_int
from cooperation.roles import coordinated_institution_id
from knowledge import services
from knowledge.forms import DocumentForm, LinkForm, PracticeForm
from knowledge.models import Practice, PracticeStatus


def _institution_id(request: HttpRequest) -> int:
    institution_id = coordinated_institution_id(request.user)
    if institution_id is None:
        raise PermissionDenied
    return institution_id


@sign_in_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """List the practices of the coordinator's institution, whatever their status."""
    institution_id = _institution_id(request)
    practices = (
        Practice.objects.of_institution(institution_id).for_listing().order_by("-updated_at", "-pk")
    )
    return render(request, "knowledge/mine.html", {"practices": practices})


@sign_in_required
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """Let a coordinator propose a practice of their institution (saved as a draft)."""
    institution_id = _institution_id(request)
    form = PracticeForm(request.POST or None, institution_id=institution_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            practice = services.practice_create(
                actor=request.user,  # type: ignore[arg-type]
                institution=request.user.institution,  # type: ignore[union-attr,arg-type]
                kind=data["kind"],
                licence=data["licence"],
                primary_area=data["primary_area"],
                texts=form.texts(),
                areas=data["areas"],
                axes=data["axes"],
                audiences=data["audiences"],
                projects=data["projects"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The practice was saved as a draft."))
            return redirect("knowledge:edit", pk=practice.pk)
    return render(request, "knowledge/propose.html", {"form": form})


def _part(queryset: Any, value: str | None) -> Any:
    pk = bounded_int(value, minimum=1)
    if pk is None:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


@sign_in_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Let a coordinator keep a practice of their institution and send it for review."""
    institution_id = _institution_id(request)
    # Another institution's practice is not found: its drafts are nobody else's business.
    practice = get_object_or_404(Practice.objects.of_institution(institution_id), pk=pk)
    form = PracticeForm(instance=practice, institution_id=institution_id)
    link_form = LinkForm(prefix="link")
    document_form = DocumentForm(prefix="document")
    if request.method == "POST":
        action = request.POST.get("action")
        actor: Any = request.user
        try:
            if action == "save":
                form = PracticeForm(request.POST, instance=practice, institution_id=institution_id)
                if form.is_valid():
                    was = practice.status
                    changed = form.save(commit=False)
                    data = form.cleaned_data
                    saved = services.practice_update(
                        actor=actor,
                        practice=changed,
                        areas=data["areas"],
                        axes=data["axes"],
                        projects=data["projects"],
                    )
                    if was == PracticeStatus.PUBLISHED and saved.status != was:
                        messages.warning(
                            request,
                            _(
                                "The practice was changed: it goes back to review before it is "
                                "public again."
                            ),
                        )
                    else:
                        messages.success(request, _("The practice was saved."))
                    return redirect("knowledge:edit", pk=pk)
            elif action == "submit":
                services.practice_submit(actor=actor, practice=practice)
                messages.success(request, _("The practice was sent for review."))
                return redirect("knowledge:edit", pk=pk)
            elif action == "link":
                link_form = LinkForm(request.POST, prefix="link")
                if link_form.is_valid():
                    services.practice_link_add(
                        actor=actor, practice=practice, **link_form.cleaned_data
                    )
                    return redirect("knowledge:edit", pk=pk)
            elif action == "link_remove":
                link = _part(practice.links.all(), request.POST.get("link_id"))
                services.practice_link_remove(actor=actor, link=link)
                return redirect("knowledge:edit", pk=pk)
            elif action == "document":
                document_form = DocumentForm(request.POST, request.FILES, prefix="document")
                if document_form.is_valid():
                    upload = document_form.cleaned_data["file"]
                    services.practice_attachment_add(
                        actor=actor,
                        practice=practice,
                        title=document_form.cleaned_data["title"],
                        upload=upload,
                        name=upload.name or "",
                        licence=document_form.cleaned_data["licence"],
                    )
                    return redirect("knowledge:edit", pk=pk)
            elif action == "document_remove":
                attachment = _part(practice.attachments.all(), request.POST.get("document_id"))
                services.practice_attachment_remove(actor=actor, attachment=attachment)
                return redirect("knowledge:edit", pk=pk)
        except ValidationError as error:
            bound = {"save": form, "link": link_form, "document": document_form}.get(
                action or "", form
            )
            _add_errors(bound, error)
    practice = Practice.objects.for_detail().get(pk=practice.pk)
    return render(
        request,
        "knowledge/edit.html",
        {
            "practice": practice,
            "form": form,
            "link_form": link_form,
            "document_form": document_form,
            "may_submit": "in_review" in services.allowed_practice_moves(request.user, practice),
            "timeline": [
                (entry, PracticeStatus(entry.to_status).label) for entry in practice.timeline.all()
            ],
        },
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's refusal on the form's fields it names, or on the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
