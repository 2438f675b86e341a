"""An indicator table ready to join: its code column, typed indicator columns and their metadata.

Wide tables (one column per indicator) are used as they are. Long ("tidy") tables with
one row per area, indicator and period, as Fingertips exports them, are pivoted to wide,
keeping the latest period of each indicator unless a period is chosen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..common.ons_codes import CODE_SAMPLE, find_code_column, normalise_code, vintage_from_name
from ..common.wording import plural
from ..io.table_files import RawTable, TableError, column_cells, raw_table_from_grid, read_grid_file
from .indicator_values import SUPPRESSED_MARKERS, ParsedColumn, parse_column

_INDICATOR_NAMES = {"indicator", "indicator name", "indicator_name", "indicatorname", "measure", "variable"}
_VALUE_NAMES = {"value", "obs_value", "obs value", "observation", "observation value"}
_PERIOD_NAMES = {"time period", "time_period", "timeperiod", "period", "year", "date"}
_PERIOD_SORT_NAMES = {"time period sortable", "time_period_sortable"}
_BREAKDOWN_NAMES = ("sex", "age", "category")
_CATEGORY_TYPE_NAMES = {"category type", "category_type"}
_METADATA_SHEETS = ("metadata", "meta data", "definitions", "notes", "indicators", "about")
#: Whole numbers written with a leading zero ("00123"): identifiers whose zeros a number would lose.


@dataclass(frozen=True)
class IndicatorMetadata:
    """What later maps and reports need to know about an indicator."""

    name: str
    source: str = ""
    period: str = ""
    unit: str = ""
    polarity: str = ""  # "higher is better", "higher is worse", "neutral" or ""


@dataclass
class IndicatorTable:
    """Codes (normalised), row numbers in the file and the typed columns to join."""

    source: str
    code_column: str
    codes: list[str]
    row_numbers: list[int]
    columns: list[ParsedColumn]
    metadata: dict[str, IndicatorMetadata] = field(default_factory=dict)
    layout: str = "wide"
    notes: list[str] = field(default_factory=list)
    rows_without_code: list[int] = field(default_factory=list)

    @property
    def code_vintage(self) -> int | None:
        """The year the code column's name carries ('LSOA code (2011)' -> 2011)."""
        return vintage_from_name(self.code_column)


def normalise_polarity(text: str) -> str:
    """Map publishers' wordings ('RAG - Low is good', 'High is bad') to one of three phrases."""
    words = text.strip().lower()
    if not words:
        return ""
    if re.search(r"(low|lower)\w*\s+(is|=)\s+(good|better)|(high|higher)\w*\s+(is|=)\s+(bad|worse)", words):
        return "higher is worse"
    if re.search(r"(high|higher)\w*\s+(is|=)\s+(good|better)|(low|lower)\w*\s+(is|=)\s+(bad|worse)", words):
        return "higher is better"
    return "neutral"


def metadata_from_raw(raw: RawTable) -> dict[str, IndicatorMetadata]:
    """Indicator metadata keyed by lower-cased indicator name, from a table with an Indicator column."""
    columns = {name.strip().lower(): name for name in raw.header}
    keys = ("indicator", "indicator name", "name", "field")
    name_column = next((columns[key] for key in keys if key in columns), None)
    if name_column is None:
        return {}

    def cell(row: dict[str, str], *keys: str) -> str:
        for key in keys:
            if key in columns:
                return row[columns[key]].strip()
        return ""

    metadata = {}
    for values in raw.rows:
        row = dict(zip(raw.header, values))
        name = row[name_column].strip()
        if not name:
            continue
        metadata[name.lower()] = IndicatorMetadata(
            name=name,
            source=cell(row, "source", "publisher"),
            period=cell(row, "period", "time period", "year", "date"),
            unit=cell(row, "unit", "units", "value type"),
            polarity=normalise_polarity(cell(row, "polarity", "direction", "higher is")),
        )
    return metadata


