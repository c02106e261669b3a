"""A reviewer's pages: the assignments, the declaration of conflicts, the scores."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from cooperation.access import sign_in_required
from cooperation.roles import Role
from exchanges import forms, permissions, services
from exchanges.models import ReviewAssignment


@sign_in_required
def review_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.REVIEWER):  # type: ignore[union-attr]
        raise PermissionDenied
    # One query: assignments with their application, call and host.
    assignments = list(
        ReviewAssignment.objects.filter(reviewer_id=request.user.pk).select_related(
            "application__call", "application__host"
        )
    )
    return render(request, "exchanges/review_list.html", {"assignments": assignments})


@sign_in_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        ReviewAssignment.objects.select_related(
            "application__call",
            "application__researcher",
            "application__host",
            "application__host_decision",
            "application__joint_project",
        ).prefetch_related("application__attachments", "scores__criterion"),
        pk=pk,
    )
    if not permissions.is_reviewer_of(request.user, assignment):
        raise Http404
    application = assignment.application
    criteria = list(application.call.criteria.all())
    actor: Any = request.user
    disclosure = services.conflict_disclosure(application)
    conflict_form = forms.ConflictForm(
        request.POST if "declare" in request.POST else None,
        initial={"shown": services.conflict_disclosure_token(assignment)},
    )
    score_form = forms.ScoreForm(
        request.POST if "score" in request.POST else None, criteria=criteria
    )
    if request.method == "POST":
        try:
            if conflict_form.is_bound and conflict_form.is_valid():
                services.conflict_declare(
                    actor=actor,
                    assignment_id=pk,
                    has_conflict=conflict_form.cleaned_data["has_conflict"],
                    explanation=conflict_form.cleaned_data["explanation"],
                    shown=conflict_form.cleaned_data["shown"],
                )
                messages.success(request, _("Your declaration has been recorded."))
                return redirect("exchanges:review_detail", pk)
            if score_form.is_bound and score_form.is_valid():
                services.scores_submit(
                    actor=actor,
                    assignment_id=pk,
                    scores=score_form.scores(),
                    comment=score_form.cleaned_data["comment"],
                )
                messages.success(request, _("Your scores have been submitted."))
                return redirect("exchanges:review_list")
        except ValidationError as error:
            (conflict_form if conflict_form.is_bound else score_form).add_error(None, error)
    context = {
        "assignment": assignment,
        "application": application,
        "conflict_form": conflict_form,
        "score_form": score_form,
        "show_application": assignment.has_conflict is False,
        "disclosure": disclosure,
    }
    return render(request, "exchanges/review_detail.html", context)
