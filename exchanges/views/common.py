"""What the stays pages share: how refusals are shown, and the private documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from cooperation.access import sign_in_required
from exchanges import permissions
from exchanges.models import Attachment, StayApplication

S = StayApplication.Status


def _messages_of(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in _messages_of(error):
        messages.error(request, message)


@sign_in_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a private document to the people allowed to see its application, and only them."""
    attachment = get_object_or_404(
        Attachment.objects.select_related("application").prefetch_related(
            "application__review_assignments"
        ),
        pk=pk,
    )
    if not permissions.can_download(request.user, attachment):
        # 404 and not 403: do not reveal that the document exists.
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response
