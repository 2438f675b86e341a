"""Store rows from tables already read by core.io: one column of a wide table, or a long table of many indicators.

A long table is Fingertips-shaped (Indicator ID, Area Code, Time period, Value, limits, count, denominator,
sex, age, value note) or any table with an indicator, a value and a period column (Nomis' CSV as LIS saves
it). Every period, limit, count, sex and age is kept; a Fingertips "Category" breakdown (e.g. deprivation
deciles) becomes its own indicator, its id suffixed by a slug of the category.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..common.ons_codes import CODE_SAMPLE, find_code_column, normalise_code
from ..indicators.indicator_values import SUPPRESSED_MARKERS, parse_number
from ..io.table_files import RawTable, TableError, column_cells
from .period_keys import PeriodError, period_key
from .store_values import IndicatorValue

#: Fingertips' long-table columns -> IndicatorValue fields (Area Code and Time period are required).
FINGERTIPS_COLUMNS = {
    "Area Code": "area_code",
    "Time period": "period",
    "Value": "value",
    "Lower CI 95.0 limit": "lower95",
    "Upper CI 95.0 limit": "upper95",
    "Lower CI 99.8 limit": "lower998",
    "Upper CI 99.8 limit": "upper998",
    "Count": "count",
    "Denominator": "denominator",
    "Sex": "sex",
    "Age": "age",
    "Value note": "note",
}
#: Other publishers' names (lower case) of the same parts of a long row.
_OTHER_NAMES = {
    "period": ("time period", "time_period", "date_name", "period", "year", "date"),
    "value": ("value", "obs_value", "obs value", "observation", "observation value"),
    "sex": ("sex",),
    "age": ("age",),
    "note": ("value note", "note", "obs_status_name"),
}
_INDICATOR_NAMES = ("indicator name", "indicator", "indicator_name", "indicatorname", "measure", "variable")
_TEXT_FIELDS = {"area_code", "period", "sex", "age", "note"}
_SLUG_GAPS = re.compile(r"[^a-z0-9.\-]+")


def indicator_slug(text: str) -> str:
    """Text as an indicator id part: lower case letters, digits, '.', '-', and '_' for every other run."""
    return _SLUG_GAPS.sub("_", text.strip().lower()).strip("_.-")


def _number(table: RawTable, index: int, column: str, text: str, markers: frozenset[str]) -> float | None:
    """A cell as a number, None when empty or suppressed, TableError naming file, row and column otherwise."""
    value, status = parse_number(text, markers)
    if status == "unparseable":
        raise TableError(
            f"{table.source}, row {table.row_number(index)}, column \"{column}\": '{text}' is not a number. "
            "Correct the cell, or leave it empty for no value."
        )
    return value


def _column_position(table: RawTable, column: str) -> int:
    """Where a column is, or TableError naming it and the table."""
    if column not in table.header:
        raise TableError(f'{table.source}: there is no column "{column}". Check the column name.')
    return table.header.index(column)


def wide_column_values(table: RawTable, code_column: str, column: str, period: str) -> list[IndicatorValue]:
    """One indicator column of a one-row-per-area table, every value in ``period``."""
    codes = column_cells(table.rows, _column_position(table, code_column))
    cells = column_cells(table.rows, _column_position(table, column))
    return [
        IndicatorValue(code, period, _number(table, index, column, text, SUPPRESSED_MARKERS))
        for index, (code, text) in enumerate(zip(codes, cells))
    ]


@dataclass
class LongIndicator:
    """One indicator of a long table: its id part (from the table), name, rows and where they came from."""

    key: str
    name: str
    rows: list[IndicatorValue] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    category: str = ""


@dataclass(frozen=True)
class LongColumns:
    """Where a long table keeps each part of a row (positions in the header)."""

    code: int
    indicator_id: int | None
    indicator_name: int | None
    category_type: int | None
    category: int | None
    fields: dict[str, int]

    def text(self, row: list[str], position: int | None) -> str:
        """The trimmed cell ('' for no column, or a short row)."""
        return row[position].strip() if position is not None and position < len(row) else ""


def is_long_table(header: Sequence[str]) -> bool:
    """True for a table of many indicators in rows: an indicator (name or id), a value and a period column."""
    names = {name.strip().lower() for name in header}
    has_indicator = "indicator id" in names or any(name in names for name in _INDICATOR_NAMES)
    return has_indicator and any(name in names for name in _OTHER_NAMES["value"]) and _has_period(names)


def _has_period(names: set[str]) -> bool:
    return any(name in names for name in _OTHER_NAMES["period"])


def long_columns(table: RawTable, code_column: str | None = None) -> LongColumns:
    """Find the parts of a long table's rows; TableError naming what is missing."""
    folded = {name.strip().lower(): position for position, name in enumerate(table.header)}

    def find(names: Sequence[str]) -> int | None:
        return next((folded[name] for name in names if name in folded), None)

    fields = {target: table.header.index(name) for name, target in FINGERTIPS_COLUMNS.items() if name in table.header}
    for target, names in _OTHER_NAMES.items():
        if target not in fields and (position := find(names)) is not None:
            fields[target] = position
    indicator_id, indicator_name = find(("indicator id",)), find(_INDICATOR_NAMES)
    if "period" not in fields or (indicator_id is None and indicator_name is None):
        raise TableError(
            f"{table.source}: a long table needs an indicator column (Indicator ID or Indicator), a period column "
            "(Time period) and a value column (Value). Add the missing one, or give a wide table (one column per "
            "indicator)."
        )
    code = _code_position(table, folded, code_column)
    fields["area_code"] = code
    return LongColumns(
        code, indicator_id, indicator_name, find(("category type", "category_type")), find(("category",)), fields
    )


