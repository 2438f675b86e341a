"""An area's indicator table as display-ready rows, stored in the atlas GeoPackage.

The print layout shows them in an attribute table item filtered to the atlas area: no HTML
and no web view (QGIS 3.32+ turns HTML labels into HTML frames, and QGIS 4 has no WebKit).
Every number is formatted here, as text, so the page prints exactly what was computed.
The ``status`` column ('better', 'worse', 'same' or empty) drives the table's conditional
styling; the words are also written in the difference cell, so the table reads the same in grey.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .atlas_indicators import IndicatorRow, format_value, unit_kind
from .atlas_statistics import significance_text

#: Columns of the rows table, in order: (name, Python type), as gpkg_writer.FeatureTable takes them.
ROW_COLUMNS: tuple[tuple[str, type], ...] = (
    ("atlas_key", int),
    ("row_order", int),
    ("indicator", str),
    ("area_value", str),
    ("district_value", str),
    ("england_value", str),
    ("difference", str),
    ("status", str),
)
#: (background, text) of the difference cell: blue for better, red for worse (ColorBrewer RdBu).
VERDICT_COLOURS = {"better": ("#d1e5f0", "#174f7c"), "worse": ("#fbdcc9", "#8e1b1b")}


@dataclass(frozen=True)
class ProfileRow:
    """One printed line of an area's table: every cell as the text the page shows."""

    order: int
    indicator: str
    area_value: str
    district_value: str
    england_value: str
    difference: str
    status: str

    def values(self, key: int) -> list[object]:
        """The row's attributes in the order of ROW_COLUMNS, for area ``key``."""
        return [key, self.order, self.indicator, self.area_value, self.district_value, self.england_value,
                self.difference, self.status]  # fmt: skip


def note(row: IndicatorRow) -> str:
    """Unit, period, polarity and the count behind the value under the label, the recent trend on a line of its
    own; percentages and rates show their unit on the number instead."""
    indicator = row.indicator
    on_number = unit_kind(indicator.unit) in ("share", "percent", "rate", "count")
    unit = "" if on_number else indicator.unit.strip()
    count = ""
    if row.count is not None and row.value is not None:
        count = f"count {format_value(row.count, 0)}"
        if row.denominator is not None:
            count = f"{format_value(row.count, 0)} of {format_value(row.denominator, 0)}"
    text = " \u00b7 ".join(part for part in (unit, indicator.period, indicator.polarity, count) if part)
    return _with_line(text, f"recent trend: {row.trend}" if row.trend else "")


def _with_line(value: str, second: str) -> str:
    return f"{value}\n{second}" if value and second else value or second


def difference_text(row: IndicatorRow) -> str:
    """'+1.23 worse', '\u22120.50 better', 'same', or the signed difference alone when the polarity is unknown."""
    text = format_value(row.difference, row.decimals, row.indicator.unit, signed=True)
    if row.verdict == "same":
        return "same"
    return f"{text} {row.verdict}" if row.verdict else text


def limits_text(limits: tuple[float, float] | None, decimals: int, unit: str) -> str:
    """'26.7\u201381.1' (95% limits, in the unit of the value above them, without its sign), or ''."""
    if limits is None:
        return ""
    scale = 100.0 if unit_kind(unit) == "share" else 1.0  # the value above says '%' or 'per 1,000'
    return "\u2013".join(format_value(limit * scale, decimals) for limit in limits)


def profile_rows(rows: Sequence[IndicatorRow]) -> list[ProfileRow]:
    """An area's table: label (with its note on a second line), area, district, England, difference, status.

    Under the area's and district's values, their 95% limits; under England's, how the area compares
    with it (Fingertips' significance, at 99.8% when it holds at that level too).
    """
    table = []
    for order, row in enumerate(rows, start=1):
        unit, decimals = row.indicator.unit, row.decimals
        label = row.indicator.label.strip()
        extra = note(row)
        table.append(
            ProfileRow(
                order,
                f"{label}\n{extra}" if extra else label,
                _with_line(format_value(row.value, decimals, unit), limits_text(row.limits, decimals, unit)),
                _with_line(
                    format_value(row.district, decimals, unit), limits_text(row.district_limits, decimals, unit)
                ),
                _with_line(format_value(row.england, decimals, unit), significance_text(row)),
                difference_text(row),
                row.verdict,
            )
        )
    return table


def table_headers(area_word: str, district_name: str, show_england: bool) -> list[tuple[str, str]]:
    """(column, heading) of the printed table; England only when national values were given."""
    headers = [
        ("indicator", "Indicator"),
        ("area_value", f"This {area_word}"),
        ("district_value", district_name),
    ]
    if show_england:
        headers.append(("england_value", "England"))
    headers.append(("difference", f"Difference from {district_name}"))
    return headers
