"""The public library of practices: the list with its search and filters, a practice's page and
its documents."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cooperation.access import needs_second_factor, second_factor_redirect
from cooperation.roles import coordinated_institution_id
from knowledge.forms import LibraryFilterForm
from knowledge.models import Practice, PracticeAttachment

PAGE_SIZE = 20


@require_GET
def library(request: HttpRequest) -> HttpResponse:
    """List the published practices, filtered, searched in the current language, paginated."""
    form = LibraryFilterForm(request.GET or None)
    language = (get_language() or "es")[:2]
    practices = form.filter(Practice.objects.published(), language).for_listing()
    page = Paginator(practices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "knowledge/library.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            # No query for visitors who are not signed in (cooperation.roles).
            "coordinates": coordinated_institution_id(request.user) is not None,
        },
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a practice to whoever may read it (the public: published ones only)."""
    practice = Practice.objects.visible_to(request.user).for_detail().filter(pk=pk).first()
    if practice is None:
        if needs_second_factor(request):
            return second_factor_redirect(request)
        raise Http404
    return render(request, "knowledge/detail.html", {"practice": practice})


@require_GET
def document(request: HttpRequest, pk: int) -> FileResponse:
    """Send a practice's document to whoever may read the practice."""
    attachment = (
        PracticeAttachment.objects.filter(
            pk=pk, practice__in=Practice.objects.visible_to(request.user)
        )
        .only("file", "original_name")
        .first()
    )
    if attachment is None:
        raise Http404
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
