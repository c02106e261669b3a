"""The organisers' pages: the events they organise, their registrations, attendance and report.

Organisers are the people named on the event, the coordinators of its institution and the
officials of its city (``knowledge.permissions.can_manage_event``); anybody else finds no such
event. Officials create and publish events in the admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from cooperation.access import sign_in_required
from cooperation.roles import coordinated_institution_id
from knowledge import services
from knowledge.event_forms import AttendanceForm
from knowledge.event_views import organised_or_404
from knowledge.models import Event, Registration
from knowledge.templatetags.knowledge_events import city_zones


@sign_in_required
@require_GET
def organised(request: HttpRequest) -> HttpResponse:
    """List the events the person organises (or their institution does), latest first."""
    mine = Q(organisers=request.user)
    institution_id = coordinated_institution_id(request.user)
    if institution_id is not None:
        mine |= Q(institution_id=institution_id)
    ids = Event.objects.filter(mine).values("pk")
    events = Event.objects.filter(pk__in=ids).for_listing().order_by("-starts_at", "-pk")
    return render(request, "knowledge/organised.html", {"events": events, "zones": city_zones()})


@sign_in_required
@require_http_methods(["GET", "POST"])
def registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an event's registrations to its organisers; after the start, record attendance."""
    event = organised_or_404(request, pk)
    rows = (
        Registration.objects.filter(event=event)
        .select_related("person")
        .order_by("status", "position", "pk")
    )
    holding = Registration.objects.filter(event=event).holding_place().select_related("person")
    started = event.starts_at <= timezone.now()
    form = AttendanceForm(
        request.POST or None,
        registrations=holding,
        initial={
            "attended": [r.pk for r in holding if r.status == "attended"],
            "attendance": event.attendance,
            **{
                f"report_{code}": getattr(event, f"report_{code}") or ""
                for code in ("es", "ca", "en")
            },
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_record_attendance(
                actor=request.user,  # type: ignore[arg-type]
                event=event,
                attended=[r.pk for r in form.cleaned_data["attended"]],
                attendance=form.cleaned_data["attendance"],
                report=form.report(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The attendance and the report were saved."))
            return redirect("knowledge:event_registrations", pk=pk)
    return render(
        request,
        "knowledge/event_registrations.html",
        {
            "event": event,
            "rows": rows,
            "form": form,
            "started": started,
            "zones": city_zones(),
        },
        status=400 if form.errors else 200,
    )
