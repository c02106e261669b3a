"""The calls for stays, as everybody reads them."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from cooperation.models import Party
from exchanges import permissions
from exchanges.models import Call, DocumentKind, StayApplication


def call_list(request: HttpRequest) -> HttpResponse:
    """Open and upcoming calls."""
    # Three queries: calls, their areas, their hosts (with institution and city).
    calls = list(Call.objects.public())
    return render(request, "exchanges/call_list.html", {"calls": calls, "now": timezone.now()})


def _deadlines(call: Call) -> list[tuple[str, Any, str]]:
    """The closing instant in each city's local time (the template converts with |timezone)."""
    return [
        (party.name, timezone.localtime(call.closes_at, ZoneInfo(party.time_zone)), party.time_zone)
        for party in Party.objects.all()
    ]


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call: Call = get_object_or_404(
        Call.objects.with_hosts().prefetch_related("criteria"),
        pk=pk,
    )
    mine = None
    if request.user.is_authenticated:
        mine = StayApplication.objects.filter(call=call, researcher_id=request.user.pk).first()
    context = {
        "call": call,
        "deadlines": _deadlines(call),
        "documents": [DocumentKind(kind).label for kind in call.required_documents],
        "mine": mine,
        "is_decider": permissions.is_decider(request.user),
    }
    return render(request, "exchanges/call_detail.html", context)
