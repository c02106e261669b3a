"""Who may call an endpoint: OAuth2 clients by scope, signed-in people by role."""

from __future__ import annotations

from typing import Any

from oauth2_provider.models import AbstractAccessToken
from rest_framework.permissions import SAFE_METHODS, BasePermission

from cooperation.access import needs_second_factor


def partner_of(request: Any) -> Any:
    """Return the partner profile behind the request's OAuth2 token, or None."""
    token = getattr(request, "auth", None)
    if isinstance(token, AbstractAccessToken) and token.application_id:
        return getattr(token.application, "partner", None)
    return None


ANONYMOUS_ACTIONS = frozenset({"list", "retrieve"})


def anonymous_may_read(request: Any, view: Any) -> bool:
    """Whether a caller with no credential at all may read this view (``anonymous_read``)."""
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return bool(getattr(view, "anonymous_read", False)) and (
        getattr(view, "action", None) in ANONYMOUS_ACTIONS
    )


class ApiAccess(BasePermission):
    """OAuth2 tokens need the view's scope for the method; people need to be signed in.

    A view names ``read_scope`` and ``write_scope``; people may write only where the view's
    ``user_may_write(user)`` says so (their role's rights, as in the portal and the admin).
    Officials and administrators, as in the admin, only after a second factor.
    """

    message = "Your credentials do not allow this call."

    def has_permission(self, request: Any, view: Any) -> bool:
        method = request.method.lower()
        if method not in view.http_method_names or not hasattr(view, method):
            return True  # let the view answer 405 Method Not Allowed
        safe = request.method in SAFE_METHODS
        token = getattr(request, "auth", None)
        if isinstance(token, AbstractAccessToken):
            # A view that names no scope is closed to tokens (not a server error).
            scope = getattr(view, "read_scope" if safe else "write_scope", None)
            partner = partner_of(request)
            return bool(
                scope and partner is not None and partner.is_active and token.is_valid([scope])
            )
        user = request.user
        if not (user and user.is_authenticated):
            # The non-personal reference data and public projects are open data: read without
            # any credential (a bad token is still refused, 401), rate-limited per address.
            return safe and anonymous_may_read(request, view)
        if getattr(view, "partners_only", False):
            return False
        if needs_second_factor(request._request):
            # As in the admin: a stolen password alone must not open the programme's data.
            return False
        return safe or bool(getattr(view, "user_may_write", lambda u: False)(user))