def read_metadata_file(path: Path, sheet: str | None = None) -> dict[str, IndicatorMetadata]:
    """Metadata from a separate table (CSV, or a workbook sheet) with Indicator/Source/Period/Unit/Polarity."""
    grid, used_sheet, _, _ = read_grid_file(path, sheet)
    source = f"{Path(path).name}{f', sheet {used_sheet!r}' if used_sheet else ''}"
    raw = raw_table_from_grid(grid, source, code_column=_metadata_header_name(grid))
    metadata = metadata_from_raw(raw)
    if not metadata:
        raise TableError(
            f"{source}: no 'Indicator' column found. A metadata table needs a column 'Indicator' naming each "
            "indicator as in the data table, and any of 'Source', 'Period', 'Unit', 'Polarity'."
        )
    return metadata


def _metadata_header_name(grid: list[list[str]]) -> str | None:
    for row in grid[:30]:
        for cell in row:
            if cell.strip().lower() in ("indicator", "indicator name"):
                return cell.strip()
    return None


def workbook_metadata(raw: RawTable) -> dict[str, IndicatorMetadata]:
    """Metadata from another sheet of the same workbook (named 'Metadata', 'Notes', ...), if there is one."""
    if raw.path is None or not raw.sheets:
        return {}
    for sheet in raw.sheets:
        if sheet == raw.sheet or sheet.strip().lower() not in _METADATA_SHEETS:
            continue
        try:
            return read_metadata_file(raw.path, sheet)
        except TableError:
            continue
    return {}


def is_long_layout(header: Sequence[str]) -> bool:
    """True for a tidy table: an indicator column and a value column beside the codes."""
    names = {name.strip().lower() for name in header}
    return bool(names & _INDICATOR_NAMES) and bool(names & _VALUE_NAMES)


def build_indicator_table(
    raw: RawTable,
    code_column: str | None = None,
    fields: Sequence[str] | None = None,
    period: str | None = None,
    metadata: dict[str, IndicatorMetadata] | None = None,
    markers: frozenset[str] = SUPPRESSED_MARKERS,
) -> IndicatorTable:
    """Find the code column, pivot a long table, type the columns (``markers``: suppressed values), add metadata."""
    code_column = _resolve_code_column(raw, code_column)
    notes: list[str] = []
    layout = "wide"
    periods: dict[str, str] = {}
    if is_long_layout(raw.header):
        raw, periods, pivot_notes = pivot_long_table(raw, code_column, period)
        layout = "long"
        notes.extend(pivot_notes)
    elif period:
        notes.append(f"The table is wide (one column per indicator), so the period '{period}' was not needed.")
    codes, row_numbers, kept, without = _rows_with_codes(raw, raw.header.index(code_column))
    wanted = _choose_fields(raw, code_column, fields)
    columns = []
    for name in wanted:
        cells = column_cells(kept, raw.header.index(name))
        columns.append(parse_column(name, cells, markers=markers))
    for column in columns:  # unparseable positions refer to kept rows: report file row numbers
        column.unparseable = [(row_numbers[index], text) for index, text in column.unparseable]
    known = {**workbook_metadata(raw), **(metadata or {})}
    table_metadata = {}
    for column in columns:
        found = known.get(column.name.lower())
        if found is None and column.name in periods:
            found = IndicatorMetadata(column.name, raw.source, periods[column.name])
        elif found is not None and column.name in periods and not found.period:
            found = IndicatorMetadata(found.name, found.source, periods[column.name], found.unit, found.polarity)
        if found is not None:
            table_metadata[column.name] = found
    return IndicatorTable(raw.source, code_column, codes, row_numbers, columns, table_metadata, layout, notes, without)


def _rows_with_codes(raw: RawTable, position: int) -> tuple[list[str], list[int], list[list[str]], list[int]]:
    """The normalised codes, their file row numbers and rows, and the row numbers of filled rows without a code."""
    all_codes = list(map(normalise_code, column_cells(raw.rows, position)))
    if all(all_codes):  # the usual table: a code on every row
        return all_codes, list(map(raw.row_number, range(len(raw.rows)))), raw.rows, []
    codes, row_numbers, kept, without = [], [], [], []
    for index, (code, row) in enumerate(zip(all_codes, raw.rows)):
        if not code:
            if any(cell.strip() for cell in row):
                without.append(raw.row_number(index))
            continue
        codes.append(code)
        row_numbers.append(raw.row_number(index))
        kept.append(row)
    return codes, row_numbers, kept, without


