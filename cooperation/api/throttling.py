"""Per-client request rates: each OAuth2 client (or signed-in person) has its own budget."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class PerClientThrottle(SimpleRateThrottle):
    scope = "client"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = getattr(request, "auth", None)
        application_id = getattr(token, "application_id", None)
        if application_id is not None:
            ident = f"app-{application_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"ip-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
