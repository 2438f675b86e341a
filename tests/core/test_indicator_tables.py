"""Reading indicator tables without Processing: published spellings of numbers, title blocks, unreadable paths.

The joins of messy tables through lis:joinindicators are in tests/processing/test_indicator_tables_algorithm.py.
"""

from __future__ import annotations

import gzip
from pathlib import Path
from random import Random

import pytest

from lis_qgis_plugin.core.common import ons_codes
from lis_qgis_plugin.core.indicators import indicator_values
from lis_qgis_plugin.core.indicators.indicator_values import EMPTY, SUPPRESSED_MARKERS, parse_number
from lis_qgis_plugin.core.io import table_files
from lis_qgis_plugin.core.io.table_files import TableError, read_raw_table
from lis_qgis_plugin.core.sample.sample_files import SampleFiles

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


PLAIN_AND_NOT = [
    ["1", "2", "3"],
    ["1.0", "2"],
    ["1e3", "2", "1E-2"],
    ["007", "8"],  # padded: an identifier, text
    ["0", "00"],
    ["0", "10", "-0", "+6", "-5"],
    [".5", "5."],
    ["1e999", "1"],
    ["1,000", "2"],  # thousands: cell by cell
    [" 1", "2"],
    ["", "1", "*"],
    ["1", "x", "2", "3", "4"],
    ["12%", "3"],
    ["1_000", "2"],
    ["5\n", "6"],  # a line break inside a cell
    ["1\n2", "3"],
    ["9007199254740993", "1"],  # past 2**53: rounded through a float, as cell by cell
    ["-9007199254740993", "12345678901234567890"],
    ["1-2", "3", "4", "5", "6"],
    ["e5", "1", "2", "3", "4"],
    ["-", "1", "2", "3", "4"],
    ["+", "1.5"],
    ["1", ""],
    ["\u0661\u0662", "3"],  # Arabic-Indic digits
    ["+.5", "1.", "-1e+2", "1E5"],
    ["1e5", "2"],
    ["1.5.2", "1", "2", "3", "4"],
    ["0x1F", "2"],
    ["inf", "1", "2", "3", "4", "5"],
]


