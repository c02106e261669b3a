"""Cursor pagination with a bounded page size: asking for more than the maximum is an error."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    ordering = "pk"

    @property
    def max_page_size(self) -> int:
        return int(settings.API_MAX_PAGE_SIZE)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                }
        return parameters

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> tuple[str, ...]:
        """The requested ordering, then the primary key, so that rows that tie on the first
        field (``?ordering=-start_date``) keep one order from page to page: the cursor counts
        its place among them, and neither repeats nor skips a row."""
        ordering = tuple(super().get_ordering(request, queryset, view))
        if not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering = (*ordering, "pk")
        return ordering

    def get_page_size(self, request: Any) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            raise ValidationError({"page_size": [_("Must be a whole number.")]}) from None
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [_("Must be between 1 and %(max)d.") % {"max": self.max_page_size}]}
            )
        return size
