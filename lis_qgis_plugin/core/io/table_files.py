"""Read indicator tables from CSV, TSV, XLSX and ODS as a grid of text, and find the header row.

Everything is read as text first: codes must never become numbers ("E01000001" is
safe, but "00123" or "1.10" are not), and the join decides each column's type later
with full knowledge of suppressed markers and thousands separators. The header is
found by looking for the first row that sits above a column of ONS codes, so Excel
title blocks above the table do not swallow the header (QGIS issue #39908).
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

from ..common.errors import LisError
from ..common.ons_codes import is_normalised_code, normalise_code


class TableError(LisError, ValueError):
    """Bad input that the user can fix; the message says where and what to do."""


SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
#: Rows scanned for the header: title blocks are short.
_HEADER_SEARCH_ROWS = 60
#: Lines (and at most characters) the separator is guessed from.
_SNIFF_LINES = 50
_SNIFF_CHARS = 65536


@dataclass
class RawTable:
    """A table as text: the header, the data rows and where they came from.

    ``first_data_row`` is the 1-based row number of ``rows[0]`` in the file or sheet,
    so every message can point at the row as Excel or a text editor numbers it.
    """

    source: str
    header: list[str]
    rows: list[list[str]]
    first_data_row: int
    path: Path | None = None
    sheet: str | None = None
    encoding: str | None = None
    sheets: list[str] = field(default_factory=list)
    #: Offsets from ``first_data_row`` when rows were rearranged (a pivoted long table).
    source_rows: list[int] | None = None

    def row_number(self, index: int) -> int:
        """The file row number of data row ``index``."""
        offset = index if self.source_rows is None else self.source_rows[index]
        return self.first_data_row + offset

    def column(self, name: str) -> list[str]:
        """The text cells of one column."""
        return column_cells(self.rows, self.header.index(name))


def column_cells(rows: list[list[str]], position: int) -> list[str]:
    """The cells at ``position`` of every row, '' where a row is shorter (at C speed when none is)."""
    try:
        return list(map(itemgetter(position), rows))
    except IndexError:
        return [row[position] if position < len(row) else "" for row in rows]


def describe_source(path: Path, sheet: str | None = None) -> str:
    """'health.xlsx, sheet "Indicators"' for messages."""
    return f'{path.name}, sheet "{sheet}"' if sheet else path.name


def check_table_path(path: Path) -> None:
    """Raise TableError when ``path`` does not exist or is a folder."""
    if not path.exists():
        raise TableError(f"{path}: the file does not exist. Check the path, or choose the file again.")
    if path.is_dir():
        raise TableError(f"{path}: this is a folder, not a table. Choose a CSV, TSV, XLSX or ODS file.")


def read_grid_file(path: Path, sheet: str | None = None) -> tuple[list[list[str]], str | None, str | None, list[str]]:
    """All cells of a CSV/TSV file or one sheet of a workbook, as text.

    Returns (grid, sheet name used, text encoding, all sheet names).
    """
    path = Path(path)
    check_table_path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in SPREADSHEET_SUFFIXES:
            grid, used_sheet, sheets = _read_workbook(path, sheet)
            return grid, used_sheet, None, sheets
        if sheet:
            raise TableError(
                f'{path.name}: a sheet ("{sheet}") was given but a {suffix or "text"} file has no sheets. '
                "Leave the sheet empty, or choose the workbook."
            )
        text, encoding = _decode(path.read_bytes(), path)
        return _parse_delimited(text, path), None, encoding, []
    except PermissionError as error:
        raise TableError(
            f"{path}: the file cannot be opened ({error.strerror}). It may be open and locked in Excel, or you may "
            "not have permission to read it: close it in other programs, or copy it somewhere you can read."
        ) from error


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """UTF-8 (with or without BOM) when it decodes, else Windows-1252 as Excel saves 'CSV'."""
    if data.startswith(b"PK\x03\x04"):
        raise TableError(
            f"{path.name}: this is a workbook (zip) saved with a text extension. Rename it to .xlsx or .ods."
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _parse_delimited(text: str, path: Path) -> list[list[str]]:
    """Rows of a delimited text; tab for .tsv, otherwise the separator the first lines use most.

    A cell past the csv module's size limit almost always means a quote that is never closed, so the
    rest of the file reads as one cell: the message says which line, rather than a bare csv error.
    """
    if path.suffix.lower() in {".tsv", ".tab"}:
        delimiter = "\t"
    else:
        lines = text[:_SNIFF_CHARS].splitlines()  # the first lines, without splitting a national table
        if len(lines) <= _SNIFF_LINES:
            lines = text.splitlines()
        try:
            delimiter = csv.Sniffer().sniff("\n".join(lines[:_SNIFF_LINES]), delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    if '"' not in text and "\x00" not in text:
        rows = _split_unquoted(text, delimiter)
        if rows is not None:
            return rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as error:
        raise TableError(
            f"{path.name}, line {reader.line_num}: the text cannot be read as a table ({error}). Usually a quote "
            '(") opens a cell and is never closed, so the rest of the file reads as one cell: check the quotes '
            "from that line on, or save the table again from Excel or LibreOffice as CSV."
        ) from error


def _split_unquoted(text: str, delimiter: str) -> list[list[str]] | None:
    """The rows the csv module reads from a text without quotes, split at C speed; None for a cell over its limit.

    Lines end at CR LF, CR or LF, and a blank line is an empty row, as csv.reader has them.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the line break that ends the last row
    if max(map(len, lines), default=0) > csv.field_size_limit():
        return None  # the csv module's message says which line
    return [line.split(delimiter) if line else [] for line in lines]


