"""The admin site: signed in through allauth, and only after a second factor."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from cooperation.access import second_factor_redirect
from cooperation.accounts import passed_second_factor

ViewType = TypeVar("ViewType", bound=Callable[..., HttpResponseBase])


class PortalAdminSite(admin.AdminSite):
    site_header = _("CDMX–BCN Cooperation Portal")
    site_title = _("CDMX–BCN administration")
    index_title = _("Programme administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # Officials and administrators hold the programme's data: a stolen password alone
        # must not open it, so the session must also have passed TOTP or a recovery code.
        return super().has_permission(request) and passed_second_factor(request)

    def admin_view(self, view: ViewType, cacheable: bool = False) -> ViewType:
        """Every admin page, guarded; a number too large for a date is the client's error.

        Django's admin reads a list's date filter (``?created_at__year=…``) with ``datetime``,
        which raises OverflowError for a year of twenty digits: a 400, not a server error; and
        some pages (django-simple-history's) look an object up by a key that is not one.
        """
        guarded = super().admin_view(view, cacheable)
        # The model of a ModelAdmin's page, whose address names an object by its key.
        model = getattr(getattr(view, "__self__", None), "model", None)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if model is not None and "object_id" in kwargs:
                # A key that is not one (``/history/`` of "<script>") names nothing: 404, as
                # Django's own change page answers, rather than a query that fails.
                try:
                    model._meta.pk.to_python(unquote(kwargs["object_id"]))
                except ValidationError:
                    raise Http404 from None
            try:
                return guarded(request, *args, **kwargs)
            except OverflowError:
                from cooperation.views import bad_request

                return bad_request(request, message=str(_("A number in the request is too large.")))

        return cast(ViewType, update_wrapper(inner, guarded))

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Send people to the portal's sign-in, then through the second factor."""
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = ""
        next_url = next_url or reverse("admin:index", current_app=self.name)
        user = request.user
        if not user.is_authenticated:
            login_url = resolve_url(settings.LOGIN_URL)
            return HttpResponseRedirect(f"{login_url}?{urlencode({'next': next_url})}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        if not passed_second_factor(request):
            return second_factor_redirect(request, next_url)
        return HttpResponseRedirect(next_url)
