"""Turn the text cells of an indicator column into numbers or NULL, counting every NULL.

Published tables print counts with thousands separators ("29,199"), rates with a
percent sign and suppressed values as markers (``*``, ``..``, ``c``, ...). Each NULL
is counted by its marker so the join report can say what was missing and why.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

#: Markers statistical publishers use for suppressed, unavailable or not applicable values (the default;
#: users can change them in *Settings > Options > LIS*, and the tools pass theirs in as ``markers``).
SUPPRESSED_MARKERS = frozenset({"*", "**", "..", "...", ":", "-", "–", "—", "c", "x", "z", "n/a", "na", "#n/a", "~"})
EMPTY = "(empty)"

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACED_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+(\.\d+)?$")
#: The characters of plain numbers (and the line breaks joining a column): a column of only these is read at
#: once instead of cell by cell (the usual published table). Translating with this table deletes them.
_PLAIN_CHARACTERS = str.maketrans("", "", "0123456789+-.eE\n")
#: A column of whole numbers, some with thousands commas, one per line; plain ones without a leading zero.
_SEPARATED_CELL = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[1-9][0-9]*|0)"
_SEPARATED_COLUMN = re.compile(rf"{_SEPARATED_CELL}(?:\n{_SEPARATED_CELL})*")
#: Whole numbers up to here are the same read as int or through a float.
_EXACT_FLOAT_INTEGERS = 2**53
_PADDED_CELL = re.compile(r"^0\d+$", re.MULTILINE)
_TYPE_SAMPLE = 200
_PLAIN_START = frozenset("0123456789-+.")
#: Share of the non-NULL cells that must read as numbers for a column to be numeric.
NUMERIC_SHARE = 0.8


@dataclass
class ParsedColumn:
    """One column's values, its type and the account of its NULLs."""

    name: str
    kind: str  # "integer", "real" or "text"
    values: list
    nulls: Counter = field(default_factory=Counter)  # marker -> count
    unparseable: list[tuple[int, str]] = field(default_factory=list)  # (row index, text)
    percent: bool = False

    @property
    def null_count(self) -> int:
        """All NULLs: suppressed, empty and unparseable."""
        return sum(self.nulls.values()) + len(self.unparseable)


def parse_number(text: str, markers: frozenset[str] = SUPPRESSED_MARKERS) -> tuple[float | None, str]:
    """(value, status): status is 'number', 'percent', 'padded', a NULL marker, or 'unparseable'.

    'padded' marks a whole number written with leading zeros ("00123"): an identifier, not a
    quantity, since reading it as a number would lose the zeros. ``markers``: the suppressed-value
    markers, lower case.
    """
    cell = text.strip()
    if not cell:
        return None, EMPTY
    if cell.lower() in markers:
        return None, cell.lower()
    if cell[0] in _PLAIN_START:  # fast path for the common plain number
        if cell[0] == "0" and len(cell) > 1 and cell.isdigit():
            return float(cell), "padded"
        try:
            value = float(cell)
        except ValueError:
            pass
        else:
            if math.isfinite(value) and "_" not in cell:
                return value, "number"
    status = "number"
    if cell.endswith("%"):
        cell, status = cell[:-1].strip(), "percent"
    cell = cell.replace("\u2212", "-").lstrip("£$€")
    if _THOUSANDS.match(cell):
        cell = cell.replace(",", "")
    elif _SPACED_THOUSANDS.match(cell):
        cell = re.sub(r"[ \u00a0\u202f]", "", cell)
    if _NUMBER.match(cell):
        return float(cell), status
    return None, "unparseable"


