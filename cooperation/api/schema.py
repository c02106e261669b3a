"""OpenAPI: every operation documents its problem-details errors, so clients can rely on them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.contrib.django_oauth_toolkit import DjangoOAuthToolkitScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

ProblemSerializer = inline_serializer(
    name="Problem",
    fields={
        "type": serializers.CharField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "instance": serializers.CharField(required=False),
        "errors": serializers.JSONField(required=False),
    },
)


class PartnerOAuth2Scheme(DjangoOAuthToolkitScheme):
    """Document the partner clients' bearer tokens: the client-credentials flow, its token
    URL and scopes (SPECTACULAR_SETTINGS), and on each operation the scope it needs."""

    target_class = "cooperation.api.authentication.PartnerOAuth2Authentication"

    def get_security_requirement(self, auto_schema: Any) -> Any:
        # ApiAccess reads the view's read_scope or write_scope for the method.
        safe = auto_schema.method.upper() in ("GET", "HEAD", "OPTIONS")
        scope = getattr(auto_schema.view, "read_scope" if safe else "write_scope", None)
        return {self.name: [scope]} if scope else None


_COMMON = {
    "401": "Missing, expired or revoked credentials.",
    "403": "The credentials do not allow this call (scope or role).",
    "406": "The Accept header asks for a format the API does not produce.",
    "429": "Too many requests for this client; see Retry-After.",
}
_BY_METHOD = {
    "GET": {"400": "Unknown or malformed query parameters.", "404": "No such resource."},
    "POST": {
        "400": "Malformed JSON or invalid fields.",
        "409": "The Idempotency-Key was used for another request, or is still running.",
        "415": "The body is not JSON.",
    },
    "PUT": {
        "400": "Malformed JSON or invalid fields.",
        "404": "No such resource.",
        "412": "If-Match does not match the current ETag.",
        "415": "The body is not JSON.",
        "428": "If-Match is required.",
    },
    "DELETE": {
        "404": "No such resource.",
        "412": "If-Match does not match the current ETag.",
        "428": "If-Match is required.",
    },
}
_BY_METHOD["PATCH"] = _BY_METHOD["PUT"]


class ProblemAutoSchema(AutoSchema):
    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            # NUL characters are refused in every address (cooperation.inputs): say so.
            if (
                parameter.get("in") == "query"
                and schema.get("type") == "string"
                and "enum" not in schema
                and "pattern" not in schema
            ):
                schema["pattern"] = "^[^\\x00]*$"
        return parameters

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        method = self.method.upper()
        if hasattr(self.view, "check_if_match") and method in {"PUT", "PATCH", "DELETE"}:
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    required=True,
                    description="The ETag of the representation you read (or *).",
                )
            )
        if method == "POST" and hasattr(self.view, "IDEMPOTENT_CREATE"):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                    OpenApiParameter.HEADER,
                    required=False,
                    description="Any unique string (a UUID): a retry with the same key "
                    "returns the first answer and creates nothing.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        errors = {**_COMMON, **_BY_METHOD.get(method, {})}
        if (
            method == "GET"
            and not self._is_list_view()
            and not getattr(self.view, "validates_query", False)
        ):
            errors.pop("400", None)
            errors["304"] = ""
        if "{" in self.path:
            errors.setdefault("404", "No such resource.")
        if method == "GET" and self._is_list_view():
            errors["404"] = "No such resource, or a cursor that this API did not give."
        for code, description in errors.items():
            if code in responses:
                continue
            if code == "304":
                responses[code] = {"description": "Not modified (If-None-Match matched the ETag)."}
                continue
            responses[code] = self._get_response_for_code(
                OpenApiResponse(response=ProblemSerializer, description=description),
                code,
                direction=direction,
            )
            content = responses[code].get("content", {})
            if "application/json" in content:
                content["application/problem+json"] = content.pop("application/json")
        return responses
