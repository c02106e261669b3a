"""Write a report's tables to CSV, XLSX or PDF, streaming rows from the database.

Each writer takes the tables, a header (title, parameters, notes) and a ``tick`` callback
called once per row, and writes to a path. CSV and XLSX keep memory flat whatever the number
of rows (csv module; openpyxl's write-only mode). PDF is for aggregated tables. No cell of a CSV
or an XLSX is ever a formula (``cooperation.spreadsheets``).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.formats import number_format as localised
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cooperation.spreadsheets import csv_writer, xlsx_cell, xlsx_row
from reports.kinds.base import Table

Tick = Callable[[], None]
Layout = Callable[[float], None]


@dataclass
class Header:
    title: str
    parameters: list[tuple[Any, str]]
    notes: list[str]
    generated_at: datetime.datetime


def _cell(value: Any) -> Any:
    if isinstance(value, Promise):  # a lazily translated label
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if value is None:
        return ""
    return value


def write_csv(
    tables: list[Table], header: Header, path: Path, tick: Tick, layout: Layout | None = None
) -> None:
    """A ZIP with one CSV per table and ``parameters.csv`` (UTF-8 with BOM for Excel).

    Even a report of one table is a ZIP: its parameters and notes travel with its figures.
    """

    def write_table(table: Table, handle: Any) -> None:
        writer = csv_writer(handle)
        writer.writerow([str(column.label) for column in table.columns])
        for row in table.rows():
            writer.writerow([_cell(value) for value in row])
            tick()

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            with archive.open(f"{table.code}.csv", "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                write_table(table, text)
                text.flush()
                text.detach()
        with archive.open("parameters.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            writer = csv_writer(text)
            writer.writerow([_("Report"), header.title])
            writer.writerow([_("Generated at"), header.generated_at.isoformat()])
            for label, value in header.parameters:
                writer.writerow([str(label), value])
            for note in header.notes:
                writer.writerow([_("Note"), note])
            text.flush()
            text.detach()


_NUMBER_FORMATS = {"int": "#,##0", "decimal": "#,##0.00", "percent": "0.0%", "date": "yyyy-mm-dd"}


def write_xlsx(
    tables: list[Table], header: Header, path: Path, tick: Tick, layout: Layout | None = None
) -> None:
    """One sheet per table with formatted numbers, plus a sheet with the parameters."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    about = workbook.create_sheet(title=_("Parameters")[:31])
    about.append(xlsx_row(about, [_("Report"), header.title]))
    about.append(xlsx_row(about, [_("Generated at"), header.generated_at.replace(tzinfo=None)]))
    for label, shown in header.parameters:
        about.append(xlsx_row(about, [str(label), _cell(shown)]))
    for note in header.notes:
        about.append(xlsx_row(about, [_("Note"), note]))
    for table in tables:
        sheet = workbook.create_sheet(title=str(table.title)[:31])
        sheet.freeze_panes = "A2"
        heading = []
        for column in table.columns:
            cell = xlsx_cell(sheet, str(column.label))
            cell.font = bold
            heading.append(cell)
        sheet.append(heading)
        formats = [_NUMBER_FORMATS.get(column.kind) for column in table.columns]
        for row in table.rows():
            cells = []
            for raw, number_format in zip(row, formats, strict=True):
                value = (
                    raw.replace(tzinfo=None)  # Excel has no time zones
                    if isinstance(raw, datetime.datetime) and raw.tzinfo is not None
                    else raw
                )
                cell = xlsx_cell(sheet, _cell(value))  # text is text, never a formula
                if number_format and isinstance(value, int | Decimal | float | datetime.date):
                    cell.number_format = number_format
                cells.append(cell)
            sheet.append(cells)
            tick()
    workbook.save(path)


