"""Write CSV and XLSX cells that stay data: the portal's one guard against formula injection.

A coordinator or a partner system writes a project's title; an official exports it and opens
the file in a spreadsheet. A title such as ``=HYPERLINK("http://…","Open")`` or
``=cmd|' /C calc'!A0`` must arrive as text, not as a live formula. Following OWASP's
CSV-injection guidance:

* in CSV, a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return
  (or a NUL) is written with a leading apostrophe, which spreadsheets read as "this is text"
  (numbers, dates and other non-text values are left alone: they are never a formula);
* in XLSX, every text cell is a string cell (openpyxl would otherwise store a text starting
  with ``=`` as a formula); the text is kept as it is.

Every CSV and XLSX the portal writes goes through here: the admin's exports of projects and
applications, and the report files (``reports/writers.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# OWASP's list, and ASVS 5.0 requirement 1.2.10's NUL (which PostgreSQL never stores anyway).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")


def neutralise(value: Any) -> Any:
    """Return a CSV cell's value so that no spreadsheet reads it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class SafeCsvWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, handle: Any, **options: Any) -> None:
        import csv

        self._writer = csv.writer(handle, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        # Returns what the handle's write returned: the streaming exports write to an echo.
        return self._writer.writerow([neutralise(value) for value in row])


def csv_writer(handle: Any, **options: Any) -> SafeCsvWriter:
    """Return a CSV writer on the handle that writes no formula."""
    return SafeCsvWriter(handle, **options)


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """Return a write-only cell of the value; a text is a string cell, never a formula."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Return a row of write-only cells for ``sheet.append``, with no formula in it."""
    return [xlsx_cell(sheet, value) for value in values]
