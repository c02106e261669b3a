"""Report tables name every value: rows are read by column name, never by position."""

from __future__ import annotations

import pytest
from django.db import connection

from reports import sql
from reports.kinds.base import Chart, Column, Table

pytestmark = pytest.mark.django_db


def test_statements_give_rows_by_column_name():
    rows = sql.fetch_all("default", "SELECT 2 AS second, 1 AS first", [])
    assert rows == [{"second": 2, "first": 1}]
    assert list(sql.stream("default", "SELECT 'a' AS code, 3 AS n", [])) == [{"code": "a", "n": 3}]
    assert sql.Cached("default", "SELECT 1 AS one", []).rows == [{"one": 1}]


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT 1",  # PostgreSQL calls it ?column?
        "SELECT 1 AS n, 2 AS n",
        "SELECT COUNT(*), COUNT(*) FROM (VALUES (1)) v",  # both are called "count"
    ],
)
def test_a_statement_with_an_unnamed_or_repeated_column_is_refused(statement):
    with pytest.raises(ValueError, match="needs a name of its own"):
        sql.fetch_all("default", statement, [])
    with pytest.raises(ValueError, match="needs a name of its own"):
        list(sql.stream("default", statement, []))


def test_a_named_table_puts_each_value_under_its_own_header_whatever_the_order():
    table = Table.named(
        code="t",
        title="t",
        columns=[Column("city", "City"), Column("total", "Total", "int")],
        rows=lambda: iter([{"total": 7, "ignored": "x", "city": "BCN"}]),
        count=lambda: 1,
        chart=Chart(label="city", value="total"),
    )
    assert list(table.rows()) == [("BCN", 7)]
    assert (table.position("city"), table.position("total")) == (0, 1)


def test_a_row_without_a_columns_value_fails_instead_of_shifting_the_others():
    table = Table.named(
        code="t",
        title="t",
        columns=[Column("a", "A"), Column("b", "B"), Column("c", "C")],
        rows=lambda: iter([{"a": 1, "c": 3}]),
        count=lambda: 1,
    )
    with pytest.raises(KeyError, match="b"):
        list(table.rows())


def test_a_table_refuses_repeated_keys_and_a_chart_on_a_missing_column():
    with pytest.raises(ValueError, match="share a key"):
        Table("t", "t", [Column("a", "A"), Column("a", "A again")], lambda: iter([]), lambda: 0)
    with pytest.raises(ValueError, match="does not have"):
        Table(
            "t",
            "t",
            [Column("a", "A")],
            lambda: iter([]),
            lambda: 0,
            chart=Chart(label="a", value="z"),
        )


def test_a_choice_code_is_quoted_as_a_column_name():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 AS {sql.alias('gender_non-binary')}")
        assert sql.column_names(cursor.description) == ["gender_non-binary"]
