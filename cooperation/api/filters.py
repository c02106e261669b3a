"""Refuse query parameters that no filter understands, instead of silently ignoring them."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

ALWAYS_ALLOWED = {"cursor", "page_size", "format", "ordering", "search"}


class StrictQueryParamsBackend(BaseFilterBackend):
    """A typo in a filter name must not return the whole unfiltered list."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        allowed = set(ALWAYS_ALLOWED)
        filterset_class = getattr(view, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        allowed |= set(getattr(view, "filterset_fields", None) or [])
        choice_filters = {
            name
            for name, spec in getattr(filterset_class, "base_filters", {}).items()
            if isinstance(spec, django_filters.ChoiceFilter)
        }
        empty = sorted(n for n in choice_filters if request.query_params.get(n, None) == "")
        if empty:
            raise ValidationError(
                {name: [_("Choose one of the values; do not leave it empty.")] for name in empty}
            )
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            raise ValidationError(
                {
                    name: [
                        _("Unknown parameter. Known: %(known)s.")
                        % {"known": ", ".join(sorted(allowed))}
                    ]
                    for name in unknown
                }
            )
        return queryset