@pytest.mark.parametrize("cells", PLAIN_AND_NOT, ids=[" ".join(cells) for cells in PLAIN_AND_NOT])
def test_a_column_of_plain_numbers_is_read_at_once_as_cell_by_cell(
    cells: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = indicator_values.parse_column("x", cells)
    monkeypatch.setattr(indicator_values, "_plain_numbers", lambda name, column: None)
    slow = indicator_values.parse_column("x", cells)
    assert fast == slow
    assert [type(value) for value in fast.values] == [type(value) for value in slow.values]


def test_england_iod2025_columns_read_at_once_equal_cell_by_cell(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All 24 columns of 33,755 rows: ranks and deciles as integers, scores as reals, no NULLs; the same values
    and types as parsing each cell."""
    csv_path = tmp_path / "iod2025.csv"
    csv_path.write_bytes(
        gzip.decompress((shared_data / "england" / "IoD2025_imd2025_england_lsoa21.csv.gz").read_bytes())
    )
    raw = read_raw_table(csv_path)
    columns = {name: raw.column(name) for name in raw.header[1:]}
    fast = {name: indicator_values.parse_column(name, cells) for name, cells in columns.items()}
    assert len(fast) == 24 and all(len(column.values) == 33_755 and column.null_count == 0 for column in fast.values())
    assert {fast[name].kind for name in fast if name.endswith(("_rank", "_decile"))} == {"integer"}
    assert {fast[name].kind for name in fast if name.endswith("_score")} == {"real"}
    assert fast["IMD_rank"].values[0] == 26525 and fast["IMD_score"].values[0] == 8.742
    assert sorted(fast["IMD_rank"].values) == list(range(1, 33_756))
    monkeypatch.setattr(indicator_values, "_plain_numbers", lambda name, column: None)
    for name, cells in columns.items():
        slow = indicator_values.parse_column(name, cells)
        assert fast[name] == slow and [type(v) for v in fast[name].values] == [type(v) for v in slow.values], name


def _code_column_by_full_count(columns: dict[str, list[str]]) -> str | None:
    """The code column by the rule find_code_column states, counting every sampled value (no early stop)."""
    best, best_distinct = None, 0
    for name, values in columns.items():
        sample = values[: ons_codes.CODE_SAMPLE]
        share, filled = ons_codes.code_share(sample)
        distinct = len({ons_codes.normalise_code(value) for value in sample})
        if filled and share >= 0.8 and distinct > best_distinct:
            best, best_distinct = name, distinct
    return best


def _real_tables(shared_data: Path, sample_files: SampleFiles, folder: Path) -> list[Path]:
    england = []
    for packed in sorted((shared_data / "england").glob("*.csv.gz")):
        england.append(folder / packed.name[:-3])
        england[-1].write_bytes(gzip.decompress(packed.read_bytes()))
    local = sorted(path for place in ("nottingham", "rutland") for path in (shared_data / place).rglob("*.csv"))
    return [*england, *local, sample_files.imd_csv, sample_files.health_csv, sample_files.health_xlsx]


def test_code_column_stopping_early_picks_what_counting_every_value_picks(
    shared_data: Path, sample_files: SampleFiles, tmp_path: Path
) -> None:
    """A column of numbers is dropped after ~1,000 values, not 5,000: the same column on every real table."""
    tables = _real_tables(shared_data, sample_files, tmp_path)
    assert len(tables) >= 20
    found = {}
    for path in tables:
        raw = read_raw_table(path)
        columns = {name: raw.column(name) for name in raw.header}
        found[path.name] = ons_codes.find_code_column(columns)
        assert found[path.name] == _code_column_by_full_count(columns), path.name
    assert found["IoD2025_imd2025_england_lsoa21.csv"] == "lsoa21_code"
    assert found["File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv"] == "LSOA code (2011)"
    assert found["nottingham_imd2019_file1.csv"] == "LSOA code (2011)"


def test_code_column_stopping_early_on_tricky_columns() -> None:
    """Codes after 2,000 blank cells, codes with spaces, lower case and NBSP, and columns just above and
    below the 80% share after 900 or 1,001 non-codes: decided as counting every value decides."""
    codes = [f"E01{number:06d}" for number in range(1, 5001)]
    columns = {
        "numbers": [str(number) for number in range(5000)],
        "late codes": [""] * 2000 + codes[:3000],
        "just enough": ["n/a"] * 900 + codes[:2050] * 2,  # 4,100 of 5,000: 82%
        "just too few": ["x"] * 1001 + codes[:3999],  # 3,999 of 5,000: 79.98%
        "messy": [f" {code.lower()}\u00a0" for code in codes[:4000]] + ["12"] * 1000 + codes[4000:],
    }
    for name in columns:
        single = {name: columns[name]}
        assert ons_codes.find_code_column(single) == _code_column_by_full_count(single), name
    assert ons_codes.find_code_column({"numbers": columns["numbers"]}) is None
    assert ons_codes.find_code_column({"late codes": columns["late codes"]}) == "late codes"
    assert ons_codes.find_code_column({"just enough": columns["just enough"]}) == "just enough"
    assert ons_codes.find_code_column({"just too few": columns["just too few"]}) is None
    assert ons_codes.find_code_column(columns) == "messy"  # 4,001 distinct values against 3,001 and 2,051
    assert ons_codes.find_code_column(columns) == _code_column_by_full_count(columns)


def test_tables_without_quotes_split_as_the_csv_module_reads_them(
    shared_data: Path, sample_files: SampleFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every real CSV, and random texts of separators, blank lines, CR, LF, CR LF and other breaks: the same
    rows as csv.reader gives."""
    random = Random(18)
    alphabet = ["a", "E01000001", ",", ",", ";", "\t", "\r", "\n", "\r\n", "\n\n", " ", "\x0b", "\u2028", "é"]
    texts = ["", "\n", "a", "a\n\n", "\r\n", ",,\n,"]
    texts += ["".join(random.choices(alphabet, k=random.randint(1, 40))) for _ in range(3000)]
    real = [path for path in _real_tables(shared_data, sample_files, tmp_path) if path.suffix == ".csv"]
    paths = [tmp_path / f"random{index}.csv" for index in range(len(texts))]
    fast = [table_files._parse_delimited(text, path) for text, path in zip(texts, paths)]
    fast_real = [table_files._parse_delimited(path.read_text(encoding="utf-8-sig"), path) for path in real]
    monkeypatch.setattr(table_files, "_split_unquoted", lambda text, delimiter: None)
    assert fast == [table_files._parse_delimited(text, path) for text, path in zip(texts, paths)]
    for path, rows in zip(real, fast_real):
        assert rows == table_files._parse_delimited(path.read_text(encoding="utf-8-sig"), path), path.name
    assert len(fast_real[0]) == 32_845 and fast_real[0][1][0] == "E01000001"


SEPARATED_AND_NOT = [
    ["29,199", "30,379", "14,915", "1"],
    ["0", "1,000", "999"],
    ["0,123", "000,000", "12"],
    ["0123", "1,000"],  # padded: text
    ["1,000", ""],
    ["1,000", "-2"],
    ["1,000", "2.5"],
    ["1,00", "2"],
    ["1,000,000", "12,345,678,901,234,567,890"],  # past 2**53: through a float
    ["1,000\n", "2"],
    [" 1,000", "2"],
    ["1,000", "x", "2", "3", "4"],
    ["1,000", "*", "2"],
    ["\u0661,000", "2"],
    ["1,000", "2"] * 150,
]


@pytest.mark.parametrize("cells", SEPARATED_AND_NOT, ids=[" ".join(cells[:4]) for cells in SEPARATED_AND_NOT])
def test_whole_numbers_with_thousands_commas_read_at_once_as_cell_by_cell(
    cells: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = indicator_values.parse_column("x", cells)
    fast_with_digit_marker = indicator_values.parse_column("x", cells, markers=frozenset({"1,000", "*"}))
    monkeypatch.setattr(indicator_values, "_separated_whole_numbers", lambda name, column, markers: None)
    slow = indicator_values.parse_column("x", cells)
    assert fast == slow
    assert [type(value) for value in fast.values] == [type(value) for value in slow.values]
    assert fast_with_digit_marker == indicator_values.parse_column("x", cells, markers=frozenset({"1,000", "*"}))


def test_england_file1_and_file2_ranks_read_at_once_equal_cell_by_cell(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IoD2019 File 1 prints its rank with thousands commas (File 2 without): read at once, the same integers as
    cell by cell."""
    fast, columns = {}, {}
    for name in ("File_1_-_IMD2019_Index_of_Multiple_Deprivation", "File_2_-_IoD2019_Domains_of_Deprivation"):
        csv_path = tmp_path / f"{name}.csv"
        csv_path.write_bytes(gzip.decompress((shared_data / "england" / f"{name}.csv.gz").read_bytes()))
        raw = read_raw_table(csv_path)
        columns.update({f"{name[:6]} {column}": raw.column(column) for column in raw.header if "Rank" in column})
    separated = [column for column, cells in columns.items() if any("," in cell for cell in cells)]
    assert separated == ["File_1 Index of Multiple Deprivation (IMD) Rank"] and len(columns) == 9
    for column, cells in columns.items():
        at_once = indicator_values._separated_whole_numbers(column, cells, SUPPRESSED_MARKERS)
        assert (at_once is not None) == (column in separated), column
        fast[column] = indicator_values.parse_column(column, cells)
    assert fast["File_1 Index of Multiple Deprivation (IMD) Rank"].values[0] == 29_199
    ranks = fast["File_1 Index of Multiple Deprivation (IMD) Rank"].values
    assert len(ranks) == 32_844 and min(ranks) == 1 and max(ranks) == 32_844 and ranks[1] == 30_379
    monkeypatch.setattr(indicator_values, "_separated_whole_numbers", lambda name, column, markers: None)
    for column, cells in columns.items():
        slow = indicator_values.parse_column(column, cells)
        assert fast[column] == slow and {type(value) for value in slow.values} == {int}, column
