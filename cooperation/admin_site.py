"""The admin site: signed in through allauth, and only after a second factor."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _

from cooperation.access import second_factor_redirect
from cooperation.accounts import passed_second_factor


class PortalAdminSite(admin.AdminSite):
    site_header = _("CDMX–BCN Cooperation Portal")
    site_title = _("CDMX–BCN administration")
    index_title = _("Programme administration")

    def has_permission(self, request: HttpRequest) -> bool:
        # Officials and administrators hold the programme's data: a stolen password alone
        # must not open it, so the session must also have passed TOTP or a recovery code.
        return super().has_permission(request) and passed_second_factor(request)

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