def write_pdf(
    tables: list[Table], header: Header, path: Path, tick: Tick, layout: Layout | None = None
) -> None:
    """A readable document: title, parameters and notes, then a chart and a table per table.

    Laying the pages out is most of a PDF's time: ``layout`` hears the share of it done
    (reportlab's progress, per block placed), so the run's bar moves while it lasts.
    """
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    styles = getSampleStyleSheet()
    cell_style = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    page_size = landscape(A4)
    document = SimpleDocTemplate(
        str(path),
        pagesize=page_size,
        title=header.title,
        author="CDMX–BCN Cooperation Portal",
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.5 * cm,
        bottomMargin=1.5 * cm,
    )
    story: list[Any] = [
        Paragraph(header.title, styles["Title"]),
        Paragraph(
            _("Generated at %(time)s")
            % {"time": header.generated_at.strftime("%Y-%m-%d %H:%M %Z")},
            styles["Normal"],
        ),
    ]
    for label, value in header.parameters:
        story.append(
            Paragraph(f"<b>{_escape(str(label))}:</b> {_escape(str(value))}", styles["Normal"])
        )
    for note in header.notes:
        story.append(Paragraph(_escape(note), styles["Italic"]))
    width = page_size[0] - 3 * cm
    grid = TableStyle(
        [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#8a1538")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9d0d9")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f3f5f8")]),
        ]
    )
    for table in tables:
        story += [Spacer(1, 0.5 * cm), Paragraph(_escape(str(table.title)), styles["Heading2"])]
        rows = []
        for row in table.rows():
            rows.append(row)
            tick()
        if table.chart and rows:
            if table.chart.points is not None:
                totals = dict(table.chart.points())
            else:
                totals = _sum_per_label(
                    rows, table.position(table.chart.label), table.position(table.chart.value)
                )
            drawn = {label: value for label, value in totals.items() if value is not None}
            if drawn:
                story.append(Paragraph(_escape(str(table.chart.title)), styles["Heading3"]))
                story.append(_bar_chart(drawn, width, Drawing, HorizontalBarChart, colors))
        data = [[Paragraph(f"<b>{_escape(str(c.label))}</b>", cell_style) for c in table.columns]]
        for row in rows:
            data.append(
                [
                    Paragraph(_escape(_pdf_value(v, c.kind)), cell_style)
                    for v, c in zip(row, table.columns, strict=True)
                ]
            )
        if len(data) == 1:
            story.append(Paragraph(_("No data for these parameters."), styles["Normal"]))
            continue
        pdf_table = PdfTable(
            data, repeatRows=1, colWidths=[width / len(table.columns)] * len(table.columns)
        )
        pdf_table.setStyle(grid)
        story.append(pdf_table)
    if layout is not None:
        size = {"total": 1}

        def on_progress(kind: str, value: int) -> None:
            if kind == "SIZE_EST":
                size["total"] = max(int(value), 1)
            elif kind == "PROGRESS":
                layout(min(int(value) / size["total"], 1.0))

        document.setProgressCallBack(on_progress)
    document.build(story)
    if layout is not None:
        layout(1.0)


def _sum_per_label(
    rows: list[tuple[Any, ...]], label_at: int, value_at: int
) -> dict[str, float | None]:
    """Sum the value column per label, for a table whose rows do not overlap.

    A label with a hidden count (a text such as "<5") gets no bar: its sum is unknown.
    """
    totals: dict[str, float | None] = {}
    for row in rows:
        label, value = str(row[label_at]), row[value_at]
        if label in totals and totals[label] is None:
            continue
        if isinstance(value, str) or value is None:  # hidden, or no rate to convert
            totals[label] = None
        else:
            totals[label] = (totals.get(label) or 0.0) + float(value or 0)
    return totals


def _bar_chart(
    totals: dict[str, float], width: float, Drawing: Any, Chart: Any, colors: Any
) -> Any:
    """Draw one bar per label, with its value written after it (the first twenty labels).

    Long labels wrap onto several lines instead of running off the page.
    """
    import textwrap

    labels = list(totals)[:20]
    wrapped = ["\n".join(textwrap.wrap(label, 38)) or label for label in labels]
    lines = max((w.count("\n") + 1 for w in wrapped), default=1)
    step = max(18, 9 * lines + 6)
    height = 30 + step * len(labels)
    drawing = Drawing(width, height)
    bars = Chart()
    bars.x, bars.y = 200, 15
    bars.width, bars.height = width - 260, height - 30
    # reportlab draws the first category at the bottom: reverse, to read top to bottom.
    bars.data = [[totals[label] for label in reversed(labels)]]
    bars.categoryAxis.categoryNames = list(reversed(wrapped))
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.leading = 8
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labelTextFormat = lambda v: localised(v, 0, use_l10n=True)
    bars.barLabelFormat = lambda v: localised(v, 0, use_l10n=True, force_grouping=True)
    bars.barLabels.fontSize = 7
    bars.barLabels.boxAnchor = "w"
    bars.barLabels.dx = 3
    bars.bars[0].fillColor = colors.HexColor("#0b4f9c")
    drawing.add(bars)
    return drawing


def _pdf_value(value: Any, kind: str) -> str:
    """Show a value in the report's language (the run's translation is active)."""
    if isinstance(value, bool) or value is None:
        return str(_cell(value))
    if kind == "int" and isinstance(value, int):
        return localised(value, 0, use_l10n=True, force_grouping=True)
    if kind == "decimal" and isinstance(value, Decimal | float | int):
        return localised(value, 2, use_l10n=True, force_grouping=True)
    if kind == "percent" and isinstance(value, Decimal | float | int):
        # Spanish and Catalan put a space before the sign; English does not.
        sign = "%" if (get_language() or "").startswith("en") else "\u00a0%"
        return localised(Decimal(str(value)) * 100, 1, use_l10n=True) + sign
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT", use_l10n=True)
    if isinstance(value, datetime.date):
        return date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)
    return str(value)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "pdf": write_pdf}


def extension(fmt: str, tables: int) -> str:
    return "zip" if fmt == "csv" else fmt
