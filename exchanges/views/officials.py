"""The officials' pages: a call's ranking, their decisions, the export of applications."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cooperation.access import sign_in_required
from cooperation.spreadsheets import csv_writer
from exchanges import permissions, services
from exchanges.models import Call, StayApplication
from exchanges.views.common import S, _refused


def officials_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Officials decide only after a second factor, as in the admin."""

    @sign_in_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not permissions.is_decider(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@officials_only
def call_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The call's applications in evaluation and after, ranked, with the decision buttons."""
    call = get_object_or_404(Call, pk=pk)
    # Two queries: the ranked applications (scores aggregated in SQL), their signatures.
    applications = list(
        StayApplication.objects.filter(call=call)
        .exclude(status__in=[S.DRAFT, S.SUBMITTED, S.HOST_REVIEW])
        .for_lists()
        .select_related("stay")
        .prefetch_related("signatures__party")
        .ranked()
    )
    return render(
        request, "exchanges/call_ranking.html", {"call": call, "applications": applications}
    )


@officials_only
@require_POST
def official_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    application = get_object_or_404(StayApplication, pk=pk)
    actor: Any = request.user
    note = request.POST.get("note", "")
    actions: dict[str, Callable[[], Any]] = {
        "sign": lambda: services.application_sign(actor=actor, application_id=pk),
        "reject": lambda: services.application_reject(actor=actor, application_id=pk, note=note),
        "accept_report": lambda: services.final_report_accept(actor=actor, application_id=pk),
    }
    if action not in actions:
        raise Http404
    try:
        actions[action]()
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("exchanges:call_ranking", application.call_id)


def export_csv(queryset: Any) -> StreamingHttpResponse:
    """Stream the applications as CSV (used by the admin's export action)."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv_writer(Echo())  # formula-safe (cooperation.spreadsheets)
    header = [
        "id",
        "call",
        "status",
        "direction",
        "researcher",
        "home_institution",
        "host",
        "start_date",
        "end_date",
        "submitted_at",
        "weighted_score",
        "impact_score",
    ]

    def rows() -> Any:
        yield writer.writerow(header)
        for a in queryset.for_lists().with_scores().iterator(chunk_size=500):
            profile = getattr(a.researcher, "researcher_profile", None)
            yield writer.writerow(
                [
                    a.pk,
                    a.call.title,
                    a.status,
                    a.call.direction,
                    a.researcher.email,
                    profile.home_institution_id if profile else "",
                    a.host.code if a.host else "",
                    a.start_date or "",
                    a.end_date or "",
                    a.submitted_at.isoformat() if a.submitted_at else "",
                    a.weighted_score if a.weighted_score is not None else "",
                    a.impact_score if a.impact_score is not None else "",
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="stay-applications.csv"'
    return response
