"""Errors of the API as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

PROBLEM_TYPE_BASE = "https://cdmx-bcn.example/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem(
    status_code: int,
    detail: str,
    *,
    code: str | None = None,
    instance: str = "",
    errors: Any = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_BASE}{code}" if code else "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return body


def _detail(data: Any) -> str:
    if isinstance(data, dict) and "detail" in data:
        return str(data["detail"])
    if isinstance(data, list) and data:
        return " ".join(str(item) for item in data)
    return _("The request has invalid fields; see errors.")


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn every API error into a problem document, keeping DRF's headers (Retry-After…)."""
    if isinstance(exc, ValidationError) and not isinstance(exc, exceptions.ValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    code = None
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else getattr(exc, "default_code", None)
    errors = response.data if isinstance(exc, exceptions.ValidationError) else None
    detail = (
        _("The request has invalid fields; see errors.")
        if errors is not None and not isinstance(errors, list)
        else _detail(response.data)
    )
    response.data = problem(
        response.status_code,
        detail,
        code=code,
        instance=request.get_full_path() if request is not None else "",
        errors=errors,
    )
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or getattr(renderer, "format", "json") == "json":
        response.content_type = PROBLEM_CONTENT_TYPE
    return response


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource has changed since you read it: fetch it again, then retry."
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = "This update needs an If-Match header with the ETag you read."
    default_code = "precondition_required"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


def api_error(request: HttpRequest, status_code: int, detail: str) -> HttpResponse:
    """Answer with a problem document outside DRF (middleware, error handlers)."""
    return JsonResponse(
        problem(status_code, detail, instance=request.get_full_path()),
        status=status_code,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return api_error(request, 404, _("There is nothing at this address."))


def api_server_error(request: HttpRequest) -> HttpResponse:
    return api_error(request, 500, _("The server failed; the error was logged."))


def api_unavailable(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        problem(
            503,
            _(
                "The portal cannot reach its database or its queue right now; "
                "retry after the seconds in Retry-After."
            ),
            code="unavailable",
            instance=request.get_full_path(),
        ),
        status=503,
        content_type=PROBLEM_CONTENT_TYPE,
    )
