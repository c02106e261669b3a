"""OAuth2 bearer tokens of partner clients act as the client's account."""

from __future__ import annotations

from typing import Any

from oauth2_provider.contrib.rest_framework import OAuth2Authentication


class PartnerOAuth2Authentication(OAuth2Authentication):
    """A client-credentials token has no user; the request acts as the client's account.

    The account is a coordinator of the client's institution, so the services check a partner
    system's rights exactly as they check a person's.
    """

    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if user is None:
            partner = getattr(token.application, "partner", None)
            if partner is None or not partner.is_active or not partner.account.is_active:
                return None
            user = partner.account
        return user, token
