"""List filters: refuse query parameters that no filter understands, and filter cheaply."""

from __future__ import annotations

from typing import Any

import django_filters
from django.template import loader
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.rest_framework import filterset as rest_filterset
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

ALWAYS_ALLOWED = {"cursor", "page_size", "format", "ordering", "search"}


def filter_names(view: Any) -> set[str]:
    """Return the query parameters the view's django-filter filters read."""
    names = set(getattr(view, "filterset_fields", None) or [])
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        names |= set(filterset_class.base_filters)
    return names


class RequestedFilterSet(django_filters.FilterSet):
    """A filter set that copies, builds into its form and validates only the filters a request
    uses, instead of every filter the class declares (bench/api.py measures filtered lists).

    The class keeps all its filters: the OpenAPI schema and the strict parameter check read them.
    """

    def __init__(self, data: Any = None, *args: Any, every: bool = False, **kwargs: Any) -> None:
        if data is not None and not every:
            declared: dict[str, Any] = type(self).base_filters  # type: ignore[has-type]
            self.base_filters = {name: spec for name, spec in declared.items() if name in data}
        super().__init__(data, *args, **kwargs)


class RequestedRestFilterSet(RequestedFilterSet, rest_filterset.FilterSet):
    """The same, with django-filter's REST framework defaults (views' ``filterset_fields``)."""


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, which builds no filter set for a request that filters nothing.

    A filter set copies its filters when it is made; an unfiltered page (the common call of a
    partner system walking a list) skips that work, a filtered one copies only its filters.
    """

    filterset_base = RequestedRestFilterSet

    def to_html(self, request: Any, queryset: Any, view: Any) -> Any:
        """The browsable API's form offers every filter, not only those of the address."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        if issubclass(filterset_class, RequestedFilterSet):
            kwargs["every"] = True
        template = loader.get_template(self.template)
        return template.render({"filter": filterset_class(**kwargs)}, request)

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        if filter_names(view).isdisjoint(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


class StrictQueryParamsBackend(BaseFilterBackend):
    """A typo in a filter name must not return the whole unfiltered list."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        allowed = ALWAYS_ALLOWED | filter_names(view)
        filterset_class = getattr(view, "filterset_class", None)
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