def _read_workbook(path: Path, sheet: str | None) -> tuple[list[list[str]], str, list[str]]:
    """Cells of one sheet (the first when none is named)."""
    if path.suffix.lower() == ".ods":
        return _read_ods(path, sheet)
    import zipfile

    from openpyxl import load_workbook  # imported when needed: it is slow to import

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        if isinstance(error, PermissionError):
            raise
        raise TableError(f"{path.name}: not a readable Excel workbook ({error}). Save it again as .xlsx.") from error
    try:
        sheets = list(workbook.sheetnames)
        name = _choose_sheet(path, sheet, sheets)
        grid = [[_cell_text(value) for value in row] for row in workbook[name].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return grid, name, sheets


def _read_ods(path: Path, sheet: str | None) -> tuple[list[list[str]], str, list[str]]:
    import pandas

    try:
        book = pandas.ExcelFile(path, engine="odf")
    except Exception as error:  # odfpy raises many kinds for a damaged file
        if isinstance(error, PermissionError):
            raise
        raise TableError(f"{path.name}: not a readable OpenDocument spreadsheet ({error}).") from error
    sheets = [str(name) for name in book.sheet_names]
    name = _choose_sheet(path, sheet, sheets)
    frame = book.parse(name, header=None, dtype=object, keep_default_na=False, na_filter=False)
    return [[_cell_text(value) for value in row] for row in frame.itertuples(index=False)], name, sheets


def _choose_sheet(path: Path, sheet: str | None, sheets: list[str]) -> str:
    if not sheet:
        return sheets[0]
    if sheet in sheets:
        return sheet
    folded = {name.strip().lower(): name for name in sheets}
    if sheet.strip().lower() in folded:
        return folded[sheet.strip().lower()]
    listed = ", ".join(f'"{name}"' for name in sheets)
    raise TableError(f'{path.name}: there is no sheet "{sheet}". The sheets are {listed}: choose one of them.')


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees: 12.0 -> "12", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def find_header_row(grid: list[list[str]], code_column: str | None = None) -> int:
    """Index of the header row: the last non-empty row above the first column of ONS codes.

    With ``code_column`` given, the first row holding that name. Raises TableError when the
    grid is empty.
    """
    rows = grid[:_HEADER_SEARCH_ROWS]
    if not any(any(cell.strip() for cell in row) for row in grid):
        raise TableError("the table is empty")
    if code_column:
        wanted = code_column.strip().lower()
        for index, row in enumerate(rows):
            if any(cell.strip().lower() == wanted for cell in row):
                return index
    for index in range(len(rows)):
        if _starts_code_run(grid, index):
            for above in range(index - 1, -1, -1):
                if sum(1 for cell in grid[above] if cell.strip()) >= 2:
                    return above
            return max(index - 1, 0)
    # No ONS codes at all: the first row with the most filled cells among the first ones.
    filled = [sum(1 for cell in row if cell.strip()) for row in rows]
    widest = max(filled)
    return next(index for index, count in enumerate(filled) if count >= max(2, widest) or count == widest)


def _starts_code_run(grid: list[list[str]], index: int, run: int = 3) -> bool:
    """True when some column holds ONS codes in this row and the next few rows."""
    window = [row for row in grid[index : index + run] if any(cell.strip() for cell in row)]
    if not window or not any(is_normalised_code(normalise_code(cell)) for cell in window[0]):
        return False
    width = max(len(row) for row in window)
    for column in range(width):
        cells = [normalise_code(row[column]) if column < len(row) else "" for row in window]
        if all(is_normalised_code(cell) for cell in cells):
            return True
    return False


def unique_headers(cells: list[str]) -> list[str]:
    """Header names made unique and non-empty: blanks become 'Column 5', repeats get ' (2)'."""
    seen: dict[str, int] = {}
    names = []
    for position, cell in enumerate(cells):
        name = " ".join(cell.replace("\ufeff", "").split()) or f"Column {position + 1}"
        key = name.lower()
        if key in seen:
            seen[key] += 1
            name = f"{name} ({seen[key]})"
        else:
            seen[key] = 1
        names.append(name)
    return names


def raw_table_from_grid(
    grid: list[list[str]], source: str, code_column: str | None = None, first_row_number: int = 1
) -> RawTable:
    """Split a grid into header and rows, dropping empty trailing columns and blank rows at the end.

    The table takes the grid's row lists rather than copies: the grid is not to be used afterwards.
    """
    try:
        header_index = find_header_row(grid, code_column)
    except TableError as error:
        raise TableError(f"{source}: {error}. Choose a file with a header row and one row per area.") from error
    width = max(len(row) for row in grid[header_index:])
    header_cells = grid[header_index] + [""] * (width - len(grid[header_index]))
    # Full rows are taken as they are (the grid is the caller's scratch), short ones padded.
    body = [row if len(row) == width else row + [""] * (width - len(row)) for row in grid[header_index + 1 :]]
    used = [
        position
        for position in range(width)
        if header_cells[position].strip() or any(row[position].strip() for row in body)
    ]
    header = unique_headers([header_cells[position] for position in used])
    rows = body if len(used) == width else [[row[position] for position in used] for row in body]
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    return RawTable(source, header, rows, first_data_row=first_row_number + header_index + 1)


def read_raw_table(path: Path, sheet: str | None = None, code_column: str | None = None) -> RawTable:
    """Read a CSV/TSV/XLSX/ODS table into header and text rows, naming file and sheet in every error."""
    path = Path(path)
    check_table_path(path)  # before the extension: a folder or a typo is not a wrong file type
    if path.suffix.lower() not in SPREADSHEET_SUFFIXES | TEXT_SUFFIXES:
        raise TableError(
            f"{path.name}: '{path.suffix}' files are not read as tables. Save the table as CSV, TSV, XLSX or ODS."
        )
    grid, used_sheet, encoding, sheets = read_grid_file(path, sheet)
    table = raw_table_from_grid(grid, describe_source(path, used_sheet), code_column)
    table.path, table.sheet, table.encoding, table.sheets = path, used_sheet, encoding, sheets
    return table
