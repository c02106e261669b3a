"""What every admin page of a project (or of its parts) shares: writes through the services.

A page's main form, its inlines, its delete page and its "delete selected" action each call the
service that owns the rule (``projects.services``), never ``Model.save``. A service's refusal
comes back as a message in the official's language, and nothing of the page is saved: the
admin runs a page's changes in one transaction, and the refusal rolls all of it back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from projects.permissions import can_change_project


class Refused(Exception):
    """A service refused a change made on an admin page; the page's transaction rolls back."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def reasons(error: ValidationError | PermissionDenied) -> list[str]:
    """Return the reasons a service gave for refusing a change, as the person reads them."""
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error) or _("You may not make this change to this project.")]


@contextmanager
def refusals(label: str = "") -> Iterator[None]:
    """Turn a service's refusal into ``Refused``, each reason prefixed by the part it concerns."""
    try:
        yield
    except (ValidationError, PermissionDenied) as error:
        prefix = f"{label}: " if label else ""
        raise Refused([prefix + reason for reason in reasons(error)]) from error


def adopt(obj: models.Model, saved: models.Model) -> None:
    """Give the admin's object the row a service saved (its id, for the log and the redirect)."""
    obj.__dict__.update(saved.__dict__)


class _RefusedForm:
    """The main form of a page whose change a service refused: shown again, never saved."""

    def clean(self) -> Any:
        data = super().clean()  # type: ignore[misc]
        self.add_error(None, _("Nothing was saved: see the reasons above."))  # type: ignore[attr-defined]
        return data


def delete_selected_through_services(
    modeladmin: Any, request: HttpRequest, queryset: models.QuerySet[Any]
) -> Any:
    """Django's "delete selected" action, all or nothing: ``delete_queryset`` calls services."""
    try:
        with transaction.atomic():
            return delete_selected(modeladmin, request, queryset)
    except Refused as refusal:
        for reason in refusal.reasons:
            modeladmin.message_user(request, reason, messages.ERROR)
        return None


delete_selected_through_services.allowed_permissions = ("delete",)  # type: ignore[attr-defined]


class ServiceAdminMixin:
    """Save a page (main form and inlines) through services, all of it or nothing."""

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]
        except Refused as refusal:
            # The page's transaction is rolled back. Show the page again with what was sent,
            # and the reasons, so that the official can correct it.
            for reason in refusal.reasons:
                self.message_user(request, reason, messages.ERROR)  # type: ignore[attr-defined]
            request._service_refusal = refusal  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        # ``change`` by name: django-modeltranslation's get_form takes it in its keywords.
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        if getattr(request, "_service_refusal", None) is None:
            return form
        return type(form.__name__, (_RefusedForm, form), {})

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)  # type: ignore[misc]
        except Refused as refusal:
            for reason in refusal.reasons:
                self.message_user(request, reason, messages.ERROR)  # type: ignore[attr-defined]
            return HttpResponseRedirect(request.path.rsplit("/delete/", 1)[0] + "/change/")

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)  # type: ignore[attr-defined]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)  # type: ignore[misc]
        if "delete_selected" in actions:
            _func, name, description = actions["delete_selected"]
            actions["delete_selected"] = (delete_selected_through_services, name, description)
        return actions

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Hand each change of an inline to its service (adds, then changes, then removals)."""
        inline: PartInline | None = getattr(formset, "inline", None)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if inline is None:
            if formset.has_changed():
                raise PermissionDenied  # an inline without services writes nothing
            return
        inline.dispatch(actor=request.user, parent=form.instance, formset=formset)


class PartInline(admin.TabularInline):
    """A part of a project, changed through its services by those who may change the project.

    Adds come first, then changes, then removals: replacing a city's only institution (add the
    new one, remove the old) then passes the rule that keeps both cities.
    """

    extra = 0
    # The service that creates or changes a part, and the one that removes it, with the keyword
    # that names the part; ``fields`` are passed by name.
    save_service: Callable[..., Any]
    remove_service: Callable[..., Any]
    part_as = ""

    def project_of(self, parent: Any) -> Any:
        return parent

    def context(self, parent: Any) -> dict[str, Any]:
        return {"project": self.project_of(parent)}

    def values(self, data: dict[str, Any]) -> dict[str, Any]:
        return {name: data.get(name) for name in self.fields or () if isinstance(name, str)}

    def add(self, *, actor: Any, parent: Any, data: dict[str, Any]) -> Any:
        return self.save_service(
            actor=actor, **self.context(parent), **{self.part_as: None}, **self.values(data)
        )

    def change(self, *, actor: Any, parent: Any, obj: Any, data: dict[str, Any]) -> Any:
        return self.save_service(
            actor=actor, **self.context(parent), **{self.part_as: obj}, **self.values(data)
        )

    def remove(self, *, actor: Any, parent: Any, obj: Any) -> None:
        self.remove_service(actor=actor, **self.context(parent), **{self.part_as: obj})

    def dispatch(self, *, actor: Any, parent: Any, formset: Any) -> None:
        label = str(capfirst(formset.model._meta.verbose_name_plural))
        deleted = [f for f in formset.initial_forms if f.cleaned_data.get("DELETE")]
        with refusals(label):
            for form in formset.extra_forms:
                if form.has_changed() and not form.cleaned_data.get("DELETE"):
                    saved = self.add(actor=actor, parent=parent, data=form.cleaned_data)
                    formset.new_objects.append(saved)
            for form in formset.initial_forms:
                if form not in deleted and form.has_changed():
                    saved = self.change(
                        actor=actor, parent=parent, obj=form.instance, data=form.cleaned_data
                    )
                    formset.changed_objects.append((saved, form.changed_data))
            for form in deleted:
                self.remove(actor=actor, parent=parent, obj=form.instance)
                formset.deleted_objects.append(form.instance)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.inline = self  # type: ignore[attr-defined]  # read by save_formset
        return formset

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        return can_change_project(request.user, self.project_of(obj) if obj else None)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)


class ReadOnlyHistoryMixin:
    """History is read in the admin, never reverted: a revert would bypass the services."""

    def has_change_history_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, *args, **kwargs)  # type: ignore[misc]
