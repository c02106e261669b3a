"""Run a report's aggregation in PostgreSQL and hand its rows over, streaming when large."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connections
from django.db.models import Model


def table(model: type[Model]) -> str:
    """Return the quoted table name of a model, for the reports' SQL."""
    return connections["default"].ops.quote_name(model._meta.db_table)


def fetch_all(
    using: str, sql: str, params: Sequence[Any] | dict[str, Any]
) -> list[tuple[Any, ...]]:
    """Return every row of an aggregation: its size is bounded by its groups, not by the data."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def stream(
    using: str, sql: str, params: Sequence[Any] | dict[str, Any]
) -> Iterator[tuple[Any, ...]]:
    """Yield the rows of a long listing from a server-side cursor, a few thousand at a time."""
    connection = connections[using]
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        cursor = connection.cursor()
    else:
        cursor = connection.chunked_cursor()
    with cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            yield from rows


class Cached:
    """An aggregation run once, on first use, for both its row count and its rows."""

    def __init__(self, using: str, sql: str, params: Sequence[Any] | dict[str, Any]) -> None:
        self.using, self.sql, self.params = using, sql, params
        self._rows: list[tuple[Any, ...]] | None = None

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        if self._rows is None:
            self._rows = fetch_all(self.using, self.sql, self.params)
        return self._rows

    def count(self) -> int:
        return len(self.rows)
