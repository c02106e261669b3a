"""Moves through a workflow from the admin: a form on the change page and bulk actions.

A project's lifecycle, a practice's review and a transfer's stages are each one service; the
admin only offers the moves that service allows the person now, sends every move (the page's
form, a bulk action) to it, and turns its refusals into messages. The page may be stale or the
form forged: the service alone decides.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse

from projects.admin.base import reasons

MOVES_CHANGE_FORM = "admin/moves_change_form.html"  # the change page with the move form


def refusal(error: ValidationError | PermissionDenied) -> str:
    """Return the service's reasons for a refusal as one message."""
    return " ".join(reasons(error))


class MovesAdminMixin:
    """Offer and make the moves of one workflow service; subclasses name the service's parts.

    ``move_form`` (a form with ``to_status`` and ``note``, built with ``allowed=``) and the
    change page's section texts are optional: without a form, the moves are bulk actions only.
    An admin with a form sets ``change_form_template = MOVES_CHANGE_FORM``.
    """

    move_form: type[forms.Form] | None = None
    move_path = "status"  # the change page's sub-address that takes the form
    move_texts: dict[str, Any] = {}  # "title", "legend", "none": the page section's words

    def allowed_moves(self, user: Any, obj: Any) -> list[str]:
        raise NotImplementedError

    def make_move(self, *, actor: Any, obj: Any, to: str, note: str = "") -> None:
        raise NotImplementedError

    def moved_message(self, obj: Any, to: str) -> str:
        raise NotImplementedError

    def bulk_moved_message(self, count: int, to: str) -> str:
        raise NotImplementedError

    def refused_name(self, obj: Any) -> str:
        return str(obj)

    def _move_url_name(self) -> str:
        meta = self.model._meta  # type: ignore[attr-defined]
        return f"{meta.app_label}_{meta.model_name}_{self.move_path}"

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Add the move form, listing only the moves the service allows this user now."""
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is not None and self.move_form is not None:
            allowed = self.allowed_moves(request.user, obj)
            extra_context["move_form"] = self.move_form(allowed=allowed) if allowed else None  # type: ignore[call-arg]
            extra_context["move_url"] = reverse(f"admin:{self._move_url_name()}", args=[obj.pk])
            extra_context["move_texts"] = self.move_texts
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def move_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Make one move through the service; refusals and bad input come back as messages."""
        obj = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if obj is None or self.move_form is None:
            raise Http404
        if not self.has_view_permission(request, obj):  # type: ignore[attr-defined]
            raise PermissionDenied
        meta = self.model._meta  # type: ignore[attr-defined]
        change_url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        # Every status is accepted here; the service decides whether this user may move now.
        form = self.move_form(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    self.message_user(request, str(error), messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(change_url)
        to = form.cleaned_data["to_status"]
        try:
            self.make_move(actor=request.user, obj=obj, to=to, note=form.cleaned_data["note"])
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal(error), messages.ERROR)  # type: ignore[attr-defined]
        else:
            self.message_user(request, self.moved_message(obj, to), messages.SUCCESS)  # type: ignore[attr-defined]
        return HttpResponseRedirect(change_url)

    def get_urls(self) -> list[Any]:
        urls = super().get_urls()  # type: ignore[misc]
        if self.move_form is None:
            return urls
        view = self.admin_site.admin_view(self.move_view)  # type: ignore[attr-defined]
        route = path(f"<path:object_id>/{self.move_path}/", view, name=self._move_url_name())
        return [route, *urls]

    def bulk_move(self, request: HttpRequest, queryset: QuerySet[Model], to: str) -> None:
        """Ask the service for each selected object; say how many moved and which were refused."""
        moved, refused = 0, []
        for obj in queryset:
            try:
                self.make_move(actor=request.user, obj=obj, to=to)
                moved += 1
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{self.refused_name(obj)}: {refusal(error)}")
        if moved:
            self.message_user(request, self.bulk_moved_message(moved, to), messages.SUCCESS)  # type: ignore[attr-defined]
        for line in refused:
            self.message_user(request, line, messages.ERROR)  # type: ignore[attr-defined]
