"""One rule for staff: an official's or an administrator's powers need the second factor.

A password can be phished or guessed; the programme's data (applicants' documents, report
files, private projects, decisions) must not open with it alone. The rule is kept in two
places that cannot disagree, because both read ``passed_second_factor``:

* ``SecondFactorMiddleware`` tells the request's user whether its session passed the second
  factor; the role functions of ``cooperation.roles`` grant an official's or an
  administrator's powers only then. Every permission helper (``can_view_application``,
  ``can_use_reports``, ``JointProject.objects.visible_to``…) builds on them, so none can
  forget it, in the portal, the admin or the API.
* ``sign_in_required`` wraps every portal page that needs a signed-in person: it sends an
  official or administrator without the second factor to enrol a TOTP device or to enter the
  code, instead of showing them the page as if they were nobody. ``tests/security/
  test_second_factor.py`` walks every URL pattern and fails on a page without it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, TypeVar, cast

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode

from cooperation.accounts import has_totp, passed_second_factor
from cooperation.roles import SECOND_FACTOR_ATTRIBUTE, has_staff_role


class SecondFactorMiddleware:
    """Mark the request's user with whether this session passed the second factor.

    It comes right after Django's AuthenticationMiddleware and, like it, loads the user only
    when something reads ``request.user``; reading the mark costs no query (the session holds
    allauth's record of how this session signed in).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        request.user = SimpleLazyObject(lambda: _marked_user(request))  # type: ignore[assignment]
        # An async view reads the user with ``await request.auser()``: marked the same way.
        request.auser = partial(sync_to_async(_marked_user), request)
        return self.get_response(request)


def _marked_user(request: HttpRequest) -> Any:
    cached = getattr(request, "_cached_user", None)
    user = cached if cached is not None else get_user(request)
    request._cached_user = user  # type: ignore[attr-defined]  # as AuthenticationMiddleware
    if user.is_authenticated:
        # The session's own record, whatever was marked on this object before.
        setattr(user, SECOND_FACTOR_ATTRIBUTE, passed_second_factor(request, user))
    return user


def needs_second_factor(request: HttpRequest) -> bool:
    """Tell whether the request's user holds a staff role this session has not unlocked."""
    return has_staff_role(request.user) and not passed_second_factor(request)


def second_factor_redirect(request: HttpRequest, next_url: str | None = None) -> HttpResponse:
    """Send a staff member to enrol a TOTP device, or to enter its code, then back."""
    query = urlencode({"next": next_url or request.get_full_path()})
    step = "mfa_activate_totp" if not has_totp(request.user) else "mfa_reauthenticate"
    return HttpResponseRedirect(f"{reverse(step)}?{query}")


View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def sign_in_required(view: View) -> View:
    """Require a signed-in person and, for officials and administrators, the second factor."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if needs_second_factor(request):
            return second_factor_redirect(request)
        return view(request, *args, **kwargs)

    wrapped.requires_second_factor = True  # type: ignore[attr-defined]  # read by the URL guard
    return cast(View, wrapped)
