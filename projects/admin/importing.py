"""The admin's import of historical projects: check a file, show every bad row, confirm."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from projects import imports
from projects.forms import ImportForm


def import_view(self: Any, request: HttpRequest) -> HttpResponse:
    """Check a file (dry run) and show every bad row; write it only when all rows are good."""
    if not self.has_add_permission(request):
        raise PermissionDenied
    context = {
        **self.admin_site.each_context(request),
        "opts": self.model._meta,
        "title": _("Import historical projects"),
        "columns": imports.COLUMNS,
    }
    result = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            token = form.cleaned_data.get("token")
            upload = form.cleaned_data.get("file")
            if upload is not None:
                suffix = ".xlsx" if upload.name.lower().endswith(".xlsx") else ".csv"
                stored_name = default_storage.save(
                    f"{imports.STORAGE_FOLDER}/{get_random_string(24)}{suffix}", upload
                )
                token = stored_name.split("/", 1)[1]
            stored = f"{imports.STORAGE_FOLDER}/{token}"
            if not default_storage.exists(stored):
                form.add_error(None, _("The checked file has expired; upload it again."))
                context.update({"form": form, "result": None})
                return TemplateResponse(request, "admin/projects/jointproject/import.html", context)
            with default_storage.open(stored, "rb") as handle:
                result = imports.read_projects(stored, handle, actor=request.user)  # type: ignore[arg-type]
            # Writing needs the confirmation of a file already checked and shown (a token),
            # never a fresh upload.
            if upload is None and form.cleaned_data.get("confirm") and result.ok:
                count = imports.import_projects(result, actor=request.user)  # type: ignore[arg-type]
                default_storage.delete(stored)
                self.message_user(
                    request,
                    _("%(count)s project(s) imported.") % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:projects_jointproject_changelist"))
            if not result.ok:
                default_storage.delete(stored)
                token = ""
            form = ImportForm(initial={"token": token})
    else:
        form = ImportForm()
    context.update({"form": form, "result": result})
    return TemplateResponse(request, "admin/projects/jointproject/import.html", context)
