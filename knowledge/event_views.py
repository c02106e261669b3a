"""Events' public pages (coming and past, an event's page) and the registrants' own pages.

Every write calls ``knowledge.services``: signing up, cancelling. A person sees their own
registrations only; an event's list of registrants is its organisers' (``event_portal``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cooperation.access import needs_second_factor, second_factor_redirect, sign_in_required
from knowledge import services
from knowledge.event_forms import EventFilterForm, RegistrationForm
from knowledge.models import Event, Registration, RegistrationStatus
from knowledge.permissions import can_manage_event
from knowledge.templatetags.knowledge_events import city_zones

PAGE_SIZE = 20


def _list(request: HttpRequest, *, past: bool) -> HttpResponse:
    form = EventFilterForm(request.GET or None)
    listed = Event.objects.listed()
    events = form.filter(listed.past() if past else listed.coming()).for_listing()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/events.html",
        {
            "form": form,
            "page": page,
            "past": past,
            "query": query.urlencode(),
            "zones": city_zones(),
        },
    )


@require_GET
def coming(request: HttpRequest) -> HttpResponse:
    """List the coming (and running) events, soonest first."""
    return _list(request, past=False)


@require_GET
def past(request: HttpRequest) -> HttpResponse:
    """List the past events, latest first."""
    return _list(request, past=True)


def _event_page(
    request: HttpRequest, event: Event, form: RegistrationForm | None = None, status: int = 200
) -> HttpResponse:
    mine = None
    if request.user.is_authenticated:
        mine = Registration.objects.of_person(request.user).active().filter(event=event).first()
    language = (get_language() or "es")[:2]
    return render(
        request,
        "knowledge/event.html",
        {
            "event": event,
            "mine": mine,
            "form": form or RegistrationForm(initial={"language": language}),
            "open": event.is_open_for_registration(),
            "over": event.ends_at <= timezone.now(),
            "manages": request.user.is_authenticated and can_manage_event(request.user, event),
            "zones": city_zones(),
        },
        status=status,
    )


def _visible(request: HttpRequest, pk: int) -> Event:
    event = Event.objects.visible_to(request.user).for_listing().filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an event: both cities' times, places left, and sign-up or cancellation."""
    try:
        event = _visible(request, pk)
    except Http404:
        if needs_second_factor(request):
            return second_factor_redirect(request)
        raise
    return _event_page(request, event)


@sign_in_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign the person up: a place if one is left, otherwise the waiting list."""
    event = _visible(request, pk)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration = services.registration_create(
                actor=request.user,  # type: ignore[arg-type]
                event=event,
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if registration.status == RegistrationStatus.CONFIRMED:
                messages.success(request, _("Your place is confirmed. We sent you an e-mail."))
            else:
                messages.info(
                    request,
                    _("All places are taken: you are number %(position)d on the waiting list.")
                    % {"position": registration.position},
                )
            return redirect("knowledge:event", pk=pk)
    return _event_page(request, event, form, status=400)


@sign_in_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel one of the person's own registrations (somebody else's is not found)."""
    registration = get_object_or_404(Registration.objects.of_person(request.user), pk=pk)
    try:
        services.registration_cancel(actor=request.user, registration=registration)  # type: ignore[arg-type]
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("knowledge:event", pk=registration.event_id)


@sign_in_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """List the person's own registrations, coming events first."""
    registrations: Any = (
        Registration.objects.of_person(request.user)
        .select_related("event__city")
        .order_by("-event__starts_at", "-pk")
    )
    return render(
        request,
        "knowledge/my_registrations.html",
        {"registrations": registrations, "zones": city_zones(), "now": timezone.now()},
    )


def organised_or_404(request: HttpRequest, pk: int) -> Event:
    """Return the event if the person manages it; another's event is not found."""
    event = get_object_or_404(Event.objects.for_listing(), pk=pk)
    if not can_manage_event(request.user, event):
        raise Http404
    return event
