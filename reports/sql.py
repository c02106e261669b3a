"""Run a report's aggregation in PostgreSQL and hand its rows over, streaming when large.

A report's statements read through server-side cursors, a chunk at a time; after each chunk
``on_chunk`` (set by the report's run) checks that the run is still this worker's.

Rows come back as mappings from each column's name in the statement (``SELECT … AS name``)
to its value, never as positions: a statement whose columns a list of choices generates
(a count per currency, per gender…) can grow without moving any other value. Two columns
with the same name, or one without any (``?column?``), are refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from typing import Any

from django.db import connections
from django.db.models import Model

CHUNK = 2000
Row = dict[str, Any]
_chunk_hook: ContextVar[Callable[[], None] | None] = ContextVar("report_chunk_hook", default=None)


@contextlib.contextmanager
def on_chunk(hook: Callable[[], None]) -> Iterator[None]:
    """Call ``hook`` after each chunk of rows that a report's statements fetch in this block."""
    token = _chunk_hook.set(hook)
    try:
        yield
    finally:
        _chunk_hook.reset(token)


def column_names(description: Sequence[Any] | None) -> list[str]:
    """Return the names of a statement's columns; refuse a nameless or a repeated one."""
    names = [str(column[0]) for column in description or ()]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated or "?column?" in names:
        raise ValueError(
            "Each column of a report's statement needs a name of its own (SELECT … AS name): "
            f"{', '.join(repeated or ['?column?'])} in {names}"
        )
    return names


def _chunked(using: str, sql: str, params: Sequence[Any] | dict[str, Any]) -> Iterator[list[Row]]:
    connection = connections[using]
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        cursor = connection.cursor()
    else:
        cursor = connection.chunked_cursor()
    hook = _chunk_hook.get()
    with cursor:
        cursor.execute(sql, params)
        names: list[str] | None = None
        # A server-side cursor describes its columns only once it has fetched.
        while rows := cursor.fetchmany(CHUNK):
            if names is None:
                names = column_names(cursor.description)
            if hook is not None:
                hook()
            yield [dict(zip(names, row, strict=True)) for row in rows]


def table(model: type[Model]) -> str:
    """Return the quoted table name of a model, for the reports' SQL."""
    return connections["default"].ops.quote_name(model._meta.db_table)


def alias(name: str) -> str:
    """Quote a column name that a statement takes from data (a choice's code) for ``AS``."""
    return connections["default"].ops.quote_name(name)


def fetch_all(using: str, sql: str, params: Sequence[Any] | dict[str, Any]) -> list[Row]:
    """Return every row of an aggregation: its size is bounded by its groups, not by the data."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        names = column_names(cursor.description)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def stream(using: str, sql: str, params: Sequence[Any] | dict[str, Any]) -> Iterator[Row]:
    """Yield the rows of a long listing from a server-side cursor, a few thousand at a time."""
    for rows in _chunked(using, sql, params):
        yield from rows


class Cached:
    """An aggregation run once, on first use, for both its row count and its rows."""

    def __init__(self, using: str, sql: str, params: Sequence[Any] | dict[str, Any]) -> None:
        self.using, self.sql, self.params = using, sql, params
        self._rows: list[Row] | None = None

    @property
    def rows(self) -> list[Row]:
        if self._rows is None:
            self._rows = [
                row for rows in _chunked(self.using, self.sql, self.params) for row in rows
            ]
        return self._rows

    def count(self) -> int:
        return len(self.rows)