def _code_position(table: RawTable, folded: dict[str, int], code_column: str | None) -> int:
    """The area code column: the one named, else Area Code / GEOGRAPHY_CODE, else the column of ONS codes."""
    if code_column:
        if code_column.strip().lower() not in folded:
            raise TableError(
                f'{table.source}: there is no column "{code_column}". The columns are: '
                f"{', '.join(table.header)}. Choose one as the code column, or leave it empty."
            )
        return folded[code_column.strip().lower()]
    for name in ("area code", "geography_code", "area_code"):
        if name in folded:
            return folded[name]
    sample = table.rows[:CODE_SAMPLE]
    found = find_code_column({name: column_cells(sample, position) for position, name in enumerate(table.header)})
    if found is None:
        raise TableError(f"{table.source}: no column holds area codes (ONS codes such as E01000001). Add one, or name "
                         "the code column.")  # fmt: skip
    return table.header.index(found)


def long_indicators(
    table: RawTable, code_column: str | None = None, markers: frozenset[str] = SUPPRESSED_MARKERS
) -> dict[str, LongIndicator]:
    """Indicator key -> its rows: every period, limit, count, sex and age kept; categories apart.

    The key is the table's Indicator ID (else a slug of its name), with ``.<category slug>`` for a breakdown
    by category. An empty indicator, an unreadable number or a period LIS cannot sort is named by file and row.
    """
    columns = long_columns(table, code_column)
    indicators: dict[str, LongIndicator] = {}
    periods: dict[str, str] = {}
    categories = _category_labels(table, columns)
    for index, row in enumerate(table.rows):
        if not any(cell.strip() for cell in row):
            continue
        cells = _row_cells(table, columns, index, row, markers)
        _check_period(table, index, columns, cells["period"], periods)
        found = _indicator_of(table, columns, index, row, categories, indicators)
        found.rows.append(IndicatorValue(**cells))
        found.row_numbers.append(table.row_number(index))
    return indicators


def _row_cells(
    table: RawTable, columns: LongColumns, index: int, row: list[str], markers: frozenset[str]
) -> dict[str, Any]:
    """A long row's parts as IndicatorValue fields."""
    cells: dict[str, Any] = {
        target: columns.text(row, position)
        if target in _TEXT_FIELDS
        else _number(table, index, table.header[position], columns.text(row, position), markers)
        for target, position in columns.fields.items()
    }
    cells["area_code"] = normalise_code(cells["area_code"])
    cells.setdefault("value", None)
    if not cells["area_code"]:
        raise TableError(
            f'{table.source}, row {table.row_number(index)}: the area code ("{table.header[columns.code]}") is '
            "empty. Give every row its area's code, or delete the row."
        )
    return cells


def _check_period(table: RawTable, index: int, columns: LongColumns, period: object, known: dict[str, str]) -> None:
    """PeriodError naming file, row and column when the period is empty or cannot be sorted in time."""
    text = str(period)
    if text in known:
        return
    column = table.header[columns.fields["period"]]
    try:
        known[text] = period_key(text)
    except PeriodError as error:
        raise PeriodError(f'{table.source}, row {table.row_number(index)}, column "{column}": {error}') from error


def _category_labels(table: RawTable, columns: LongColumns) -> dict[tuple[str, str], str]:
    """(category type, category) -> the slug that suffixes its indicator: the category's, with its type's when
    two types share a category name."""
    if columns.category is None:
        return {}
    pairs = {(columns.text(row, columns.category_type), columns.text(row, columns.category)) for row in table.rows} - {
        ("", "")
    }
    names = [category for _, category in pairs]
    return {
        (kind, category): indicator_slug(category if names.count(category) == 1 else f"{kind} {category}")
        for kind, category in pairs
    }


def _indicator_of(
    table: RawTable,
    columns: LongColumns,
    index: int,
    row: list[str],
    categories: dict[tuple[str, str], str],
    indicators: dict[str, LongIndicator],
) -> LongIndicator:
    """The indicator a row belongs to, made on its first row."""
    identifier = columns.text(row, columns.indicator_id)
    name = columns.text(row, columns.indicator_name)
    if not identifier and not name:
        column = "Indicator ID" if columns.indicator_id is not None else table.header[columns.indicator_name or 0]
        raise TableError(
            f'{table.source}, row {table.row_number(index)}: the "{column}" is empty. '
            "Give every row the id of its indicator."
        )
    pair = (columns.text(row, columns.category_type), columns.text(row, columns.category))
    suffix = categories.get(pair, "")
    key = (identifier or indicator_slug(name)) + (f".{suffix}" if suffix else "")
    found = indicators.get(key)
    if found is None:
        label = name or identifier
        category = ": ".join(part for part in pair if part)
        found = indicators[key] = LongIndicator(key, f"{label} ({category})" if category else label, category=category)
    return found


def fingertips_values(table: RawTable) -> dict[str, list[IndicatorValue]]:
    """Indicator ID -> its rows of a Fingertips-shaped long table, every period, limit, count, sex and age kept."""
    for required in ("Indicator ID", "Area Code", "Time period"):
        _column_position(table, required)
    return {key: found.rows for key, found in long_indicators(table, "Area Code").items()}
