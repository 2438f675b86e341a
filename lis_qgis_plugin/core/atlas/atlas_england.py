"""England's values from a long indicator table's own England row (E92000001): Fingertips' all_data CSV.

Fingertips sends England's value beside every local area's, in the same CSV that
lis:loadfingertips saves and lis:joinindicators pivots (one column per indicator, sex, age,
the latest period). The join keeps only the areas of the boundaries, so the atlas reads the
England row again from that CSV: given as ENGLAND_VALUES, or found by the file name the join
recorded as the indicators' source, beside the coverage layer's file. The table is pivoted
exactly as the join pivots it, so each England value lands on the same label and period; an
indicator whose period differs from England's is left without one and named in the log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..common.ons_codes import normalise_code
from ..indicators.indicator_table import is_long_layout, pivot_long_table
from ..indicators.indicator_values import parse_number
from ..io.table_files import TableError, read_raw_table
from ..sources.fingertips import FINGERTIPS_CITATION, is_fingertips_header
from .atlas_indicators import AtlasIndicator

ENGLAND_CODE = "E92000001"
_CODE_HEADERS = ("area code", "area_code", "areacode", "geography code")


@dataclass
class EnglandValues:
    """England's value per indicator field, where each came from (for the footnote) and what was left out.

    A source that also publishes the district's own row (Fingertips, for the parent area of a
    download) gives ``district``: its value per field, used instead of one made from the areas.
    """

    values: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    #: An indicator source (a file name) -> how the footnote cites it ('OHID, Fingertips ..., file.csv').
    citations: dict[str, str] = field(default_factory=dict)
    district: dict[str, float] = field(default_factory=dict)
    district_notes: list[str] = field(default_factory=list)


#: A long table's rows by area code: code -> pivot label -> (value, period).
LongRows = dict[str, dict[str, tuple[float, str]]]


def long_table_rows(path: Path, codes: Sequence[str], citations: dict[str, str] | None = None) -> LongRows | None:
    """The rows of ``codes`` in a long table, pivoted as lis:joinindicators pivots it; None when it is not long.

    TableError when the file cannot be read; a code without a row is missing from the answer. A
    Fingertips CSV is entered in ``citations`` under its file name.
    """
    raw = read_raw_table(Path(path))
    if citations is not None and is_fingertips_header(raw.header):
        citations[Path(path).name] = f"{FINGERTIPS_CITATION}, {Path(path).name}"
    if not is_long_layout(raw.header):
        return None
    code_column = next((name for name in raw.header if name.strip().lower() in _CODE_HEADERS), None)
    if code_column is None:
        return None
    wide, periods, _ = pivot_long_table(raw, code_column, None)
    position = wide.header.index(code_column)
    wanted = set(codes)
    rows: LongRows = {}
    for row in wide.rows:
        code = normalise_code(row[position])
        if code not in wanted or code in rows:
            continue
        rows[code] = {}
        for label, cell in zip(wide.header, row):
            number, _ = parse_number(cell)
            if label != code_column and number is not None:
                rows[code][label] = (number, periods.get(label, ""))
    return rows


def long_table_england(path: Path, citations: dict[str, str] | None = None) -> dict[str, tuple[float, str]] | None:
    """England's row of a long table as pivot label -> (value, period); None when the table is not long.

    An empty dict: long, but no England row (a download for one region's areas only).
    """
    rows = long_table_rows(path, [ENGLAND_CODE], citations)
    return None if rows is None else rows.get(ENGLAND_CODE, {})


def match_long_values(
    indicators: Sequence[AtlasIndicator], row: dict[str, tuple[float, str]], source: str, whose: str, instead: str
) -> tuple[dict[str, float], list[str]]:
    """Each indicator's value in a pivoted row, by its label (or its aggregate's, 'X (mean over LSOAs)').

    An indicator whose period differs from the row's gets none, and a problem saying so.
    """
    values: dict[str, float] = {}
    problems = []
    for indicator in indicators:
        label = indicator.label.strip().lower()
        for name, (value, period) in row.items():
            key = name.strip().lower()
            if label != key and not label.startswith(f"{key} ("):
                continue
            if indicator.period and period and indicator.period != period:
                problems.append(
                    f"{indicator.label}: {whose} value in {source} is for {period}, the areas' for "
                    f"{indicator.period}; {instead}."
                )
            else:
                values[indicator.field] = value
            break
    return values, problems


def match_long_england(
    indicators: Sequence[AtlasIndicator], table: dict[str, tuple[float, str]], source: str
) -> EnglandValues:
    """The England value of each indicator named as a column of the pivoted table (or its aggregate, 'X (mean ...')."""
    values, problems = match_long_values(indicators, table, source, "England's", "no England value shown")
    notes = [f"England's row ({ENGLAND_CODE}) of {source}"] if values else []
    return EnglandValues(values, notes, problems)


def source_table_england(
    folder: Path | None, indicators: Sequence[AtlasIndicator], district_code: str = "", district_name: str = ""
) -> EnglandValues:
    """England's (and the district's own) values from the long tables the indicators' metadata names as their
    source, found in ``folder``."""
    found = EnglandValues()
    if folder is None:
        return found
    codes = [ENGLAND_CODE, *([district_code] if district_code else [])]
    for source in dict.fromkeys(indicator.source for indicator in indicators if indicator.source):
        path = folder / source
        if Path(source).name != source or path.suffix.lower() not in (".csv", ".tsv", ".txt") or not path.is_file():
            continue  # a publisher's name, or a file that is not beside the layer
        try:
            rows = long_table_rows(path, codes, found.citations)
        except TableError:
            continue
        if not rows:
            continue
        of_source = [ind for ind in indicators if ind.source == source]
        matched = match_long_england(of_source, rows.get(ENGLAND_CODE, {}), source)
        found.values.update(matched.values)
        found.notes.extend(matched.notes)
        found.problems.extend(matched.problems)
        if district_code in rows:
            whose = f"{district_name or district_code}'s"
            values, problems = match_long_values(
                of_source, rows[district_code], source, whose, "the district value is made from the areas instead"
            )
            found.district.update(values)
            found.problems.extend(problems)
            if values:
                found.district_notes.append(f"its own row ({district_code}) of {source}")
    return found