def _resolve_code_column(raw: RawTable, code_column: str | None) -> str:
    if code_column:
        folded = {name.lower(): name for name in raw.header}
        if code_column.strip().lower() in folded:
            return folded[code_column.strip().lower()]
        raise TableError(
            f"{raw.source}: there is no column '{code_column}'. The columns are: {', '.join(raw.header)}. "
            "Choose one of them as the code column, or leave it empty to find the codes automatically."
        )
    if not raw.rows:
        raise TableError(f"{raw.source}: the table has a header but no rows. Choose a table with one row per area.")
    sample = raw.rows[:CODE_SAMPLE]  # all find_code_column looks at: no need to split whole national columns
    found = find_code_column({name: column_cells(sample, position) for position, name in enumerate(raw.header)})
    if found is None:
        raise TableError(
            f"{raw.source}: no column holds area codes. The join needs ONS codes such as E01000001 (9 characters: "
            f"a letter then 8 digits); the columns are: {', '.join(raw.header)}. Add a code column, or name the "
            "column to use in 'Code field in the table'."
        )
    return found


def _choose_fields(raw: RawTable, code_column: str, fields: Sequence[str] | None) -> list[str]:
    others = [name for name in raw.header if name != code_column]
    if not fields:
        return others
    folded = {name.lower(): name for name in others}
    missing = [name for name in fields if name.strip().lower() not in folded]
    if missing:
        raise TableError(
            f"{raw.source}: no column named {', '.join(repr(name) for name in missing)}. "
            f"The columns are: {', '.join(others)}."
        )
    return [folded[name.strip().lower()] for name in fields]


def _period_key(period: str, sortable: str) -> tuple:
    """Order periods: Fingertips' sortable number when given, else the numbers in the text."""
    if sortable.strip().isdigit():
        return (0, int(sortable), period)
    return (1, tuple(int(part) for part in re.findall(r"\d+", period)), period)


@dataclass(frozen=True)
class _LongColumns:
    """Where a long table keeps each part of a row, and the breakdowns that split an indicator into columns."""

    indicator: str
    value: str
    period: str | None
    sortable: str | None
    category_type: str | None
    breakdowns: list[str]
    #: Column name -> its position in a row.
    at: dict[str, int]
    #: The breakdowns (sex, age, category) with more than one value for some indicator.
    varying: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, header: list[str]) -> _LongColumns:
        names = {name.strip().lower(): name for name in header}
        return cls(
            indicator=next(names[key] for key in names if key in _INDICATOR_NAMES),
            value=next(names[key] for key in names if key in _VALUE_NAMES),
            period=next((names[key] for key in names if key in _PERIOD_NAMES), None),
            sortable=next((names[key] for key in names if key in _PERIOD_SORT_NAMES), None),
            category_type=next((names[key] for key in names if key in _CATEGORY_TYPE_NAMES), None),
            breakdowns=[names[key] for key in _BREAKDOWN_NAMES if key in names],
            at={name: position for position, name in enumerate(header)},
        )

    def cell(self, row: list[str], name: str | None) -> str:
        """The trimmed text of a column ('' for no column, or a short row)."""
        return row[self.at[name]].strip() if name and self.at[name] < len(row) else ""

    def label(self, row: list[str]) -> str:
        """The wide column a row's value goes to: its indicator, with the breakdowns that vary."""
        parts = [self.cell(row, name) for name in self.varying if self.cell(row, name)]
        return f"{self.cell(row, self.indicator)} ({', '.join(parts)})" if parts else self.cell(row, self.indicator)


