"""An area's indicator table as self-contained HTML, stored in the atlas GeoPackage.

A print layout label in HTML mode shows it through an atlas expression, so the table
renders the same in a QGIS without the plugin. Plain inline styles only: the HTML goes
through QGIS's web view, and nothing may be fetched at render time.

The font size is chosen so that the whole table fits the layout item: the web view
does not grow the item, it cuts what does not fit. Better and worse are written out
beside the colour, so the table reads the same in grey.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from .atlas_indicators import PERCENT_UNITS, IndicatorRow, format_value

FONT = "'DejaVu Sans', 'Segoe UI', Arial, sans-serif"
HEADER_COLOUR = "#1d4f5c"
#: (background, text) of the difference cell: blue for better, red for worse (ColorBrewer RdBu).
VERDICT_COLOURS = {"better": ("#d1e5f0", "#174f7c"), "worse": ("#fbdcc9", "#8e1b1b"), "same": ("", "#444444")}
#: One html px in a layout label is 0.24 mm (QGIS maps 72 px to the layout's 300 dpi); a CSS point is 4/3 px,
#: so label sizes are in these slightly small points (0.32 mm, against 0.353 mm for a printed point).
PX_MM = 72 / 300
_POINT_MM = 4 / 3 * PX_MM
_LINE = 1.25  # line height, in font sizes
_CHAR = 0.6  # average glyph width of DejaVu Sans, in font sizes (bold and digits are wider than the mean)
_SMALL = 0.8  # the note under a label, relative to the font
_PAD_X, _PAD_Y = 1.2, 0.7  # cell padding (mm)
_LABEL_SHARE = 0.4  # the indicator column's share of the table width


def _lines(text: str, width_mm: float, font_mm: float) -> int:
    """Lines a text wraps to in a column (a word-wrapping estimate, a little pessimistic)."""
    per_line = max(1, int((width_mm - 2 * _PAD_X) / (_CHAR * font_mm)))
    lines, used = 1, 0
    for word in text.split():
        if used and used + 1 + len(word) > per_line:
            lines, used = lines + 1, 0
        used += len(word) + (1 if used else 0)
        lines += max(0, math.ceil(len(word) / per_line) - 1)
    return lines


def _table_height(rows: Sequence[tuple[str, str]], headers: Sequence[str], width_mm: float, font_pt: float) -> float:
    """Estimated height (mm) of a table whose rows are (label, note) at ``font_pt``."""
    font = font_pt * _POINT_MM
    label_width = width_mm * _LABEL_SHARE
    other_width = width_mm * (1 - _LABEL_SHARE) / max(len(headers) - 1, 1)
    header_lines = max(
        _lines(text, label_width if index == 0 else other_width, font) for index, text in enumerate(headers)
    )
    height = header_lines * _LINE * font + 2 * _PAD_Y
    for label, note in rows:
        height += _lines(label, label_width, font) * _LINE * font + 2 * _PAD_Y + 0.3
        if note:
            height += _lines(note, label_width, font * _SMALL) * _LINE * font * _SMALL
    return height


def table_font_size(
    rows: Sequence[tuple[str, str]],
    headers: Sequence[str],
    width_mm: float,
    height_mm: float,
    largest_pt: float = 9.5,
    smallest_pt: float = 5.5,
) -> float:
    """The largest font size (pt, in quarter points) at which the table fits ``width_mm`` x ``height_mm``."""
    size = largest_pt
    while size > smallest_pt and _table_height(rows, headers, width_mm, size) > height_mm:
        size -= 0.25
    return max(size, smallest_pt)


def _headers(area_name: str, district_name: str, show_england: bool) -> list[str]:
    headers = ["Indicator", area_name, district_name]
    if show_england:
        headers.append("England")
    return [*headers, f"Difference from {district_name}"]


def _note(row: IndicatorRow) -> str:
    """Unit, period and polarity under the label; percentages show their sign on the number instead."""
    indicator = row.indicator
    unit = "" if indicator.unit.strip().lower() in PERCENT_UNITS else indicator.unit.strip()
    return " \u00b7 ".join(part for part in (unit, indicator.period, indicator.polarity) if part)


def table_fits(
    rows: Sequence[IndicatorRow],
    area_name: str,
    district_name: str,
    show_england: bool,
    size_mm: tuple[float, float],
    scale: float = 1.0,
) -> bool:
    """False when even the smallest font overflows the item (too many indicators for the page)."""
    labels = [(row.indicator.label, _note(row)) for row in rows]
    headers = _headers(area_name, district_name, show_england)
    width, height = size_mm[0] / scale, size_mm[1] / scale
    return _table_height(labels, headers, width, table_font_size(labels, headers, width, height)) <= height


def indicator_table_html(
    rows: Sequence[IndicatorRow],
    area_name: str,
    district_name: str = "District",
    show_england: bool = True,
    size_mm: tuple[float, float] = (190.0, 50.0),
    scale: float = 1.0,
) -> str:
    """The table of one area: indicator, area value, district value, England value, difference from the district.

    ``scale`` enlarges everything (an A3 page is an A4 page times 1.414): the table is laid
    out for the item's size divided by ``scale``, then zoomed.
    """
    headers = _headers(area_name, district_name, show_england)
    labels = [(row.indicator.label, _note(row)) for row in rows]
    font_pt = table_font_size(labels, headers, size_mm[0] / scale, size_mm[1] / scale)
    small = round(font_pt * _SMALL, 2)
    padding = f"padding:{_PAD_Y / PX_MM:.0f}px {_PAD_X / PX_MM:.0f}px;vertical-align:top"
    number = f"{padding};text-align:right"
    share = 100 * (1 - _LABEL_SHARE) / (len(headers) - 1)
    heads = [f'<th style="{padding};text-align:left;width:{100 * _LABEL_SHARE:.0f}%">{escape(headers[0])}</th>']
    heads += [f'<th style="{number};width:{share:.0f}%">{escape(text)}</th>' for text in headers[1:]]
    text_style = f"font-family:{FONT};font-size:{font_pt}pt;color:#222222"
    lines = [
        f'<div style="{text_style};margin:0;zoom:{scale:g}">',
        # Without a doctype the web view is in quirks mode, where tables do not inherit the font: set it again.
        f'<table style="width:100%;border-collapse:collapse;{text_style}">',
        f'<tr style="background:{HEADER_COLOUR};color:#ffffff;font-weight:bold">{"".join(heads)}</tr>',
    ]
    values = f"{number};white-space:nowrap"
    for index, (row, (label, note)) in enumerate(zip(rows, labels)):
        indicator, decimals = row.indicator, row.decimals
        background = "#f3f6f7" if index % 2 else "#ffffff"
        under = f'<br><span style="font-size:{small}pt;color:#5f6b70">{escape(note)}</span>' if note else ""
        cells = [
            f'<td style="{padding}">{escape(label)}{under}</td>',
            f'<td style="{values};font-weight:bold">{format_value(row.value, decimals, indicator.unit)}</td>',
            f'<td style="{values}">{format_value(row.district, decimals, indicator.unit)}</td>',
        ]
        if show_england:
            cells.append(f'<td style="{values}">{format_value(row.england, decimals, indicator.unit)}</td>')
        cells.append(_difference_cell(row, values))
        lines.append(f'<tr style="background:{background};border-bottom:1px solid #d5dcdf">{"".join(cells)}</tr>')
    lines += ["</table>", "</div>"]
    return "\n".join(lines)


def _difference_cell(row: IndicatorRow, style: str) -> str:
    """'+1.23 worse' on a red ground, '-0.50 better' on blue, '+1.23' alone when the polarity is unknown."""
    text = format_value(row.difference, row.decimals, row.indicator.unit, signed=True)
    verdict = row.verdict
    if verdict == "same":
        text = "same"
    elif verdict:
        text = f"{text} {verdict}"
    background, colour = VERDICT_COLOURS.get(verdict, ("", "#5f6b70"))
    ground = f";background:{background}" if background else ""
    weight = ";font-weight:bold" if verdict in ("better", "worse") else ""
    return f'<td style="{style};color:{colour}{ground}{weight}">{escape(text)}</td>'
