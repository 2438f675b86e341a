"""A table file (CSV, XLSX, ODS; wide or long) read into catalogue entries and store rows, checked as the join checks.

Wide tables go through the join's own reading (header and code column found, suppressed markers, numbers with
thousands commas): each numeric column is one indicator with one period. Long tables keep every period and
limit (see store_rows). The catalogue's metadata comes from the data where it tells (geography and vintage from
the codes, IoD files recognised by their name) and from the user's options otherwise; ``refresh`` records how to
read the same data again, so lis:updatestore can.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from qgis.core import QgsFeedback

from ..common.ons_codes import is_normalised_code, profile_codes, vintage_from_name
from ..common.wording import list_labels
from ..indicators.indicator_table import IndicatorMetadata, build_indicator_table, normalise_polarity
from ..indicators.indicator_values import EMPTY, SUPPRESSED_MARKERS, ParsedColumn
from ..io.table_files import RawTable, TableError, read_raw_table
from ..sources.fingertips import FINGERTIPS_CITATION, is_fingertips_header
from .period_keys import PeriodError, period_key
from .store_location import StoreLocation
from .store_rows import LongIndicator, indicator_slug, is_long_table, long_columns, long_indicators
from .store_values import AddResult, CatalogueEntry, IndicatorValue, add_many

#: IoD files by their name: 'File_1_-_IMD2019_...', 'nottingham_imd2025_lsoa21.csv', 'IoD2025_...'.
_IOD_EDITION = re.compile(r"(?:imd|iod)[ _-]?(2015|2019|2025)", re.IGNORECASE)
OGL = "Open Government Licence v3.0"
POLARITIES = ("", "higher is better", "higher is worse", "neutral")


@dataclass(frozen=True)
class AddOptions:
    """What the user told about the data; empty fields are found from the data."""

    sheet: str = ""
    code_column: str = ""
    fields: tuple[str, ...] = ()
    period: str = ""
    name: str = ""
    id_prefix: str = ""
    unit: str = ""
    polarity: str = ""
    source: str = ""
    licence: str = ""
    geography: str = ""
    vintage: str = ""

    def to_json(self) -> dict[str, object]:
        """The options as JSON data (for the catalogue's refresh record)."""
        return {name: list(value) if isinstance(value, tuple) else value for name, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> AddOptions:
        """Options read back from a refresh record (unknown names ignored)."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        if "fields" in known:
            known["fields"] = tuple(known["fields"])  # type: ignore[arg-type]
        return cls(**known)  # type: ignore[arg-type]


@dataclass
class IndicatorChecks:
    """What the join's report says of a column: suppressed values by marker, empty cells, unreadable cells."""

    suppressed: dict[str, int] = field(default_factory=dict)
    empty: int = 0
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # (file row, text)


@dataclass
class LoadedIndicator:
    """One indicator ready for the store: its catalogue entry, rows, the column it came from and its checks."""

    entry: CatalogueEntry
    rows: list[IndicatorValue]
    column: str
    checks: IndicatorChecks = field(default_factory=IndicatorChecks)
    #: The indicator's key in a long table (Fingertips' Indicator ID, with its category); '' for a wide column.
    source_key: str = ""

    @property
    def periods(self) -> list[str]:
        """Its periods, oldest first."""
        return sorted({row.period for row in self.rows}, key=period_key)


@dataclass
class LoadedTable:
    """A table read for the store: where from, how it was laid out, its indicators and what the checks found."""

    source: str
    layout: str
    code_column: str
    indicators: list[LoadedIndicator]
    geography: str
    notes: list[str] = field(default_factory=list)
    rows_without_code: list[int] = field(default_factory=list)
    not_codes: list[tuple[int, str]] = field(default_factory=list)  # (file row, text) not shaped as an ONS code


@dataclass(frozen=True)
class IodEdition:
    """An English Indices of Deprivation file recognised by its name."""

    year: str

    @property
    def source(self) -> str:
        return f"MHCLG, English Indices of Deprivation {self.year}"

    def periods(self, columns: list[str]) -> dict[str, str]:
        """Each column's period: the edition's year, but the denominators' year where a name gives it
        ('Total population: mid 2015'), for every column of that table (File 6 names it on all but one)."""
        named = [found.group(1) for column in columns if (found := re.search(r"mid[- ](\d{4})", column, re.I))]
        return dict.fromkeys(columns, named[0] if named else self.year)

    def describe(self, column: str) -> tuple[str, str]:
        """(unit, polarity) of an IoD column: ranks and deciles count from the most deprived, scores rise with it."""
        words = column.lower()
        if "rank" in words:
            return "rank (1 = most deprived)", "higher is better"
        if "decile" in words:
            return "decile (1 = most deprived 10%)", "higher is better"
        if "score" in words:
            return "score", "higher is worse"
        return "", "neutral"


def iod_edition(path: Path) -> IodEdition | None:
    """The IoD edition a file's name tells ('IMD2019', 'IoD2025'), None for other files."""
    found = _IOD_EDITION.search(Path(path).name)
    return IodEdition(found.group(1)) if found else None


def file_checksum(path: Path) -> str:
    """SHA-256 of a file's bytes: an update re-reads a file only when this changed."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_refresh(path: Path) -> dict[str, object]:
    """The refresh record of a file: its path and checksum (``read_store_table`` adds the options)."""
    return {"kind": "file", "path": str(Path(path).resolve()), "sha256": file_checksum(path)}


def refresh_text(record: dict[str, object], options: AddOptions) -> str:
    """A refresh record with the options the data was added with, as the catalogue keeps it (JSON)."""
    return json.dumps({**record, "options": options.to_json()}, sort_keys=True)


def read_store_table(
    path: Path,
    options: AddOptions,
    refresh: dict[str, object],
    markers: frozenset[str] = SUPPRESSED_MARKERS,
    default_source: str = "",
    default_prefix: str = "",
) -> LoadedTable:
    """Read a table file into indicators for the store (``refresh``: how to read it again, kept with the options).

    TableError or PeriodError name the file, row or column of bad input; the file is only read.
    """
    path = Path(path)
    raw = read_raw_table(path, options.sheet or None, options.code_column or None)
    edition = iod_edition(path)
    if not default_prefix and is_fingertips_header(raw.header):
        default_prefix, default_source = "fingertips", default_source or FINGERTIPS_CITATION
    completed = _completed(options, path, edition, default_source, default_prefix)
    if is_long_table(raw.header):
        table = _long_table(raw, completed, markers)
    else:
        table = _wide_table(raw, completed, options.source, edition, markers)
    _finish_entries(table, completed, edition, refresh_text(refresh, options))
    return table


def _completed(
    options: AddOptions, path: Path, edition: IodEdition | None, default_source: str, default_prefix: str
) -> AddOptions:
    """The options with the prefix and source the data tells filled in, and the polarity in one wording."""
    prefix = options.id_prefix or default_prefix or (f"iod{edition.year}" if edition else indicator_slug(path.stem))
    if any(character in prefix for character in " ,"):
        raise TableError(f'ID_PREFIX "{prefix}": indicator ids take letters, digits, "_", "." and "-" only. '
                         "Write it without spaces or commas.")  # fmt: skip
    source = options.source or default_source or (edition.source if edition else path.name)
    polarity = normalise_polarity(options.polarity) if options.polarity not in POLARITIES else options.polarity
    return replace(options, id_prefix=prefix, source=source, polarity=polarity)


def _wide_table(
    raw: RawTable, options: AddOptions, given_source: str, edition: IodEdition | None, markers: frozenset[str]
) -> LoadedTable:
    """One indicator per numeric column (or per chosen column), each in one period; checked as the join checks."""
    table = build_indicator_table(raw, options.code_column or None, options.fields or None, None, None, markers)
    _check_duplicate_codes(raw.source, table.codes, table.row_numbers)
    chosen = [column for column in table.columns if column.kind != "text"]
    text_chosen = [column.name for column in table.columns if column.kind == "text" and options.fields]
    if text_chosen:
        raise TableError(
            f"{raw.source}: the column{'s' if len(text_chosen) > 1 else ''} {', '.join(map(repr, text_chosen))} "
            "hold text, not numbers. Choose numeric columns in FIELDS, or leave FIELDS empty for all numeric ones."
        )
    if not chosen:
        raise TableError(f"{raw.source}: no column holds numbers. Choose a table with numeric indicator columns.")
    periods = _column_periods(raw.source, [column.name for column in chosen], table.metadata, options.period, edition)
    indicators = [
        LoadedIndicator(
            _wide_entry(column.name, table.metadata.get(column.name), options, given_source, edition, len(chosen)),
            [
                IndicatorValue(code, periods[column.name], _float(value))
                for code, value in zip(table.codes, column.values)
            ],
            column.name,
            _column_checks(column),
        )
        for column in chosen
    ]
    profile = profile_codes(set(table.codes))
    loaded = LoadedTable(raw.source, "wide", table.code_column, indicators, profile.main or "", list(table.notes))
    loaded.rows_without_code = table.rows_without_code
    loaded.not_codes = [
        (row, code) for row, code in zip(table.row_numbers, table.codes) if not is_normalised_code(code)
    ]
    if len(set(periods.values())) == 1:
        loaded.notes.append(f"Every value is for the period {next(iter(periods.values()))}.")
    else:
        listed = "; ".join(f"{name}: {period}" for name, period in periods.items())
        loaded.notes.append(f"Periods from the table's metadata: {listed}.")
    return loaded


def _column_periods(
    source: str, columns: list[str], metadata: dict[str, IndicatorMetadata], period: str, edition: IodEdition | None
) -> dict[str, str]:
    """Column -> its period: PERIOD, else the metadata sheet's Period, else the IoD's year; checked sortable."""
    iod = edition.periods(columns) if edition else dict.fromkeys(columns, "")
    periods = {name: period or getattr(metadata.get(name), "period", "") or iod[name] for name in columns}
    missing = [name for name, found in periods.items() if not found]
    if missing:
        raise TableError(
            f"{source}: a wide table (one column per indicator) does not say which period the values of "
            f"{list_labels([repr(name) for name in missing], 5)} are for. Give the PERIOD (e.g. 2019, 2022/23 or "
            "2021 Q3), or a Period for each indicator in the workbook's Metadata sheet."
        )
    for name, found in periods.items():
        try:
            period_key(found)
        except PeriodError as error:
            where = "PERIOD" if period else f"{source}, the metadata's period of '{name}'"
            raise PeriodError(f"{where}: {error}") from error
    return periods


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _wide_entry(
    column: str,
    metadata: IndicatorMetadata | None,
    options: AddOptions,
    given_source: str,
    edition: IodEdition | None,
    count: int,
) -> CatalogueEntry:
    """A wide column's catalogue entry: its name; unit, polarity and source from the options, metadata or IoD."""
    unit, polarity = edition.describe(column) if edition else ("", "")
    unit = options.unit or (metadata.unit if metadata else "") or unit
    polarity = options.polarity or (metadata.polarity if metadata else "") or polarity
    source = given_source or (metadata.source if metadata else "")
    name = column if not options.name else options.name if count == 1 else f"{options.name}: {column}"
    return CatalogueEntry(
        f"{options.id_prefix}.{indicator_slug(column)}", name, unit=unit, polarity=polarity, source=source
    )


def _column_checks(column: ParsedColumn) -> IndicatorChecks:
    return IndicatorChecks(
        {marker: count for marker, count in column.nulls.items() if marker != EMPTY},
        column.nulls.get(EMPTY, 0),
        list(column.unparseable),
    )


def _check_duplicate_codes(source: str, codes: list[str], row_numbers: list[int]) -> None:
    """TableError naming the rows of an area listed twice: one value would silently replace the other."""
    counts = Counter(codes)
    repeated = [code for code, count in counts.items() if count > 1]
    if not repeated:
        return
    listed = "; ".join(
        f"{code} (rows {', '.join(str(row) for row, found in zip(row_numbers, codes) if found == code)})"
        for code in repeated[:5]
    )
    raise TableError(
        f"{source}: {len(repeated):,} area code{'s are' if len(repeated) > 1 else ' is'} on more than one row: "
        f"{listed}{' and more' if len(repeated) > 5 else ''}. Keep one row per area (the store keeps one value per "
        "area and period)."
    )


def _long_table(raw: RawTable, options: AddOptions, markers: frozenset[str]) -> LoadedTable:
    """Every indicator, period, limit, sex and age of a long table; categories as indicators of their own."""
    found = long_indicators(raw, options.code_column or None, markers)
    if options.fields:
        wanted = {name.strip().lower() for name in options.fields}
        found = {key: item for key, item in found.items() if key.lower() in wanted or item.name.lower() in wanted}
        if not found:
            raise TableError(f"{raw.source}: no indicator is named or numbered {', '.join(options.fields)}. "
                             "Check FIELDS, or leave it empty for every indicator.")  # fmt: skip
    for item in found.values():
        _check_duplicate_keys(raw.source, item)
    codes = {row.area_code for item in found.values() for row in item.rows}
    profile = profile_codes(codes)
    indicators = [_long_loaded(item, options, len(found)) for item in found.values()]
    code_column = raw.header[long_columns(raw, options.code_column or None).code]
    loaded = LoadedTable(raw.source, "long", code_column, indicators, profile.main or "")
    loaded.not_codes = sorted(
        (item.row_numbers[index], row.area_code)
        for item in found.values()
        for index, row in enumerate(item.rows)
        if not is_normalised_code(row.area_code)
    )
    if any(item.category for item in found.values()):
        loaded.notes.append("Rows broken down by a category (e.g. deprivation decile) are indicators of their own.")
    return loaded


def _long_loaded(item: LongIndicator, options: AddOptions, count: int) -> LoadedIndicator:
    name = item.name if not options.name else options.name if count == 1 else f"{options.name}: {item.name}"
    entry = CatalogueEntry(f"{options.id_prefix}.{item.key}", name, unit=options.unit, polarity=options.polarity)
    return LoadedIndicator(entry, item.rows, item.name, source_key=item.key)


def _check_duplicate_keys(source: str, item: LongIndicator) -> None:
    """TableError naming both rows of one indicator, area, period, sex and age given twice."""
    seen: dict[tuple[str, str, str, str], int] = {}
    for row, number in zip(item.rows, item.row_numbers):
        first = seen.setdefault((row.area_code, row.period, row.sex, row.age), number)
        if first != number:
            raise TableError(
                f"{source}, rows {first} and {number}: both give {item.name} for {row.area_code} in {row.period}"
                + (f" ({row.sex}, {row.age})" if row.sex or row.age else "")
                + ". Keep one row per indicator, area, period, sex and age."
            )


def _finish_entries(table: LoadedTable, options: AddOptions, edition: IodEdition | None, refresh: str) -> None:
    """Source, licence, geography, vintage and refresh on every entry: the options', else what the data tells."""
    vintage = _vintage(table, options, edition)
    geography = options.geography or table.geography
    licence = options.licence or (OGL if edition else "")
    method = f"Added by LIS from {table.source} ({table.layout} table)."
    for item in table.indicators:
        item.entry = replace(
            item.entry, source=item.entry.source or options.source, licence=licence, geography=geography,
            vintage=vintage, method=method, refresh=refresh,
        )  # fmt: skip


def _vintage(table: LoadedTable, options: AddOptions, edition: IodEdition | None) -> str:
    """The boundary vintage: what the code column's name or 2021-only codes tell, else VINTAGE, else the IoD's."""
    told = vintage_from_name(table.code_column) if table.layout == "wide" else None
    codes = {row.area_code for item in table.indicators for row in item.rows}
    if profile_codes(codes).newest_codes:
        told = 2021
    if told is not None and options.vintage and options.vintage.strip() != str(told):
        raise TableError(
            f"{table.source}: the codes are of {told} boundaries but VINTAGE says {options.vintage}. "
            "Leave VINTAGE empty, or check the table."
        )
    if told is not None:
        return str(told)
    return options.vintage or ({"2019": "2011", "2015": "2011", "2025": "2021"}[edition.year] if edition else "")


def add_loaded_tables(
    store: StoreLocation, tables: Sequence[LoadedTable], feedback: QgsFeedback | None = None
) -> list[AddResult]:
    """Put every indicator of the read tables into the store in one transaction (all or nothing, cancel
    included); each is upserted, so re-adding updates."""
    return add_many(store, [(item.entry, item.rows) for table in tables for item in table.indicators], feedback)


def describe_indicators(table: LoadedTable, described: dict[str, dict[str, str]]) -> None:
    """Definitions and units the publisher gives (by the table's indicator id) added to the entries.

    A unit the user gave stays; a breakdown by category takes its indicator's description.
    """
    for item in table.indicators:
        found = described.get(item.source_key.split(".")[0]) if item.source_key else None
        if found:
            item.entry = replace(
                item.entry,
                definition=item.entry.definition or found.get("definition", ""),
                unit=item.entry.unit or found.get("unit", ""),
            )
