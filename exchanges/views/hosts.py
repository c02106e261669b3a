"""A host institution's coordinators: the applications addressed to them, and their decision."""

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
from exchanges.models import StayApplication
from exchanges.views.common import S


@sign_in_required
def host_list(request: HttpRequest) -> HttpResponse:
    """Applications addressed to the coordinator's institution."""
    user: Any = request.user
    if not user.has_role(Role.COORDINATOR) or not user.institution_id:
        raise PermissionDenied
    # One query: applications with call, researcher and profile joined.
    applications = list(
        StayApplication.objects.filter(host_id=user.institution_id)
        .exclude(status=S.DRAFT)
        .for_lists()
        .order_by("-submitted_at")
    )
    return render(request, "exchanges/host_list.html", {"applications": applications})


@sign_in_required
def host_decide(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(
        StayApplication.objects.for_lists()
        .select_related("joint_project")
        .prefetch_related("attachments"),
        pk=pk,
    )
    if not permissions.is_host_of(request.user, application):
        raise Http404
    accept = forms.HostAcceptForm(
        request.POST if request.POST.get("decision") == "accept" else None,
        prefix="accept",
        initial={"confirmed_start": application.start_date, "confirmed_end": application.end_date},
    )
    decline = forms.HostDeclineForm(
        request.POST if request.POST.get("decision") == "decline" else None, prefix="decline"
    )
    actor: Any = request.user
    if request.method == "POST":
        try:
            if accept.is_bound and accept.is_valid():
                services.host_accept(actor=actor, application_id=pk, **accept.cleaned_data)
                messages.success(request, _("You have accepted the application."))
                return redirect("exchanges:host_list")
            if decline.is_bound and decline.is_valid():
                services.host_decline(actor=actor, application_id=pk, **decline.cleaned_data)
                messages.success(request, _("You have declined the application."))
                return redirect("exchanges:host_list")
        except ValidationError as error:
            (accept if accept.is_bound else decline).add_error(None, error)
    context = {"application": application, "accept": accept, "decline": decline}
    return render(request, "exchanges/host_decide.html", context)
