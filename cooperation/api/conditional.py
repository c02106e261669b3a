"""ETags on reads and If-Match on writes, so that a stale update gets 412 instead of winning."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.http import parse_etags, quote_etag
from rest_framework.response import Response

from cooperation.api.problems import PreconditionFailed, PreconditionRequired


def representation_etag(data: Any) -> str:
    """Return a strong ETag of a resource's representation (its JSON, keys sorted)."""
    canonical = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, separators=(",", ":"))
    return quote_etag(hashlib.sha256(canonical.encode()).hexdigest()[:32])


class ConditionalMixin:
    """For retrieve, update and destroy of a ModelViewSet.

    GET answers with an ETag (Django's ConditionalGetMiddleware then answers If-None-Match
    with 304); PUT, PATCH and DELETE require If-Match with the current ETag, checked under a
    row lock so that two clients cannot both win with the same ETag.
    """

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        data = self.get_serializer(instance).data  # type: ignore[attr-defined]
        return Response(data, headers={"ETag": representation_etag(data)})

    def check_if_match(self, instance: Any) -> None:
        header = self.request.headers.get("If-Match")  # type: ignore[attr-defined]
        if not header:
            raise PreconditionRequired
        current = representation_etag(self.get_serializer(instance).data)  # type: ignore[attr-defined]
        etags = parse_etags(header)
        if "*" not in etags and current not in etags:
            raise PreconditionFailed

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if request.method in ("PUT", "PATCH") and response.status_code == 200:
            response["ETag"] = representation_etag(response.data)
        return response
