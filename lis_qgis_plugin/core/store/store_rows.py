"""Store rows from tables already read by core.io: one column of a wide table, or a Fingertips-shaped long table."""

from __future__ import annotations

from ..indicators.indicator_values import parse_number
from ..io.table_files import RawTable, TableError, column_cells
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
_TEXT_FIELDS = {"area_code", "period", "sex", "age", "note"}


def _number(table: RawTable, index: int, column: str, text: str) -> float | None:
    """A cell as a number, None when empty or suppressed, TableError naming file, row and column otherwise."""
    value, status = parse_number(text)
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
        IndicatorValue(code, period, _number(table, index, column, text))
        for index, (code, text) in enumerate(zip(codes, cells))
    ]


def fingertips_values(table: RawTable) -> dict[str, list[IndicatorValue]]:
    """Indicator ID -> its rows of a Fingertips-shaped long table, every period, limit, count, sex and age kept."""
    id_position = _column_position(table, "Indicator ID")
    positions = {
        field: _column_position(table, column) for column, field in FINGERTIPS_COLUMNS.items() if column in table.header
    }
    for required in ("Area Code", "Time period"):
        _column_position(table, required)
    by_indicator: dict[str, list[IndicatorValue]] = {}
    for index, row in enumerate(table.rows):
        cells = {
            field: row[position].strip()
            if field in _TEXT_FIELDS
            else _number(table, index, table.header[position], row[position])
            for field, position in positions.items()
        }
        cells.setdefault("value", None)
        indicator_id = row[id_position].strip()
        if not indicator_id:
            raise TableError(
                f'{table.source}, row {table.row_number(index)}: the "Indicator ID" is empty. '
                "Give every row the id of its indicator."
            )
        by_indicator.setdefault(indicator_id, []).append(IndicatorValue(**cells))  # type: ignore[arg-type]
    return by_indicator
