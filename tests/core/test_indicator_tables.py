"""Reading indicator tables without Processing: published spellings of numbers, title blocks, unreadable paths.

The joins of messy tables through lis:joinindicators are in tests/processing/test_indicator_tables_algorithm.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lis_qgis_plugin.core.indicators.indicator_values import EMPTY, parse_number
from lis_qgis_plugin.core.io.table_files import TableError, read_raw_table

from ..support import FILE1_COLUMNS, imd_table, line_number

CODE, NAME, RANK = FILE1_COLUMNS


def test_paths_without_a_table_extension(tmp_path: Path) -> None:
    """A folder or missing file whose name has no extension is described as such, not as a wrong extension."""
    folder = tmp_path / "tables"
    folder.mkdir()
    with pytest.raises(TableError, match="this is a folder, not a table"):
        read_raw_table(folder)
    with pytest.raises(TableError, match="the file does not exist"):
        read_raw_table(tmp_path / "indicators")


def test_locked_file_says_it_may_be_open_in_excel(
    imd: list[dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that cannot be read (locked by Excel on Windows) gets a message saying so, naming the file."""
    table = imd_table(tmp_path, imd)
    read_bytes = Path.read_bytes

    def locked(self: Path) -> bytes:
        if self == table:
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    with pytest.raises(TableError) as raised:
        read_raw_table(table)
    message = str(raised.value)
    assert str(table) in message and "Permission denied" in message
    assert "open and locked in Excel" in message


@pytest.mark.parametrize(
    "text, value, status",
    [
        ("29,199", 29_199.0, "number"),
        (" 1,234,567.5 ", 1_234_567.5, "number"),
        ("12.5%", 12.5, "percent"),
        ("*", None, "*"),
        ("..", None, ".."),
        ("-", None, "-"),
        ("c", None, "c"),
        ("X", None, "x"),
        ("N/A", None, "n/a"),
        ("  ", None, EMPTY),
        ("12a", None, "unparseable"),
        ("1,23", None, "unparseable"),  # not a thousands separator: never guessed
    ],
)
def test_parse_number(text: str, value: float | None, status: str) -> None:
    """Each published spelling reads as the number or the NULL marker it means."""
    assert parse_number(text) == (value, status)


def test_csv_title_block_above_the_header(imd: list[dict[str, str]], tmp_path: Path) -> None:
    """Title lines above a CSV header (one holding a comma) do not become the header; rows keep file line numbers."""
    table = tmp_path / "titled.csv"
    lines = ["English indices of deprivation 2019, Rutland", "", f'"{CODE}","{NAME}","{RANK}"']
    lines += [f"{row[CODE]},{row[NAME]},{row[RANK]}" for row in imd]
    table.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    raw = read_raw_table(table)
    assert raw.header == [CODE, NAME, RANK]
    assert raw.rows[0] == [imd[0][CODE], imd[0][NAME], imd[0][RANK]]
    assert raw.row_number(0) == line_number(table, imd[0][CODE]) == 4