def parse_column(
    name: str, cells: list[str], force_text: bool = False, markers: frozenset[str] = SUPPRESSED_MARKERS
) -> ParsedColumn:
    """Decide the column's type and convert its cells.

    Numeric when at least ``NUMERIC_SHARE`` of the cells that are not NULL markers (``markers``)
    read as numbers; the rest are then NULL and listed as unparseable. Integer when every number
    is whole and none carried a decimal point or percent sign (ranks, deciles, counts).
    """
    if not force_text:  # names and labels: decided on the first cells, without parsing them all
        first = [parse_number(cell, markers)[1] for cell in cells[:_TYPE_SAMPLE]]
        first_readable = [status for status in first if status in ("number", "percent", "unparseable")]
        if first_readable and first_readable.count("unparseable") > len(first_readable) / 2:
            force_text = True
    if force_text:
        return _text_column(name, cells)
    plain = _plain_numbers(name, cells)
    if plain is None:
        plain = _separated_whole_numbers(name, cells, markers)
    if plain is not None:
        return plain
    parsed = [parse_number(cell, markers) for cell in cells]
    if any(status == "padded" for _, status in parsed):
        return _text_column(name, cells)
    readable = [status for _, status in parsed if status in ("number", "percent", "unparseable")]
    numeric_share = sum(1 for status in readable if status != "unparseable") / len(readable) if readable else 0.0
    if readable and numeric_share < NUMERIC_SHARE:
        return _text_column(name, cells)
    return _numeric_column(name, cells, parsed)


def _plain_numbers(name: str, cells: list[str]) -> ParsedColumn | None:
    """The column when every cell is a plain number (no padding, separators, markers or spaces), else None.

    Gives what parsing cell by cell gives, ten times faster: the whole column is checked at once for
    characters other than digits, signs, points and exponents, then converted by ``float`` or ``int``,
    which refuse any other arrangement of them ("1-2", "e5", "", "1_0" cannot pass the check).
    """
    joined = "\n".join(cells)
    if not cells or not joined.isascii() or joined.translate(_PLAIN_CHARACTERS) or _PADDED_CELL.search(joined):
        return None
    if joined.count("\n") != len(cells) - 1:  # a cell holding a line break: read cell by cell
        return None
    try:
        if any(mark in joined for mark in ".eE"):
            return ParsedColumn(name, "real", list(map(float, cells)))
        integers = list(map(int, cells))
    except ValueError:
        return None
    if max(map(abs, integers)) >= _EXACT_FLOAT_INTEGERS:  # as cell by cell: through a float, rounded
        integers = [int(float(cell)) for cell in cells]
    return ParsedColumn(name, "integer", integers)


def _separated_whole_numbers(name: str, cells: list[str], markers: frozenset[str]) -> ParsedColumn | None:
    """The column when every cell is a whole number, some printed with thousands commas ("29,199"), else None.

    Published ranks and counts: what parsing cell by cell gives, at once. Plain cells with a leading zero
    (identifiers), signs, spaces, empty cells and markers made of digits and commas go cell by cell.
    """
    joined = "\n".join(cells)
    if "," not in joined or not _SEPARATED_COLUMN.fullmatch(joined) or joined.count("\n") != len(cells) - 1:
        return None
    if any(not marker.strip("0123456789,") for marker in markers):
        return None
    integers = [int(cell.replace(",", "")) for cell in cells]
    if max(integers) >= _EXACT_FLOAT_INTEGERS:  # as cell by cell: through a float, rounded
        integers = [int(float(cell.replace(",", ""))) for cell in cells]
    return ParsedColumn(name, "integer", integers)


def _text_column(name: str, cells: list[str]) -> ParsedColumn:
    """The cells as trimmed text: empty cells are the only NULLs."""
    values = [cell.strip() or None for cell in cells]
    return ParsedColumn(name, "text", values, Counter(EMPTY for value in values if value is None))


def _numeric_column(name: str, cells: list[str], parsed: list[tuple[float | None, str]]) -> ParsedColumn:
    """The parsed numbers, whole numbers as integers; every NULL counted by its marker or listed as unparseable."""
    nulls: Counter = Counter()
    unparseable = []
    numbers: list[float | None] = []
    whole = True
    percent = False
    for index, ((value, status), cell) in enumerate(zip(parsed, cells)):
        if value is not None and status in ("number", "percent"):
            percent = percent or status == "percent"
            whole = whole and value.is_integer() and "." not in cell and "e" not in cell.lower()
            numbers.append(value)
        elif status == "unparseable":
            unparseable.append((index, cell.strip()))
            numbers.append(None)
        else:
            nulls[status] += 1
            numbers.append(None)
    if whole and not percent:
        integers = [None if value is None else int(value) for value in numbers]
        return ParsedColumn(name, "integer", integers, nulls, unparseable, percent)
    return ParsedColumn(name, "real", numbers, nulls, unparseable, percent)
