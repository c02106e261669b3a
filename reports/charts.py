"""The dashboard's charts: a table of figures and its bars, drawn as inline SVG on the server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reports.kinds.common import NONE

BAR_COLOUR = "#0b4f9c"  # the portal's link blue: 7.6:1 on white
INK = "#1b1f24"


@dataclass
class Chart:
    id: str
    title: str
    columns: list[str]  # the first labels the rows
    rows: list[tuple[str, list[str]]]
    bars: list[tuple[str, float, str]]  # label, value, value as shown
    notes: list[str] = field(default_factory=list)
    period: str = ""

    @property
    def svg(self) -> SafeString:
        return bar_chart(self.id, self.title, self.bars)


def _number(value: Any, decimals: int = 0) -> str:
    if value is None:
        return NONE
    if isinstance(value, str):
        return value
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def bar_chart(chart_id: str, title: str, bars: list[tuple[str, float, str]]) -> SafeString:
    """Draw horizontal bars as SVG: labels on the left, the value shown after each bar."""
    width, label_width, value_width, bar_height, gap = 640, 230, 110, 22, 10
    plot = width - label_width - value_width
    top = max((value for _label, value, _shown in bars), default=0) or 1
    height = max(len(bars), 1) * (bar_height + gap) + gap
    marks = []
    for index, (label, value, shown) in enumerate(bars):
        y = gap + index * (bar_height + gap)
        length = max(plot * value / top, 0)
        short = label if len(label) <= 32 else label[:31] + "…"
        marks.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" fill="{}" font-size="13">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" fill="{}" font-size="13">{}</text>',
                label_width - 8,
                y + bar_height * 0.7,
                INK,
                short,
                label_width,
                y,
                f"{length:.1f}",
                bar_height,
                BAR_COLOUR,
                label,
                shown,
                label_width + length + 6,
                y + bar_height * 0.7,
                INK,
                shown,
            )
        )
    return format_html(
        '<svg class="dashboard-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" '
        'role="img" aria-labelledby="{}-svg-title"><title id="{}-svg-title">{}</title>{}</svg>',
        width,
        height,
        chart_id,
        chart_id,
        _("Chart: %(title)s. The table beside it gives the same figures.") % {"title": title},
        format_html_join("", "{}", ((mark,) for mark in marks)),
    )
