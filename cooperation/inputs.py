"""Untrusted input that must not reach a query as it came: the portal's input guards.

PostgreSQL refuses NUL characters in text, Python's calendar refuses years beyond 9999 and
``int()`` accepts digits that ``str.isdigit()`` does not promise (``"²".isdigit()`` is true).
Each of those, sent in an address, a query or a form, used to end as a server error. Here they
end as a 400 in the person's language (problem details under ``/api/``), or as "no filter".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_problem(request: HttpRequest) -> str | None:
    """Say where the request carries a NUL character, or None."""
    query = request.META.get("QUERY_STRING", "")
    if (
        "\x00" in request.path
        or "\x00" in request.path_info
        or "\x00" in query
        or "%00" in query.lower()
    ):
        return _("NUL characters are not allowed in the address.")
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for key, values in request.POST.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return _("NUL characters are not allowed in a form.")
        for upload in request.FILES.values():
            if "\x00" in (getattr(upload, "name", "") or ""):
                return _("NUL characters are not allowed in a form.")
    return None


class InputGuardMiddleware:
    """Refuse NUL characters in the address, the query and form fields of every request.

    It runs after the language is chosen, so that the refusal is in the person's language,
    and before anything reads the data. A JSON body is the API's: its parser and serializers
    refuse NUL in a field (with the field named).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = _nul_problem(request)
        if problem:
            from cooperation.views import bad_request

            return bad_request(request, message=problem)
        return self.get_response(request)


def bounded_int(value: Any, *, minimum: int = 0, maximum: int = 2**63 - 1) -> int | None:
    """Return the query value as an int within the bounds, or None for anything else.

    Only ASCII digits count (``int()`` would read ``"٣"`` and refuse ``"²"``, both of which
    ``str.isdigit()`` accepts); the default maximum is PostgreSQL's largest bigint.
    """
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > 19:
        return None
    number = int(value)
    return number if minimum <= number <= maximum else None