def pivot_long_table(raw: RawTable, code_column: str, period: str | None) -> tuple[RawTable, dict[str, str], list[str]]:
    """One column per indicator (and per sex/age/category where those vary), one period each.

    Returns the wide table, the period used per column and notes for the report.
    """
    columns = _LongColumns.of(raw.header)
    notes: list[str] = []
    rows = _area_rows(columns, list(enumerate(raw.rows)), notes)
    columns = replace(columns, varying=_varying_breakdowns(columns, rows))
    chosen = _chosen_periods(columns, rows, period, raw.source, notes)
    labels = list(chosen)
    wide_rows, first_rows = _wide_rows(columns, rows, code_column, chosen)
    what = f"period {period}" if period else "the latest period of each indicator"
    notes.insert(0, f"Long table: {len(labels)} indicators pivoted to columns, using {what}.")
    wide = RawTable(
        raw.source, [code_column, *labels], wide_rows, raw.first_data_row, raw.path, raw.sheet,
        sheets=raw.sheets, source_rows=first_rows,
    )  # fmt: skip
    return wide, chosen, notes


def _area_rows(
    columns: _LongColumns, rows: list[tuple[int, list[str]]], notes: list[str]
) -> list[tuple[int, list[str]]]:
    """The rows of areas: Fingertips repeats England's value per deprivation decile etc., and those rows go."""
    if not columns.category_type:
        return rows
    kept = [(index, row) for index, row in rows if not columns.cell(row, columns.category_type)]
    if len(kept) < len(rows):
        left_out = len(rows) - len(kept)
        notes.append(f"{plural('row', left_out)} broken down by a category (e.g. deprivation decile) left out.")
    return kept


def _varying_breakdowns(columns: _LongColumns, rows: list[tuple[int, list[str]]]) -> list[str]:
    """The breakdown columns with more than one value for some indicator: they split it into several columns."""
    values_by_indicator: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))
    for _, row in rows:
        for name in columns.breakdowns:
            values_by_indicator[columns.cell(row, columns.indicator)][name].add(columns.cell(row, name))
    return [name for name in columns.breakdowns if any(len(seen[name]) > 1 for seen in values_by_indicator.values())]


def _chosen_periods(
    columns: _LongColumns, rows: list[tuple[int, list[str]]], period: str | None, source: str, notes: list[str]
) -> dict[str, str]:
    """Wide column -> the period it takes: ``period`` where the indicator has it, else its latest.

    TableError when no indicator has ``period``; the indicators without it are named in ``notes``.
    """
    periods_by_label: dict[str, dict[str, tuple]] = defaultdict(dict)
    for _, row in rows:
        found_period = columns.cell(row, columns.period)
        periods_by_label[columns.label(row)][found_period] = _period_key(
            found_period, columns.cell(row, columns.sortable)
        )
    chosen: dict[str, str] = {}
    for name, seen in periods_by_label.items():
        if period:
            if period in seen:
                chosen[name] = period
        else:
            chosen[name] = max(seen, key=seen.__getitem__)
    if period and not chosen:
        available = sorted({p for seen in periods_by_label.values() for p in seen})
        raise TableError(
            f"{source}: no indicator has the period '{period}'. The periods in the table are: "
            f"{', '.join(available)}. Choose one of them, or leave the period empty for the latest."
        )
    skipped = sorted(set(periods_by_label) - set(chosen))
    if skipped:
        notes.append(f"No values for {period} of: {', '.join(skipped)}; these indicators were left out.")
    return chosen


def _wide_rows(
    columns: _LongColumns, rows: list[tuple[int, list[str]]], code_column: str, chosen: dict[str, str]
) -> tuple[list[list[str]], list[int]]:
    """The wide rows (code, then one cell per chosen column) and the first long row each comes from.

    An area whose indicator appears twice for the same period gets a second wide row, so no value is lost.
    """
    cells: dict[str, dict[str, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    order: list[str] = []
    for index, row in rows:
        name = columns.label(row)
        if chosen.get(name) != columns.cell(row, columns.period):
            continue
        code = columns.cell(row, code_column)
        if code not in cells:
            order.append(code)
        cells[code][name].append((index, columns.cell(row, columns.value)))
    wide_rows: list[list[str]] = []
    first_rows: list[int] = []
    for code in order:
        by_label = cells[code]
        for occurrence in range(max(len(found) for found in by_label.values())):
            entries = [by_label[name][occurrence] if occurrence < len(by_label[name]) else None for name in chosen]
            first_rows.append(min(entry[0] for entry in entries if entry))
            wide_rows.append([code] + [entry[1] if entry else "" for entry in entries])
    return wide_rows, first_rows
